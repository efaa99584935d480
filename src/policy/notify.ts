/**
 * What follows a decision about a run the bot re-ran: whether its red end goes to the ledger (the
 * breaker counts it), and when the pull request hears of it (`auto.notify: pr-comment`). Pure.
 */
import type { RefusalReason } from "./limits.js";

export type Notify = "check-run" | "pr-comment";

/** The bot gave up on a run it had re-ran: record the jobs that stayed red; comment only at max-attempts. */
export function afterRefusal(reason: RefusalReason | "config-invalid", reran: boolean, notify: Notify | null): { recordRed: boolean; comment: boolean } {
  const gaveUp = reran && (reason === "max-attempts" || reason === "real-failure");
  return { recordRed: gaveUp, comment: gaveUp && reason === "max-attempts" && notify === "pr-comment" };
}

/** A run the bot re-ran passed: the pull request hears of the flaky jobs, when there are any. */
export function afterCatch(flakyJobs: number, notify: Notify | null): { comment: boolean } {
  return { comment: flakyJobs > 0 && notify === "pr-comment" };
}
