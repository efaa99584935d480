/**
 * The automatic re-run decision, as pure functions in stages so that the handler fetches only what
 * the next stage needs: the payload alone (screenRun), then the job list and evidence (judgeRun).
 * policy/decide.ts calls both, and owns whether the run is still wanted just before the re-run.
 */
import type { AutoConfig } from "../config/schema.js";
import { workflowNames, type JobFacts, type RunFacts } from "../domain/facts.js";
import { passesFilterPatterns } from "../util/filter-pattern.js";
import { passesFilter } from "../util/glob.js";
import { githubRefusal, type Refusal } from "./limits.js";
import { judgeJob, ruleAppliesToRun, rulesNeedJobs, rulesOf, sortJobs, type Evidence, type JobVerdict, type Rule } from "./rules.js";

export type Screen =
  /** Not the bot's business (not opted in, filtered out, not a failure): silent, no API call. */
  | { kind: "ignore"; why: string }
  /** The bot would act but must not: reported on its check run. */
  | { kind: "refuse"; refusal: Refusal }
  | { kind: "proceed"; rules: Rule[]; needJobs: boolean };

export function isForkPrivileged(run: Pick<RunFacts, "event" | "headRepo" | "repo">): boolean {
  return run.event === "pull_request_target" && run.headRepo !== null && run.headRepo !== run.repo;
}

export function isCountedConclusion(run: Pick<RunFacts, "conclusion">, auto: Pick<AutoConfig, "conclusions">) {
  return run.conclusion !== null && (auto.conclusions as string[]).includes(run.conclusion);
}

/** Events whose runs are not re-run unless `auto.events` names them. */
export const EVENTS_OFF_BY_DEFAULT = ["merge_group"];

export function screenRun(run: RunFacts, auto: AutoConfig, now: Date): Screen {
  if (!auto.enabled) return { kind: "ignore", why: "automatic re-runs are not enabled (auto.enabled)" };
  if (!isCountedConclusion(run, auto)) {
    return { kind: "ignore", why: `conclusion ${run.conclusion ?? "none"} is not in auto.conclusions` };
  }
  if (!passesFilter(auto.workflows, auto["ignore-workflows"], ...workflowNames(run))) {
    return { kind: "ignore", why: `workflow ${run.name} is filtered out by auto.workflows / auto.ignore-workflows` };
  }
  if (!passesFilterPatterns(auto.branches, run.headBranch)) {
    return { kind: "ignore", why: `branch ${run.headBranch ?? "(none)"} is not in auto.branches` };
  }
  if ((auto.events.length > 0 && !auto.events.includes(run.event)) || auto["ignore-events"].includes(run.event)) {
    return { kind: "ignore", why: `event ${run.event} is filtered out by auto.events / auto.ignore-events` };
  }
  if (auto.events.length === 0 && EVENTS_OFF_BY_DEFAULT.includes(run.event)) {
    return {
      kind: "refuse",
      refusal: {
        reason: "merge-queue",
        message:
          "merge queue (merge_group) runs are not re-run automatically: a failed required check has already removed the pull request from the queue, and a re-run does not put it back; re-add the pull request to the queue instead (auto.events lists merge_group to re-run them anyway)",
      },
    };
  }
  const rules = rulesOf(auto).filter((r) => ruleAppliesToRun(r, run));
  if (rules.length === 0) return { kind: "ignore", why: "no rule applies to this workflow and branch" };
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
  const highest = Math.max(...rules.map((r) => r.maxAttempts));
  if (run.runAttempt >= highest) return { kind: "refuse", refusal: maxAttemptsRefusal(run, highest, rules.length > 1 ? "any rule's max-attempts" : "auto.max-attempts") };
  return { kind: "proceed", rules, needJobs: rulesNeedJobs(rules, auto) };
}

function maxAttemptsRefusal(run: Pick<RunFacts, "runAttempt">, max: number, which: string): Refusal {
  return {
    reason: "max-attempts",
    message: `attempt ${run.runAttempt} of ${max} failed: no more automatic re-runs (${which})`,
  };
}

export type RunVerdict =
  | { kind: "need"; job: JobFacts; what: "annotations" | "log" }
  | { kind: "refuse"; refusal: Refusal; verdicts: JobVerdict[] }
  | { kind: "rerun"; verdicts: JobVerdict[]; maxAttempts: number; why: string };

/**
 * Every judged job must be a flake (one real failure means no re-run), the count must stay within
 * `max-failed-jobs`, and the attempt below the lowest limit of the rules that matched. Jobs are judged
 * in order and judging stops at the first real failure, so no evidence is read past it.
 */
export function judgeRun(
  run: Pick<RunFacts, "runAttempt" | "conclusion">,
  jobs: JobFacts[],
  rules: Rule[],
  auto: Pick<AutoConfig, "max-failed-jobs" | "max-attempts">,
  evidence: ReadonlyMap<number, Evidence>,
): RunVerdict {
  const { judged } = sortJobs(jobs);
  if (judged.length === 0) {
    return { kind: "refuse", verdicts: [], refusal: { reason: "no-failed-jobs", message: "no job of the run's latest attempt failed, so there is nothing to re-run" } };
  }
  const max = auto["max-failed-jobs"];
  if (max > 0 && judged.length > max) {
    return {
      kind: "refuse",
      verdicts: [],
      refusal: {
        reason: "too-many-failed-jobs",
        message: `${judged.length} jobs failed, more than auto.max-failed-jobs (${max}): likely a real break or an outage`,
      },
    };
  }
  const verdicts: JobVerdict[] = [];
  for (const job of judged) {
    const v = judgeJob(job, rules, evidence.get(job.id) ?? {});
    if (v.kind === "need") return v;
    verdicts.push(v);
    if (v.kind === "real") {
      return {
        kind: "refuse",
        verdicts,
        // "real": an exclusion proved it; "unknown": nothing proved it a flake. Neither is re-run.
        refusal: { reason: "real-failure", message: `job "${job.name}" ${v.outcome === "real" ? "is a real failure" : "is not proven a flake"}: ${v.why}` },
      };
    }
  }
  const flakes = verdicts.filter((v): v is JobVerdict & { kind: "flake" } => v.kind === "flake");
  const limit = Math.min(...flakes.map((v) => v.rule.maxAttempts));
  if (run.runAttempt >= limit) {
    const lowest = flakes.find((v) => v.rule.maxAttempts === limit)!;
    return { kind: "refuse", verdicts, refusal: maxAttemptsRefusal(run, limit, `max-attempts of ${lowest.rule.label}`) };
  }
  const listed = flakes.slice(0, 10).map((v) => `${v.job.name}: ${v.evidence} (${v.rule.label})`);
  const why = flakes.length > 10 ? `${listed.join("; ")}; and ${flakes.length - 10} more` : listed.join("; ");
  return { kind: "rerun", verdicts, maxAttempts: limit, why: `every failed job is a flake by the rules: ${why}` };
}
