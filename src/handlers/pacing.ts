/** The counts behind holds and budgets (policy/pacing.ts), kept in the store so instances share them. */
import { keys, TTL } from "../domain/keys.js";
import { budgetRefusal, type Budget, type HoldSettings } from "../policy/pacing.js";
import type { Refusal } from "../policy/limits.js";
import type { JobVerdict } from "../policy/rules.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import type { GitHubClient } from "../github/client.js";
import type { RerunWork } from "../queue/work-queue.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import type { Deps } from "./deps.js";

const windowOf = (now: number, s: HoldSettings) => Math.floor(now / s.windowMs);

/** Counts an infrastructure failure of an installation in the current window; returns the count. */
export function countInfraFailure(deps: Deps, installationId: number): Promise<number> {
  const now = deps.now().getTime();
  return deps.store.incr(keys.storm(installationId, windowOf(now, deps.hold)), Math.ceil((deps.hold.windowMs * 2) / 1000));
}

/** The current window's count, without adding to it (a held re-run looking again). */
export async function infraFailures(deps: Deps, installationId: number): Promise<number> {
  return Number(await deps.store.get(keys.storm(installationId, windowOf(deps.now().getTime(), deps.hold)))) || 0;
}

/** Spends one re-run of the repo's hour and of the commit; a refusal when either is spent. */
export async function spendBudget(deps: Deps, repo: string, sha: string, budget: Budget): Promise<Refusal | null> {
  const hour = Math.floor(deps.now().getTime() / 3_600_000);
  const repoHour = await deps.store.incr(keys.budgetHour(repo, hour), 2 * 3600);
  const commit = await deps.store.incr(keys.budgetCommit(repo, sha), TTL.remember);
  return budgetRefusal(repoHour, commit, budget);
}

/**
 * Holds a re-run for an outage: queues it to be looked at again after `waitMs`, counts it, and says
 * so on the run's check run. Needs `deps.schedule` (a queue).
 */
export async function holdRerun(
  deps: Deps & Required<Pick<Deps, "schedule">>,
  gh: GitHubClient,
  run: RunFacts,
  work: RerunWork,
  waitMs: number,
  failures: number,
  jobs: JobFacts[] | null = null,
  verdicts: JobVerdict[] = [],
): Promise<Date> {
  await deps.schedule(work, waitMs);
  deps.metrics.held.inc();
  const at = new Date(deps.now().getTime() + waitMs);
  const windowMinutes = Math.round(deps.hold.windowMs / 60_000);
  await writeCheckRun(gh, deps.store, run, { kind: "held", at, attempt: run.runAttempt + 1, maxAttempts: work.maxAttempts, failures, windowMinutes }, jobs, verdicts);
  return at;
}
