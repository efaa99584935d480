/**
 * Why a re-run is not made, and what each reason means: who refuses (GitHub itself, or this bot's
 * rules), and whether the check run offers its button (never where GitHub would refuse the press).
 */
import { isFailedRun } from "../domain/conclusions.js";
import type { RunFacts } from "../domain/facts.js";

/** GitHub refuses re-runs of runs created this long ago (it says "over a month ago"). */
export const MAX_AGE_DAYS = 30;
/** GitHub allows at most 50 re-runs of one run; the bot stops at attempt 50 to stay clear of it. */
export const GITHUB_MAX_ATTEMPT = 50;

const DAY_MS = 24 * 60 * 60 * 1000;

export const REFUSAL_REASONS = {
  "too-old": { side: "github", button: false },
  "in-progress": { side: "github", button: false },
  "rerun-cap": { side: "github", button: false },
  "already-running": { side: "github", button: false },
  "max-attempts": { side: "ours", button: true },
  "not-failed": { side: "ours", button: false },
  "no-failed-jobs": { side: "ours", button: false },
  "fork-privileged": { side: "ours", button: true },
  "merge-queue": { side: "ours", button: false },
  "superseded": { side: "ours", button: false },
  "no-longer-needed": { side: "ours", button: false },
  "budget": { side: "ours", button: true },
  "real-failure": { side: "ours", button: true },
  "too-many-failed-jobs": { side: "ours", button: true },
  "config-invalid": { side: "ours", button: true },
  "permission": { side: "ours", button: true },
  "breaker": { side: "ours", button: true },
  "backlog": { side: "ours", button: true },
} as const satisfies Record<string, { side: "github" | "ours"; button: boolean }>;

export type RefusalReason = keyof typeof REFUSAL_REASONS;

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

/** Nothing GitHub would refuse is offered as a button. */
export function offersButton(reason: RefusalReason): boolean {
  return REFUSAL_REASONS[reason].button;
}

export function ageInDays(run: Pick<RunFacts, "createdAt">, now: Date): number {
  const created = Date.parse(run.createdAt);
  if (Number.isNaN(created)) return Number.POSITIVE_INFINITY; // unknown age: treat as too old
  return (now.getTime() - created) / DAY_MS;
}

/** What GitHub itself would refuse, decided before calling it. */
export function githubRefusal(run: Pick<RunFacts, "createdAt" | "status" | "runAttempt">, now: Date): Refusal | null {
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

/** Whether a person may ask for the failed jobs of this run to be re-run: GitHub's limits, and something failed. */
export function failedJobsRefusal(run: Pick<RunFacts, "createdAt" | "status" | "runAttempt" | "conclusion">, now: Date): Refusal | null {
  return (
    githubRefusal(run, now) ??
    (isFailedRun(run) ? null : { reason: "not-failed", message: `nothing failed (conclusion: ${run.conclusion ?? "none"})` })
  );
}
