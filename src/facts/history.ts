/**
 * The backtest's facts: a repo's run history read back, and each failed run's attempt 1 put through
 * the bot's own fact loop (gather.ts) and decision. The sources answer as the bot would have been
 * answered when attempt 1 ended: attempt 1's jobs and their evidence, the run still at attempt 1 and
 * failed (never "stale"), no pull request head that moved on, no outage, an unspent budget and an
 * untripped breaker (the backtest replays no ledger, store or time between runs).
 */
import type { LoadedConfig } from "../config/load.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import type { GitHubClient } from "../github/client.js";
import { LOG_TAIL_BYTES } from "../policy/log-patterns.js";
import { DEFAULT_HOLD } from "../policy/pacing.js";
import { firstAttemptFailed, replayedRun, type ReplayedRun } from "../policy/backtest.js";
import { gatherAndDecide, type Sources } from "./gather.js";

/** GitHub returns at most this many runs for one query, whatever the pages. */
export const MAX_RUNS_PER_QUERY = 1000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Completed runs created in [from, to] (ms), read in pages of 100. A range GitHub says holds more
 * than it will list is split in two by time and each half read instead (its first page was the only
 * call spent on it); a one-second range that still holds more is read as far as GitHub lists.
 */
export async function completedRuns(gh: Pick<GitHubClient, "completedRunPages">, from: number, to: number, onPage: (runs: number) => void = () => {}): Promise<RunFacts[]> {
  const byId = new Map<number, RunFacts>();
  const read = async (a: number, b: number): Promise<void> => {
    for await (const page of gh.completedRunPages(`${iso(a)}..${iso(b)}`)) {
      if (page.totalCount > MAX_RUNS_PER_QUERY && b - a >= 2000) {
        const mid = a + Math.floor((b - a) / 2000) * 1000;
        await read(a, mid);
        return read(mid + 1000, b);
      }
      for (const run of page.runs) byId.set(run.id, run);
      onPage(byId.size);
    }
  };
  await read(from, to);
  return [...byId.values()].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.id - y.id);
}

/** How the bot's loop is answered for attempt 1 of a run, from its history. */
export function historySources(gh: Pick<GitHubClient, "listAnnotations" | "jobLogTail">, attempt1Jobs: JobFacts[]): Sources {
  return {
    trips: async () => new Map(),
    jobs: async () => attempt1Jobs,
    annotations: (job) => gh.listAnnotations(job.id),
    log: (job) => gh.jobLogTail(job.id, LOG_TAIL_BYTES),
    current: async () => ({ runAttempt: 1, status: "completed", conclusion: "failure" }),
    pullHead: async () => null,
    infraFailures: async () => 1,
    budget: async () => ({ repoHour: 1, commit: 1 }),
  };
}

/**
 * One run of the list, replayed: null when its attempt 1 did not fail. Reads attempt 1's jobs (one
 * call, paged for a run of more than 100 jobs) and then only the evidence the decision asks for.
 */
export async function replayRun(gh: Pick<GitHubClient, "listAttemptJobs" | "listAnnotations" | "jobLogTail">, latest: RunFacts, config: LoadedConfig): Promise<ReplayedRun | null> {
  if (firstAttemptFailed(latest, null) === false) return null;
  const jobs = await gh.listAttemptJobs(latest.id, 1);
  if (!firstAttemptFailed(latest, jobs)) return null;
  const run: RunFacts = { ...latest, runAttempt: 1, status: "completed", conclusion: "failure" };
  // As if the webhook of attempt 1 had just come: the run is as old as it was then.
  const now = new Date(Date.parse(latest.createdAt) || Date.now());
  const { plan, facts } = await gatherAndDecide(
    { run, config, now, delayWaited: false, holds: 0, promised: false, canSchedule: true, hold: DEFAULT_HOLD, current: run },
    historySources(gh, jobs),
  );
  return replayedRun(latest, jobs, plan, facts.evidence ?? new Map());
}
