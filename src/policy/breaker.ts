/**
 * The breaker: a job that stayed red on every attempt of `after` runs in a row (runs the bot re-ran,
 * with no catch or reset between them) is broken, not flaky. Automatic re-runs of a run in which it
 * failed are skipped: GitHub re-runs all failed jobs together, so the run could not go green anyway.
 * `/rerun` still works. It resets when a person says so, or when the job is seen passing again.
 */
import { jobKey, type LedgerCategory, type LedgerEntry } from "../domain/ledger.js";
import type { Refusal } from "./limits.js";

export interface Trip {
  workflow: string;
  job: string;
  /** The runs that stayed red in a row, oldest first (at least `after`). */
  runs: LedgerEntry[];
  /** When it tripped: the `after`-th red run. */
  since: number;
  category: LedgerCategory;
}

/**
 * Each job's current streak of runs that stayed red, by jobKey (oldest first): a catch or a reset
 * ends a streak, and one run counts once however many of its attempts were recorded.
 */
export function redStreaks(entries: LedgerEntry[]): Map<string, LedgerEntry[]> {
  const streaks = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    const key = jobKey(e.workflow, e.job);
    if (e.kind !== "stayed-red") {
      streaks.delete(key);
      continue;
    }
    const streak = streaks.get(key) ?? [];
    if (!streak.some((r) => r.runId === e.runId)) streak.push(e);
    streaks.set(key, streak);
  }
  return streaks;
}

/** Tripped jobs by jobKey, from the ledger (oldest first). `after` 0 turns the breaker off. */
export function trippedJobs(entries: LedgerEntry[], after: number): Map<string, Trip> {
  return tripsOf(redStreaks(entries), after);
}

/** The trips among streaks already counted (redStreaks), for callers that need both. */
export function tripsOf(streaks: Map<string, LedgerEntry[]>, after: number): Map<string, Trip> {
  if (after <= 0) return new Map();
  const trips = new Map<string, Trip>();
  for (const [key, runs] of streaks) {
    if (runs.length < after) continue;
    const last = runs[runs.length - 1];
    trips.set(key, { workflow: last.workflow, job: last.job, runs, since: runs[after - 1].at, category: last.category });
  }
  return trips;
}

/** How a person resets a tripped job (shown on the check run and the dashboard). */
export function resetHint(job: string): string {
  return `comment \`/rerun reset ${job.replace(/[`\r\n]/g, "'")}\` on a pull request or on the dashboard issue, or fix the job: the breaker resets when it passes`;
}

/**
 * A run whose latest attempt failed in a tripped job is not re-run automatically. `failed` are the
 * names of the failed jobs of the run's latest attempt.
 */
export function breakerRefusal(workflow: string, failed: string[], trips: Map<string, Trip>, after: number): Refusal | null {
  const broken = failed.filter((name) => trips.has(jobKey(workflow, name)));
  if (broken.length === 0) return null;
  const names = broken.slice(0, 3).map((n) => `"${n}"`).join(", ") + (broken.length > 3 ? ` and ${broken.length - 3} more` : "");
  return {
    reason: "breaker",
    message: `${names} failed on every attempt of the last ${after} runs the bot re-ran: broken, not flaky, so this run is not re-run automatically (/rerun still works). To reset: ${resetHint(broken[0])}`,
  };
}

/**
 * Jobs of a run's latest attempt that passed while their breaker was tripped: seen passing again,
 * so their breaker resets.
 */
export function passedTripped(workflow: string, passed: string[], trips: Map<string, Trip>): string[] {
  return passed.filter((name) => trips.has(jobKey(workflow, name)));
}
