/**
 * THE decision for a failed run: one pure function from the facts gathered so far to either the
 * next fact it needs or a plan. The webhook handler, a delayed re-run coming due, `explain`, dry-run
 * and the backtest all call it, each with its own way of answering "need" (facts/gather.ts reads
 * GitHub and the store; the backtest reads history), so they cannot disagree about what to do.
 *
 * Facts are asked for cheapest first: the payload and config (free), the breaker's trips (the
 * ledger, no API call), the job list, each job's evidence, the run's current state and the pull
 * request's head (one read each, only when a re-run is about to happen), then the outage count and
 * the budget (the store), last, because the live bot spends its budget by answering.
 */
import type { LoadedConfig } from "../config/load.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import type { RerunEvidence } from "../domain/ledger.js";
import { isFailedJob, isFailedRun } from "../domain/conclusions.js";
import { judgeRun, screenRun } from "./auto-rerun.js";
import { breakerRefusal, passedTripped, type Trip } from "./breaker.js";
import type { Refusal } from "./limits.js";
import { budgetRefusal, holdDelayMs, type Budget, type HoldSettings } from "./pacing.js";
import { rerunDelayMs, type Evidence, type JobVerdict, type Rule } from "./rules.js";

export interface DecisionFacts {
  /** The run as delivered (a webhook) or as it was when the re-run was first decided (due work). */
  run: RunFacts;
  config: LoadedConfig;
  now: Date;
  /** The re-run's delay has been waited out (due work that a delay or a hold scheduled). */
  delayWaited: boolean;
  /**
   * The jobs were judged when the re-run was first decided (due work): not read and judged again,
   * so waiting costs no extra call. The config, the run's state and the budget are asked again.
   */
  prejudged?: { maxAttempts: number; why: string; infrastructure: boolean; evidence: RerunEvidence };
  /** Times this re-run was held for an outage so far. */
  holds: number;
  /** A queue can make the re-run later; without one (inline, the Action) it is made at once. */
  canSchedule: boolean;
  /** The check run already promised a re-run (due work): a change of heart is reported, not silent. */
  promised: boolean;
  hold: HoldSettings;
  /** Below, `undefined` means "not read yet": the function asks for it when it needs it. */
  trips?: Map<string, Trip>;
  jobs?: JobFacts[];
  evidence?: ReadonlyMap<number, Evidence>;
  /** GitHub's run now (not asked for when the job list said which attempt GitHub is at). */
  current?: Pick<RunFacts, "runAttempt" | "status" | "conclusion"> | null;
  /** The pull request's head now; null for a run of no pull request. */
  pullHead?: string | null;
  /** Infrastructure failures of the installation in the outage window, this one included. */
  infraFailures?: number;
  /** Re-runs counted against the budget, this one included. */
  budget?: { repoHour: number; commit: number };
  /** The bot itself asked GitHub for this re-run before (a crash between the call and the report). */
  ownRerun?: boolean;
}

export type Need =
  | { kind: "need"; what: "trips" | "jobs" | "current" | "pull-head" | "infra-failures" | "budget" }
  | { kind: "need"; what: "annotations" | "log"; job: JobFacts };

/** What every plan that concerns the run carries: what was read, what decided, the attempt numbers. */
export interface PlanBody {
  jobs: JobFacts[] | null;
  verdicts: JobVerdict[];
  /** The attempt a re-run would start, and the most attempts allowed. */
  attempt: number;
  maxAttempts: number;
  why: string;
  evidence: RerunEvidence;
  /** Tripped jobs seen passing: the breaker resets them (the executor records it). */
  resets: string[];
}

export type Plan =
  /** Not the bot's business, or a delivery that is stale: silent. */
  | { kind: "nothing"; why: string }
  | ({ kind: "refuse"; refusal: Refusal; configErrors?: string[] } & PlanBody)
  /** `made`: the bot's own earlier call already re-ran it; only the report is owed. */
  | ({ kind: "rerun-now"; infrastructure: boolean; made: boolean } & PlanBody)
  | ({ kind: "rerun-at"; at: Date; for: "delay" | "hold"; holds: number; failures: number; infrastructure: boolean } & PlanBody);

export type Decision = Need | Plan;

/** Why the bot re-runs, kept with the run so a later catch or red run is recorded with it. */
export function evidenceOf(verdicts: JobVerdict[], why: string): RerunEvidence {
  const flakes = verdicts.flatMap((v) => (v.kind === "flake" ? [v] : []));
  if (flakes.length === 0) return { category: "any", evidence: why };
  const jobs = Object.fromEntries(flakes.map((v) => [v.job.name, [v.category, `${v.evidence} (${v.rule.label})`] as [typeof v.category, string]]));
  const first = flakes.find((v) => v.category === "infrastructure") ?? flakes[0];
  return { category: first.category, evidence: `${first.evidence} (${first.rule.label})`, jobs };
}

const need = (what: Exclude<Need["what"], "annotations" | "log">): Need => ({ kind: "need", what });

export function decide(f: DecisionFacts): Decision {
  const { run } = f;
  const body = (verdicts: JobVerdict[], maxAttempts: number, why: string, resets: string[] = []): PlanBody => ({
    jobs: f.jobs ?? null,
    verdicts,
    attempt: run.runAttempt + 1,
    maxAttempts,
    why,
    evidence: evidenceOf(verdicts, why),
    resets,
  });
  const refuse = (refusal: Refusal, b: PlanBody = body([], 0, refusal.message)): Extract<Plan, { kind: "refuse" }> => ({ kind: "refuse", refusal, ...b });
  // A promised re-run that is no longer wanted says so on its check run; a webhook just stops.
  const stop = (why: string, b?: PlanBody): Plan => (f.promised ? refuse({ reason: "no-longer-needed", message: `while the re-run waited, ${why}` }, b) : { kind: "nothing", why });

  if (f.config.kind === "invalid") {
    return { ...refuse({ reason: "config-invalid", message: `.github/rerun.yml is invalid: ${f.config.errors.join("; ")}` }), configErrors: f.config.errors };
  }
  const config = f.config.config;
  const auto = config.auto;
  const screen = screenRun(run, auto, f.now);
  if (screen.kind === "ignore") return stop(screen.why);
  if (screen.kind === "refuse") return refuse(screen.refusal);

  // The breaker needs the failed jobs' names only while one of this workflow's jobs is tripped.
  const breakerOn = config.breaker.after > 0;
  if (breakerOn && f.trips === undefined) return need("trips");
  const trips = [...(f.trips?.values() ?? [])].filter((t) => t.workflow === run.name);
  const judge = screen.needJobs && !f.prejudged;
  if ((judge || trips.length > 0) && f.jobs === undefined) return need("jobs");

  // Our own earlier call re-ran it (a crash before the report): report that re-run, make none.
  const gone = (atNow: number, why: string, b: PlanBody): Plan =>
    f.ownRerun && atNow === run.runAttempt + 1 ? { kind: "rerun-now", infrastructure: false, made: true, ...b } : stop(why, b);

  let verdicts: JobVerdict[] = [];
  let maxAttempts = f.prejudged?.maxAttempts ?? auto["max-attempts"];
  let why = f.prejudged?.why ?? "no rule asks about jobs, so every failure counts as a flake";
  let deciding: Rule[] = screen.rules;
  let resets: string[] = [];
  if (f.jobs) {
    const jobs = f.jobs;
    const atNow = Math.max(run.runAttempt, ...jobs.map((j) => j.runAttempt ?? 1));
    if (atNow > run.runAttempt) return gone(atNow, `the run was re-run (it is at attempt ${atNow})`, body([], maxAttempts, why));
    if (trips.length > 0) {
      const tripMap = new Map(trips.map((t) => [`${t.workflow}\u0000${t.job}`, t]));
      resets = passedTripped(run.name, jobs.filter((j) => j.conclusion === "success").map((j) => j.name), tripMap);
      for (const name of resets) tripMap.delete(`${run.name}\u0000${name}`);
      const broken = breakerRefusal(run.name, jobs.filter(isFailedJob).map((j) => j.name), tripMap, config.breaker.after);
      if (broken) return refuse(broken, body([], maxAttempts, broken.message, resets));
    }
    if (judge) {
      const verdict = judgeRun(run, jobs, screen.rules, auto, f.evidence ?? new Map());
      if (verdict.kind === "need") return { kind: "need", what: verdict.what, job: verdict.job };
      verdicts = verdict.verdicts;
      if (verdict.kind === "refuse") return refuse(verdict.refusal, body(verdicts, maxAttempts, verdict.refusal.message, resets));
      ({ why, maxAttempts } = verdict);
      deciding = verdicts.flatMap((v) => (v.kind === "flake" ? [v.rule] : []));
    }
  }
  const b = { ...body(verdicts, maxAttempts, why, resets), ...(f.prejudged ? { evidence: f.prejudged.evidence } : {}) };

  // Just before a re-run: GitHub's current attempt (unless the jobs said it) and the PR's head.
  const current = f.jobs ? null : f.current;
  if (current === undefined) return need("current");
  if (current) {
    if (current.runAttempt > run.runAttempt) return gone(current.runAttempt, `the run was re-run (it is at attempt ${current.runAttempt})`, b);
    if (current.status !== "completed") return stop("the run started again (someone re-ran it)", b);
    if (!isFailedRun(current)) return stop(`the run ended ${current.conclusion ?? "without a conclusion"}`, b);
  }
  const infrastructure = f.prejudged?.infrastructure ?? verdicts.some((v) => v.kind === "flake" && v.category === "infrastructure");
  const delayUntil = f.now.getTime() + (f.delayWaited ? 0 : rerunDelayMs(deciding, run.runAttempt));
  // An outage: many infrastructure failures at once. Hold the re-run, and release it spaced out;
  // a held re-run looked at again during the outage costs no further read.
  if (f.canSchedule && infrastructure) {
    if (f.infraFailures === undefined) return need("infra-failures");
    const holdMs = holdDelayMs(f.infraFailures, f.holds, f.hold);
    if (holdMs > 0) {
      const at = new Date(Math.max(f.now.getTime() + holdMs, delayUntil));
      return { kind: "rerun-at", at, for: "hold", holds: f.holds + 1, failures: f.infraFailures, infrastructure, ...b };
    }
  }
  if (f.pullHead === undefined) return need("pull-head");
  if (f.pullHead && f.pullHead !== run.headSha) {
    return refuse({ reason: "superseded", message: `the pull request's head has moved on to ${f.pullHead.slice(0, 7)}, so this commit's result no longer matters` }, b);
  }
  if (f.canSchedule) {
    if (delayUntil > f.now.getTime()) {
      return { kind: "rerun-at", at: new Date(delayUntil), for: "delay", holds: f.holds, failures: f.infraFailures ?? 0, infrastructure, ...b };
    }
  }
  if (f.budget === undefined) return need("budget");
  const spent = budgetRefusal(f.budget.repoHour, f.budget.commit, auto.budget as Budget);
  if (spent) return refuse(spent, b);
  return { kind: "rerun-now", infrastructure, made: false, ...b };
}
