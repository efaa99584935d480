import type { GitHubClient } from "../github/client.js";
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
  jobs: JobFacts[] | null = null,
  verdicts: JobVerdict[] = [],
  knownId?: number,
  button = true,
): Promise<number> {
  const check = renderCheckRun(run, outcome, jobs, verdicts, button);
  const key = keys.checkRun(`${gh.owner}/${gh.repo}`, run.id);
  const known = knownId ?? Number(await store.get(key));
  if (known > 0) {
    try {
      await gh.updateCheckRun(known, check);
      if (knownId !== undefined) await store.set(key, String(known), TTL.remember);
      return known;
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  const id = await gh.createCheckRun(check);
  await store.set(key, String(id), TTL.remember);
  return id;
}
