/**
 * The one definition of "failed", for jobs and for runs. Every layer asks here: the payload screen,
 * the automatic rule, commands, the button and the config schema.
 */

/** A job failed on its own: its steps failed or it ran out of time. */
export const FAILED_JOB_CONCLUSIONS = ["failure", "timed_out"] as const;

/**
 * Run conclusions that leave failed jobs to re-run. `cancelled` is one: a run cancelled part-way has
 * jobs GitHub's "Re-run failed jobs" picks up. The automatic rule counts a configurable subset.
 */
export const FAILED_RUN_CONCLUSIONS = ["failure", "timed_out", "cancelled"] as const;
export type FailedRunConclusion = (typeof FAILED_RUN_CONCLUSIONS)[number];

/** What the automatic rule counts unless the config says otherwise. */
export const DEFAULT_AUTO_CONCLUSIONS: FailedRunConclusion[] = ["failure", "timed_out"];

const FAILED_JOB = new Set<string>(FAILED_JOB_CONCLUSIONS);
const FAILED_RUN = new Set<string>(FAILED_RUN_CONCLUSIONS);

export function isFailedJob(job: { conclusion: string | null | undefined }): boolean {
  return typeof job.conclusion === "string" && FAILED_JOB.has(job.conclusion);
}

/** A step's conclusion means the same as a job's. */
export const isFailedStep = isFailedJob;

export function isFailedRun(run: { conclusion: string | null | undefined }): boolean {
  return typeof run.conclusion === "string" && FAILED_RUN.has(run.conclusion);
}
