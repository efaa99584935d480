import type { GitHubClient } from "../github/client.js";
import type { JobFacts, RunFacts } from "../github/facts.js";
import type { Store } from "../state/store.js";
import { keys, TTL } from "../deps.js";
import { renderCheckRun, type Outcome } from "./check-run.js";

/**
 * One write per report: the check run's id is remembered, so later reports on the same run update
 * it without reading it first. A forgotten or deleted check run is created anew.
 */
export async function writeCheckRun(
  gh: GitHubClient,
  store: Store,
  run: RunFacts,
  outcome: Outcome,
  jobs: JobFacts[] | null = null,
): Promise<number> {
  const check = renderCheckRun(run, outcome, jobs);
  const key = keys.checkRun(`${gh.owner}/${gh.repo}`, run.id);
  const known = Number(await store.get(key));
  if (known > 0) {
    try {
      await gh.updateCheckRun(known, check);
      return known;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  const id = await gh.createCheckRun(check);
  await store.set(key, String(id), TTL.remember);
  return id;
}

/** Remembered so that its later success can be checked for flaky jobs. */
export async function rememberRerun(store: Store, repo: string, runId: number, maxAttempts?: number): Promise<void> {
  await store.set(keys.reran(repo, runId), JSON.stringify({ maxAttempts: maxAttempts ?? null }), TTL.remember);
}

export async function recallRerun(store: Store, repo: string, runId: number): Promise<{ maxAttempts: number | null } | null> {
  const raw = await store.get(keys.reran(repo, runId));
  if (!raw) return null;
  try {
    return JSON.parse(raw) as { maxAttempts: number | null };
  } catch {
    return { maxAttempts: null };
  }
}
