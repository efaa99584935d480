import type { CheckRunWrite, GitHubClient } from "../github/client.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import { keys, TTL } from "../domain/keys.js";
import type { JobVerdict } from "../policy/rules.js";
import type { Store } from "../state/store.js";
import { renderCheckRun, type Outcome } from "./check-run.js";

/**
 * One write per report: the check run's id is remembered, so later reports on the same run update
 * it without reading it first. A forgotten or deleted check run is created anew. `knownId` is for
 * callers that hold the id already (a button press names its check run).
 */
export async function writeCheckRun(
  gh: GitHubClient,
  store: Store,
  run: RunFacts,
  outcome: Outcome,
  o: { jobs?: JobFacts[] | null; verdicts?: JobVerdict[]; knownId?: number; button?: boolean; at: number },
): Promise<number> {
  const check = renderCheckRun(run, outcome, o.jobs ?? null, o.verdicts ?? [], o.button ?? true);
  return (await writeRendered(gh, store, run.id, check, { knownId: o.knownId, at: o.at }))!;
}

/**
 * Writes a rendered check run. `at`: when the report was decided (the app's clock). A report handed
 * to later work (`late`, see execute/carry-out.ts) that was decided before the run's last written
 * report is not written, so a late report never hides a newer one.
 */
export async function writeRendered(
  gh: GitHubClient,
  store: Store,
  runId: number,
  check: CheckRunWrite,
  o: { knownId?: number; at: number; late?: boolean },
): Promise<number | null> {
  const repo = `${gh.owner}/${gh.repo}`;
  if (o.late) {
    const last = Number(await store.get(keys.checkReportedAt(repo, runId))) || 0;
    if (last > o.at) return null;
  }
  const key = keys.checkRun(repo, runId);
  const known = o.knownId ?? Number(await store.get(key));
  let id = 0;
  if (known > 0) {
    try {
      await gh.updateCheckRun(known, check);
      if (o.knownId !== undefined) await store.set(key, String(known), TTL.remember);
      id = known;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  if (!id) {
    id = await gh.createCheckRun(check);
    await store.set(key, String(id), TTL.remember);
  }
  await store.set(keys.checkReportedAt(repo, runId), String(o.at), TTL.remember);
  return id;
}
