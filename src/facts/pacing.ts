/** The counts behind holds and budgets (policy/pacing.ts), kept in the store so instances share them. */
import { keys, TTL } from "../domain/keys.js";
import type { HoldSettings } from "../policy/pacing.js";
import type { Store } from "../state/store.js";

const windowOf = (now: number, s: HoldSettings) => Math.floor(now / s.windowMs);
const hourOf = (now: number) => Math.floor(now / 3_600_000);

/** Counts an infrastructure failure of an installation in the current window; returns the count. */
export function countInfraFailure(store: Store, hold: HoldSettings, now: number, installationId: number): Promise<number> {
  return store.incr(keys.storm(installationId, windowOf(now, hold)), Math.ceil((hold.windowMs * 2) / 1000));
}

/** The current window's count, without adding to it (a held re-run looking again, `explain`). */
export async function infraFailures(store: Store, hold: HoldSettings, now: number, installationId: number): Promise<number> {
  return Number(await store.get(keys.storm(installationId, windowOf(now, hold)))) || 0;
}

/** Spends one re-run of the repo's clock hour and of the commit; returns the counts, this one included. */
export async function spendBudget(store: Store, now: number, repo: string, sha: string): Promise<{ repoHour: number; commit: number }> {
  const repoHour = await store.incr(keys.budgetHour(repo, hourOf(now)), 2 * 3600);
  const commit = await store.incr(keys.budgetCommit(repo, sha), TTL.remember);
  return { repoHour, commit };
}

/** The counts with `extra` more re-runs, without spending (`explain`; a retry that spent already). */
export async function peekBudget(store: Store, now: number, repo: string, sha: string, extra: number): Promise<{ repoHour: number; commit: number }> {
  const repoHour = Number(await store.get(keys.budgetHour(repo, hourOf(now)))) || 0;
  const commit = Number(await store.get(keys.budgetCommit(repo, sha))) || 0;
  return { repoHour: repoHour + extra, commit: commit + extra };
}
