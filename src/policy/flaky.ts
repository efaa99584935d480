import { isFailedJob } from "../domain/conclusions.js";
import type { JobFacts } from "../domain/facts.js";

export interface FlakyJob {
  name: string;
  failedAttempts: number[];
  passedAttempt: number;
}

/**
 * Jobs of all attempts of one run (GitHub's `filter=all`): a job is flaky when its newest attempt
 * passed and an earlier attempt of the same name failed. Matrix jobs are told apart by their full
 * names ("test (ubuntu, 20)").
 */
export function findFlaky(jobs: JobFacts[]): FlakyJob[] {
  const byName = new Map<string, JobFacts[]>();
  for (const job of jobs) byName.set(job.name, [...(byName.get(job.name) ?? []), job]);
  const flaky: FlakyJob[] = [];
  for (const [name, list] of byName) {
    const sorted = [...list].sort((a, b) => (a.runAttempt ?? 1) - (b.runAttempt ?? 1));
    const last = sorted[sorted.length - 1];
    if (last.conclusion !== "success") continue;
    const failedAttempts = sorted
      .filter((j) => j !== last && isFailedJob(j) && (j.runAttempt ?? 1) < (last.runAttempt ?? 1))
      .map((j) => j.runAttempt ?? 1);
    if (failedAttempts.length > 0) {
      flaky.push({ name, failedAttempts: [...new Set(failedAttempts)], passedAttempt: last.runAttempt ?? 1 });
    }
  }
  return flaky.sort((a, b) => a.name.localeCompare(b.name));
}
