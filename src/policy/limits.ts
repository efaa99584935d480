import type { RunFacts } from "../github/facts.js";

/** GitHub refuses re-runs of runs created this long ago (it says "over a month ago"). */
export const MAX_AGE_DAYS = 30;
/** GitHub allows at most 50 re-runs of one run; the bot stops at attempt 50 to stay clear of it. */
export const GITHUB_MAX_ATTEMPT = 50;

const DAY_MS = 24 * 60 * 60 * 1000;

export type RefusalReason =
  | "too-old"
  | "in-progress"
  | "rerun-cap"
  | "max-attempts"
  | "not-failed"
  | "fork-privileged"
  | "ineligible-job"
  | "too-many-failed-jobs"
  | "no-failed-jobs"
  | "log-not-matched"
  | "config-invalid"
  | "permission";

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

export function ageInDays(run: Pick<RunFacts, "createdAt">, now: Date): number {
  const created = Date.parse(run.createdAt);
  if (Number.isNaN(created)) return Number.POSITIVE_INFINITY; // unknown age: treat as too old
  return (now.getTime() - created) / DAY_MS;
}

/** What GitHub itself would refuse, decided before calling it. */
export function githubRefusal(
  run: Pick<RunFacts, "createdAt" | "status" | "runAttempt">,
  now: Date,
): Refusal | null {
  if (run.status !== "completed") {
    return { reason: "in-progress", message: "the run is still in progress; GitHub re-runs only completed runs" };
  }
  const age = ageInDays(run, now);
  if (age >= MAX_AGE_DAYS) {
    const days = Number.isFinite(age) ? `${Math.floor(age)} days` : "an unknown time";
    return {
      reason: "too-old",
      message: `the run was created ${days} ago; GitHub re-runs only runs created in the last ${MAX_AGE_DAYS} days`,
    };
  }
  if (run.runAttempt >= GITHUB_MAX_ATTEMPT) {
    return {
      reason: "rerun-cap",
      message: `the run is at attempt ${run.runAttempt}; GitHub allows at most ${GITHUB_MAX_ATTEMPT} re-runs of a run`,
    };
  }
  return null;
}
