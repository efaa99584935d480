/**
 * What a `/rerun` command (or the check run's button) asks GitHub for, decided from the runs of
 * the PR's head commit before any re-run call: every refusal GitHub would make is explained here.
 */
import type { Command } from "../commands/parse.js";
import { isFailedJob, isFailedRun } from "../domain/conclusions.js";
import { basename, workflowNames, type JobFacts, type Permission, type Role, type RunFacts } from "../domain/facts.js";
import { failedJobsRefusal, githubRefusal, type Refusal } from "./limits.js";
import { effectiveRole, mayUse } from "./permission.js";
/** At most this many names are listed when a name matches nothing. */
export const NAMES_LISTED = 5;

export type Action =
  | { kind: "rerun-failed"; run: RunFacts; debug: boolean }
  | { kind: "rerun-job"; run: RunFacts; job: JobFacts; debug: boolean };

export interface Plan {
  actions: Action[];
  /** Plain-text reasons for what is not re-run; escaped when rendered. */
  notes: string[];
}

/** Several runs of one workflow can exist for a commit: the newest of each counts. */
export function latestRuns(runs: RunFacts[]): RunFacts[] {
  const newest = new Map<number, RunFacts>();
  for (const run of runs) {
    const seen = newest.get(run.workflowId);
    if (!seen || run.id > seen.id) newest.set(run.workflowId, run);
  }
  return [...newest.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

const runLabel = (run: RunFacts) => `${run.name || basename(run.path)} #${run.runNumber}`;

function listNames(names: string[]): string {
  const unique = [...new Set(names)];
  const shown = unique.slice(0, NAMES_LISTED).map((n) => `"${n}"`).join(", ");
  return unique.length > NAMES_LISTED ? `${shown} and ${unique.length - NAMES_LISTED} more` : shown;
}

function rerunFailedOf(runs: RunFacts[], debug: boolean, now: Date, plan: Plan): void {
  for (const run of runs) {
    const refusal = failedJobsRefusal(run, now);
    if (refusal) plan.notes.push(`${runLabel(run)}: ${refusal.message}`);
    else plan.actions.push({ kind: "rerun-failed", run, debug });
  }
}

export function needsJobs(command: Command): boolean {
  return command.kind === "rerun-job";
}

export function planCommand(
  command: Command,
  allRuns: RunFacts[],
  now: Date,
  jobsByRun: ReadonlyMap<number, JobFacts[]> = new Map(),
): Plan {
  const plan: Plan = { actions: [], notes: [] };
  const runs = latestRuns(allRuns);
  if (command.kind === "help" || command.kind === "invalid") return plan;
  if (runs.length === 0) {
    plan.notes.push("no workflow run exists for the pull request's head commit");
    return plan;
  }
  switch (command.kind) {
    case "rerun-failed": {
      const failed = runs.filter((r) => r.status === "completed" && isFailedRun(r));
      if (failed.length === 0) {
        const running = runs.filter((r) => r.status !== "completed").length;
        plan.notes.push(
          running > 0
            ? `nothing failed; ${running} workflow run(s) of this commit are still in progress`
            : "nothing failed: every workflow run of this commit passed or was skipped",
        );
      }
      rerunFailedOf(failed, command.debug, now, plan);
      return plan;
    }
    case "rerun-workflow": {
      const wanted = command.name.toLowerCase();
      const matches = runs.filter((r) => workflowNames(r).some((n) => n.toLowerCase() === wanted));
      if (matches.length === 0) {
        plan.notes.push(`no workflow named "${command.name}" ran on this commit; workflows: ${listNames(runs.map((r) => r.name))}`);
      }
      rerunFailedOf(matches, command.debug, now, plan);
      return plan;
    }
    case "rerun-job": {
      const all = runs.flatMap((run) => (jobsByRun.get(run.id) ?? []).map((job) => ({ run, job })));
      let matches = all.filter(({ job }) => job.name === command.name);
      if (matches.length === 0) matches = all.filter(({ job }) => job.name.toLowerCase() === command.name.toLowerCase());
      if (matches.length === 0) {
        // Failed jobs first: those are the names the commenter most likely meant.
        const names = [...all].sort((a, b) => Number(isFailedJob(b.job)) - Number(isFailedJob(a.job)));
        plan.notes.push(
          all.length > 0
            ? `no job named "${command.name}" in the latest runs of this commit; jobs: ${listNames(names.map((m) => m.job.name))}`
            : `no job named "${command.name}": the runs of this commit have no jobs yet`,
        );
      }
      for (const { run, job } of matches) {
        const refusal = githubRefusal(run, now);
        if (refusal) plan.notes.push(`job "${job.name}" of ${runLabel(run)}: ${refusal.message}`);
        else plan.actions.push({ kind: "rerun-job", run, job, debug: command.debug });
      }
      return plan;
    }
  }
}

/**
 * The check run's button (and GitHub's "Re-run" of the bot's check): the same rules as `/rerun` for
 * one run, with the presser's role checked first.
 */
export function planButton(
  run: RunFacts,
  presser: string,
  permission: Permission | null,
  needed: Role,
  now: Date,
): { kind: "refuse"; refusal: Refusal } | { kind: "rerun"; action: Action } {
  if (!mayUse(permission, needed)) {
    return {
      kind: "refuse",
      refusal: {
        reason: "permission",
        message: `${presser} pressed the button but needs the ${needed} role or higher (GitHub reports ${effectiveRole(permission) ?? "no access"})`,
      },
    };
  }
  const refusal = failedJobsRefusal(run, now);
  return refusal ? { kind: "refuse", refusal } : { kind: "rerun", action: { kind: "rerun-failed", run, debug: false } };
}
