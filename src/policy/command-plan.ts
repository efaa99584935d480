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
  /** How many things the command asked for could not be re-run (refusals, names not found). */
  refused: number;
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
    if (refusal) {
      plan.notes.push(`${runLabel(run)}: ${refusal.message}`);
      plan.refused++;
    } else plan.actions.push({ kind: "rerun-failed", run, debug });
  }
}

/**
 * Why a run of the commit that `/rerun` leaves alone is left alone, and whether that is a refusal
 * of something that failed (GitHub cannot re-run it) or just its state.
 */
export function leftAlone(run: RunFacts): { note: string; refused: boolean } {
  const label = runLabel(run);
  if (run.status !== "completed") return { note: `${label}: still in progress`, refused: false };
  switch (run.conclusion) {
    case "startup_failure":
      return { note: `${label}: GitHub cannot re-run a run that failed to start (startup_failure); fix the workflow file and push`, refused: true };
    case "action_required":
      return { note: `${label}: waiting for a maintainer to approve running workflows for this fork`, refused: true };
    case "success":
      return { note: `${label}: passed`, refused: false };
    default:
      return { note: `${label}: nothing to re-run (conclusion: ${run.conclusion ?? "none"})`, refused: false };
  }
}

/** Commands about the ledger, not about this pull request's runs: they also work on the dashboard issue. */
export function isLedgerCommand(command: Command): command is Extract<Command, { kind: "stats" | "reset" }> {
  return command.kind === "stats" || command.kind === "reset";
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
  const plan: Plan = { actions: [], notes: [], refused: 0 };
  const runs = latestRuns(allRuns);
  // The ledger's commands (stats, reset) plan no re-run: the handler answers them from the ledger.
  if (command.kind === "help" || command.kind === "invalid" || command.kind === "stats" || command.kind === "reset") return plan;
  if (runs.length === 0) {
    plan.notes.push("no workflow run exists for the pull request's head commit");
    return plan;
  }
  switch (command.kind) {
    case "rerun-failed": {
      const failed = runs.filter((r) => r.status === "completed" && isFailedRun(r));
      const others = runs.filter((r) => !failed.includes(r)).map(leftAlone);
      if (failed.length === 0 && !others.some((o) => o.refused)) {
        const running = runs.filter((r) => r.status !== "completed").length;
        plan.notes.push(
          running > 0
            ? `nothing failed; ${running} workflow run(s) of this commit are still in progress`
            : "nothing failed: every workflow run of this commit passed or was skipped",
        );
      }
      rerunFailedOf(failed, command.debug, now, plan);
      // Every run of the commit is accounted for.
      for (const o of others) {
        plan.notes.push(o.note);
        if (o.refused) plan.refused++;
      }
      return plan;
    }
    case "rerun-workflow": {
      const wanted = command.name.toLowerCase();
      const matches = runs.filter((r) => workflowNames(r).some((n) => n.toLowerCase() === wanted));
      if (matches.length === 0) {
        plan.notes.push(`no workflow named "${command.name}" ran on this commit; workflows: ${listNames(runs.map((r) => r.name))}`);
        plan.refused++;
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
        plan.refused++;
      }
      for (const { run, job } of matches) {
        const refusal = githubRefusal(run, now);
        if (refusal) {
          plan.notes.push(`job "${job.name}" of ${runLabel(run)}: ${refusal.message}`);
          plan.refused++;
        } else plan.actions.push({ kind: "rerun-job", run, job, debug: command.debug });
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

/** The names `job:` accepts that matter most: failed jobs of the latest runs, each once. */
export function failedJobNames(runs: RunFacts[], jobsByRun: ReadonlyMap<number, JobFacts[]>): string[] {
  return [...new Set(latestRuns(runs).flatMap((run) => (jobsByRun.get(run.id) ?? []).filter(isFailedJob).map((j) => j.name)))];
}

/**
 * What the PR's author may re-run without the role (`commands.allow-author`): never a privileged
 * `pull_request_target` run, which runs with the repo's secrets.
 */
export function authorMay(action: Action): string | null {
  return action.run.event === "pull_request_target"
    ? `${runLabel(action.run)}: a pull_request_target run runs with this repo's secrets, so only someone with the role may re-run it`
    : null;
}

/** 🚀 when everything asked for was re-run, 😕 when nothing was, nothing new otherwise. */
export function outcomeReaction(asked: number, done: number, refused: number): "rocket" | "confused" | null {
  if (asked === 0 && refused === 0) return null;
  if (done === 0) return "confused";
  return done === asked && refused === 0 ? "rocket" : null;
}
