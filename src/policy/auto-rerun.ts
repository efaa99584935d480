/**
 * The automatic re-run decision, as pure functions in three stages so that the handler fetches
 * only what the next stage needs: the payload alone, then the job list, then log tails.
 */
import type { AutoConfig } from "../config/schema.js";
import { isFailedJob, type JobFacts, type RunFacts } from "../github/facts.js";
import { matchesAny, passesFilter } from "../util/glob.js";
import { githubRefusal, type Refusal } from "./limits.js";

export type Screen =
  /** Not the bot's business (not opted in, filtered out, not a failure): silent, no API call. */
  | { kind: "ignore"; why: string }
  /** The bot would act but must not: reported on its check run. */
  | { kind: "refuse"; refusal: Refusal }
  | { kind: "proceed"; needJobs: boolean };

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function isForkPrivileged(run: Pick<RunFacts, "event" | "headRepo" | "repo">): boolean {
  return run.event === "pull_request_target" && run.headRepo !== null && run.headRepo !== run.repo;
}

export function needsJobList(auto: AutoConfig): boolean {
  return (
    auto.jobs.length > 0 ||
    auto["ignore-jobs"].length > 0 ||
    auto.steps.length > 0 ||
    auto["ignore-steps"].length > 0 ||
    auto["max-failed-jobs"] > 0 ||
    auto["log-patterns"].length > 0
  );
}

/** Only the payload is needed for this stage, except `auto` which comes from the config. */
export function isCountedConclusion(run: Pick<RunFacts, "conclusion">, auto: Pick<AutoConfig, "conclusions">) {
  return run.conclusion !== null && (auto.conclusions as string[]).includes(run.conclusion);
}

export function screenRun(run: RunFacts, auto: AutoConfig, now: Date): Screen {
  if (!auto.enabled) return { kind: "ignore", why: "automatic re-runs are not enabled (auto.enabled)" };
  if (!isCountedConclusion(run, auto)) {
    return { kind: "ignore", why: `conclusion ${run.conclusion ?? "none"} is not in auto.conclusions` };
  }
  if (!passesFilter(auto.workflows, auto["ignore-workflows"], run.name, run.path, basename(run.path))) {
    return { kind: "ignore", why: `workflow ${run.name} is filtered out by auto.workflows / auto.ignore-workflows` };
  }
  if (!passesFilter(auto.branches, [], run.headBranch)) {
    return { kind: "ignore", why: `branch ${run.headBranch ?? "(none)"} is not in auto.branches` };
  }
  if (isForkPrivileged(run) && !auto["fork-privileged"]) {
    return {
      kind: "refuse",
      refusal: {
        reason: "fork-privileged",
        message:
          "the run is a pull_request_target run from a fork: it runs with this repo's secrets, so it is not re-run automatically (auto.fork-privileged)",
      },
    };
  }
  const limit = githubRefusal(run, now);
  if (limit) return { kind: "refuse", refusal: limit };
  if (run.runAttempt >= auto["max-attempts"]) {
    return {
      kind: "refuse",
      refusal: {
        reason: "max-attempts",
        message: `attempt ${run.runAttempt} of ${auto["max-attempts"]} failed: no more automatic re-runs (auto.max-attempts)`,
      },
    };
  }
  return { kind: "proceed", needJobs: needsJobList(auto) };
}

export type JobsVerdict =
  | { kind: "refuse"; refusal: Refusal; failed: JobFacts[] }
  | { kind: "check-logs"; failed: JobFacts[] }
  | { kind: "rerun"; failed: JobFacts[] };

/** Why one failed job may not be re-run automatically, or null when it may. */
export function jobIneligibility(job: JobFacts, auto: AutoConfig): string | null {
  if (!passesFilter(auto.jobs, auto["ignore-jobs"], job.name)) {
    return `job "${job.name}" failed and is not re-run automatically (auto.jobs / auto.ignore-jobs)`;
  }
  const step = job.failedStep;
  if (auto.steps.length > 0 && (step === null || !matchesAny(auto.steps, step))) {
    return step === null
      ? `job "${job.name}" failed in no named step, and auto.steps allows only named steps`
      : `job "${job.name}" failed in step "${step}", which is not in auto.steps`;
  }
  if (step !== null && matchesAny(auto["ignore-steps"], step)) {
    return `job "${job.name}" failed in step "${step}", a real failure by auto.ignore-steps`;
  }
  return null;
}

/** Every failed job must be eligible: one real failure means the run failed for real. */
export function judgeJobs(jobs: JobFacts[], auto: AutoConfig): JobsVerdict {
  const failed = jobs.filter(isFailedJob);
  if (failed.length === 0) {
    return {
      kind: "refuse",
      failed,
      refusal: { reason: "no-failed-jobs", message: "no job of the run's latest attempt failed, so there is nothing to re-run" },
    };
  }
  const max = auto["max-failed-jobs"];
  if (max > 0 && failed.length > max) {
    return {
      kind: "refuse",
      failed,
      refusal: {
        reason: "too-many-failed-jobs",
        message: `${failed.length} jobs failed, more than auto.max-failed-jobs (${max}): likely a real break or an outage`,
      },
    };
  }
  for (const job of failed) {
    const why = jobIneligibility(job, auto);
    if (why) return { kind: "refuse", failed, refusal: { reason: "ineligible-job", message: why } };
  }
  return auto["log-patterns"].length > 0 ? { kind: "check-logs", failed } : { kind: "rerun", failed };
}

/** `matched` maps a failed job's id to the pattern its log tail matched, or null. */
export function judgeLogs(
  failed: JobFacts[],
  matched: ReadonlyMap<number, string | null>,
): { kind: "refuse"; refusal: Refusal } | { kind: "rerun" } {
  const miss = failed.find((job) => !matched.get(job.id));
  if (miss) {
    return {
      kind: "refuse",
      refusal: {
        reason: "log-not-matched",
        message: `the log of job "${miss.name}" matches none of auto.log-patterns: the failure looks real`,
      },
    };
  }
  return { kind: "rerun" };
}
