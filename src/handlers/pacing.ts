/** The counts behind holds and budgets (policy/pacing.ts), kept in the store so instances share them. */
import { keys, TTL } from "../domain/keys.js";
import { budgetRefusal, type Budget, type HoldSettings } from "../policy/pacing.js";
import type { Refusal } from "../policy/limits.js";
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
