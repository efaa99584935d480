/**
 * Retry rules: which failed jobs are flakes. A failed job is judged by the first rule that matches
 * it; a rule matches when its filters pass and, if it asks for evidence, some evidence matches.
 * Evidence is asked for cheapest first (job facts, then annotations, then the log tail): the judge
 * is pure and answers "need annotations" or "need the log" until it can decide, so the handler
 * reads only what a decision needs.
 */
import type { AutoConfig, PresetName, RuleConfig } from "../config/schema.js";
import { isFailedJob } from "../domain/conclusions.js";
import { workflowNames, type Annotation, type JobFacts, type RunFacts } from "../domain/facts.js";
import { passesFilterPatterns } from "../util/filter-pattern.js";
import { matchesAny, passesFilter } from "../util/glob.js";
import { compilePatterns, findPattern, type CompiledPatterns } from "../util/re2.js";
import { durationMs } from "../util/duration.js";
import { describeFinding, judgeByPresets, type Evidence, type EvidenceSource, type Finding, type Unread } from "./preset.js";

export type { Evidence } from "./preset.js";
import { logTail } from "./log-patterns.js";

export interface Rule {
  /** How the check run names it: the rule's name, "rule 2", or "auto" for the flat keys. */
  label: string;
  /** The presets this rule applies (empty: none). */
  presets: readonly PresetName[];
  jobs: readonly string[];
  ignoreJobs: readonly string[];
  steps: readonly string[];
  ignoreSteps: readonly string[];
  workflows: readonly string[];
  branches: readonly string[];
  annotations: CompiledPatterns;
  logPatterns: CompiledPatterns;
  exitCodes: readonly number[];
  maxAttempts: number;
  /** Milliseconds before a re-run this rule asks for (0: at once), and its factor per attempt. */
  delayMs: number;
  backoff: number;
}

type RuleKeys = Pick<RuleConfig, "preset" | "jobs" | "ignore-jobs" | "steps" | "ignore-steps" | "annotations" | "log-patterns" | "exit-codes">;

function compileRule(
  r: RuleKeys & Partial<Pick<RuleConfig, "workflows" | "branches" | "max-attempts" | "delay" | "backoff">>,
  label: string,
  auto: Pick<AutoConfig, "max-attempts" | "delay" | "backoff">,
): Rule {
  return {
    label,
    presets: presetList(r.preset),
    jobs: r.jobs ?? [],
    ignoreJobs: r["ignore-jobs"] ?? [],
    steps: r.steps ?? [],
    ignoreSteps: r["ignore-steps"] ?? [],
    workflows: r.workflows ?? [],
    branches: r.branches ?? [],
    annotations: compilePatterns(r.annotations ?? []),
    logPatterns: compilePatterns(r["log-patterns"] ?? []),
    exitCodes: r["exit-codes"] ?? [],
    maxAttempts: r["max-attempts"] ?? auto["max-attempts"],
    delayMs: durationMs(r.delay ?? auto.delay),
    backoff: r.backoff ?? auto.backoff ?? 1,
  };
}

/** `preset:` is one name or a list of names. */
export function presetList(preset: RuleConfig["preset"]): PresetName[] {
  return preset === undefined ? [] : Array.isArray(preset) ? [...new Set(preset)] : [preset];
}

/** `auto.rules` in order, or the flat keys as one implicit rule. */
export function rulesOf(auto: AutoConfig): Rule[] {
  if (auto.rules) {
    return auto.rules.map((r, i) => {
      const presets = presetList(r.preset).join(", ");
      return compileRule(r, r.name ?? (presets ? `rule ${i + 1} (${presets})` : `rule ${i + 1}`), auto);
    });
  }
  const presets = presetList(auto.preset).join(", ");
  return [compileRule({ ...auto, delay: undefined, backoff: undefined }, presets ? `preset ${presets}` : "auto", auto)];
}

const needsAnnotations = (r: Rule) => r.presets.length > 0 || r.annotations.length > 0 || r.exitCodes.length > 0;
const needsLog = (r: Rule) => r.presets.length > 0 || r.logPatterns.length > 0;
const hasFilters = (r: Rule) => r.jobs.length > 0 || r.ignoreJobs.length > 0 || r.steps.length > 0 || r.ignoreSteps.length > 0;

/** Whether the job list must be read at all: a rule looks at jobs, or a job limit is set. */
export function rulesNeedJobs(rules: Rule[], auto: Pick<AutoConfig, "max-failed-jobs">): boolean {
  return auto["max-failed-jobs"] > 0 || rules.some((r) => hasFilters(r) || needsAnnotations(r) || needsLog(r)) || rules.length > 1;
}

/** The run-level filters of a rule (`workflows`, `branches`). */
export function ruleAppliesToRun(rule: Rule, run: Pick<RunFacts, "name" | "path" | "headBranch">): boolean {
  return passesFilter(rule.workflows, [], ...workflowNames(run)) && passesFilterPatterns(rule.branches, run.headBranch);
}

/**
 * A failed job judged. A flake is re-run: by a preset's signature (infrastructure, network) or by a
 * user's rule. Anything else is not: `real` when an exclusion proved it, `unknown` when nothing did.
 * `finding` is the presets' outcome and the line that proved it; `unread` says what could not be read.
 */
export type JobVerdict =
  | { kind: "flake"; job: JobFacts; rule: Rule; evidence: string; category: "infrastructure" | "network" | "rule"; finding?: Finding; unread: string[] }
  | { kind: "real"; job: JobFacts; why: string; outcome: "real" | "unknown"; finding?: Finding; unread: string[] }
  | { kind: "need"; job: JobFacts; what: Exclude<EvidenceSource, "job"> };

/** "log gone (410)", "annotations: 404", "log: not read (budget)". */
export function unreadOf(evidence: Evidence): string[] {
  const say = (what: "annotations" | "log", why: Unread | undefined) =>
    why === undefined ? [] : why === "budget" ? [`${what}: not read (evidence budget)`] : [what === "log" && why === 410 ? "log gone (410)" : `${what}: ${why}`];
  return [...say("annotations", evidence.unread?.annotations), ...say("log", evidence.unread?.log)];
}

const EXIT_CODE = /Process completed with exit code (\d+)\./;

function stepVerdict(rule: Rule, job: JobFacts): string | null {
  for (const step of job.failedSteps) {
    if (rule.steps.length > 0 && !matchesAny(rule.steps, step)) return `failed step "${step}" is not in steps`;
    if (matchesAny(rule.ignoreSteps, step)) return `failed step "${step}" is in ignore-steps`;
  }
  return null;
}

const annotationText = (list: Annotation[]) => list.map((a) => (a.title ? `${a.title}: ${a.message}` : a.message)).join("\n");

type RuleResult =
  | { match: string; category: "infrastructure" | "network" | "rule"; finding?: Finding }
  | { no: string; finding?: Finding }
  | { need: Exclude<EvidenceSource, "job"> };

/**
 * One rule against one job. Returns a match (with what matched), "no" (with why, for the report),
 * or what must be read first. The presets decide first; the rule's own patterns can still match a
 * job the presets would not re-run (the user asked for it).
 */
function tryRule(rule: Rule, job: JobFacts, evidence: Evidence): RuleResult {
  if (!passesFilter(rule.jobs, rule.ignoreJobs, job.name)) return { no: "job name is filtered out" };
  const noFailedStep = job.failedSteps.length === 0 && job.conclusion === "failure";
  // A job with no failed step never "matches no step": the runner failed, not a step.
  if (!noFailedStep) {
    const steps = stepVerdict(rule, job);
    if (steps) return { no: steps };
  }
  if (!needsAnnotations(rule) && !needsLog(rule)) {
    return { match: hasFilters(rule) ? "job and step filters" : "every failure counts (no evidence asked for)", category: "rule" };
  }
  let finding: Finding | undefined;
  if (rule.presets.length > 0) {
    const p = judgeByPresets(rule.presets, job, evidence);
    if ("need" in p) return p;
    finding = p.finding;
    const { outcome } = p.finding;
    if (outcome === "infrastructure" || outcome === "network") return { match: describeFinding(p.finding), category: outcome, finding };
  }
  const no = (why: string): RuleResult => ({ no: finding ? (finding.outcome === "real" && finding.signature ? `${finding.signature.title} (never retried by a preset)` : describeFinding(finding)) : why, finding });
  if (rule.annotations.length > 0 || rule.exitCodes.length > 0) {
    if (evidence.annotations === undefined) return { need: "annotations" };
    const text = annotationText(evidence.annotations ?? []);
    const exit = EXIT_CODE.exec(text);
    if (exit && rule.exitCodes.includes(Number(exit[1]))) return { match: `exit code ${exit[1]}`, category: "rule" };
    const found = findPattern(rule.annotations, text);
    if (found) return { match: `annotation matches /${found}/`, category: "rule" };
  }
  if (rule.logPatterns.length > 0) {
    if (evidence.log === undefined) return { need: "log" };
    const found = findPattern(rule.logPatterns, logTail(evidence.log ?? ""));
    if (found) return { match: `log matches /${found}/`, category: "rule" };
  }
  return no("no evidence matched");
}

/** The first rule that matches the job decides it; none matching means it is not re-run. */
export function judgeJob(job: JobFacts, rules: Rule[], evidence: Evidence): JobVerdict {
  const misses: string[] = [];
  let finding: Finding | undefined;
  for (const rule of rules) {
    const r = tryRule(rule, job, evidence);
    if ("need" in r) return { kind: "need", job, what: r.need };
    const unread = unreadOf(evidence);
    if ("match" in r) return { kind: "flake", job, rule, evidence: r.match, category: r.category, unread, ...(r.finding ? { finding: r.finding } : {}) };
    // The most telling finding: a proven real failure over an unknown.
    if (r.finding && (!finding || (finding.outcome !== "real" && r.finding.outcome === "real"))) finding = r.finding;
    misses.push(`${rule.label}: ${r.no}`);
  }
  const why = rules.length === 1 ? misses[0].replace(/^[^:]+: /, "") : misses.join("; ");
  return { kind: "real", job, why, outcome: finding?.outcome === "real" ? "real" : "unknown", unread: unreadOf(evidence), ...(finding ? { finding } : {}) };
}

/** Jobs of a run's latest attempt, sorted into the ones judged and the ones GitHub re-runs along. */
export function sortJobs(jobs: JobFacts[]): { judged: JobFacts[]; cancelled: JobFacts[] } {
  const failed = jobs.filter(isFailedJob);
  const cancelled = jobs.filter((j) => j.conclusion === "cancelled");
  // With no failed job, the cancelled ones are what failed: a timeout (GitHub reports many as
  // cancelled, with an annotation) or a cancelled run counted by auto.conclusions.
  if (failed.length === 0) return { judged: cancelled, cancelled: [] };
  return { judged: failed, cancelled };
}

/**
 * How long to wait before re-running attempt `runAttempt + 1`: the longest delay of the rules that
 * decided, times their backoff for each attempt already re-run. At most six hours.
 */
export function rerunDelayMs(rules: Pick<Rule, "delayMs" | "backoff">[], runAttempt: number): number {
  const ms = Math.max(0, ...rules.map((r) => r.delayMs * r.backoff ** Math.max(runAttempt - 1, 0)));
  return Math.min(Math.round(ms), 6 * 3_600_000);
}
