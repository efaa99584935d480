/**
 * The backtest's judgement, pure: a failed run's ground truth (what people's re-runs showed), what
 * the bot's plan at attempt 1 was, and the sums over a window of runs. The plan itself comes from
 * the bot's own decision (policy/decide.ts) run over attempt 1's facts; nothing here decides again.
 */
import type { JobFacts, RunFacts } from "../domain/facts.js";
import type { Plan } from "./decide.js";
import type { Evidence } from "./rules.js";
import { sortJobs } from "./rules.js";
import { cleanLine, isGenericLine, suggestPatterns, type EvidenceLine, type Suggestion } from "./suggest-patterns.js";

/** What the run's later attempts showed, read from the run list's latest attempt. */
export type GroundTruth = "passed-on-rerun" | "stayed-red" | "never-rerun";

export function groundTruth(latest: Pick<RunFacts, "runAttempt" | "conclusion">): GroundTruth {
  if (latest.runAttempt <= 1) return "never-rerun";
  return latest.conclusion === "success" ? "passed-on-rerun" : "stayed-red";
}

const FAILED = ["failure", "timed_out"];

/**
 * Whether attempt 1 failed. A run never re-run says it with its own conclusion; a re-run one only
 * through attempt 1's jobs (the run list shows the latest attempt). `null`: jobs not read yet.
 */
export function firstAttemptFailed(latest: Pick<RunFacts, "runAttempt" | "conclusion">, attempt1Jobs: JobFacts[] | null): boolean | null {
  if (latest.runAttempt <= 1) return FAILED.includes(latest.conclusion ?? "");
  if (attempt1Jobs === null) return null;
  return attempt1Jobs.some((j) => FAILED.includes(j.conclusion ?? ""));
}

/**
 * Minutes one "re-run failed jobs" costs, estimated from attempt 1: the jobs it starts again (the
 * failed ones, and the cancelled ones GitHub re-runs along), each rounded up to a whole minute as
 * GitHub bills. Jobs that were skipped at attempt 1 because a failed job blocked them are not known.
 */
export function rerunMinutes(attempt1Jobs: JobFacts[]): number {
  const { judged, cancelled } = sortJobs(attempt1Jobs);
  let minutes = 0;
  for (const job of [...judged, ...cancelled]) {
    const ms = Date.parse(job.completedAt ?? "") - Date.parse(job.startedAt ?? "");
    if (Number.isFinite(ms) && ms > 0) minutes += Math.ceil(ms / 60_000);
  }
  return minutes;
}

/** Log lines that read like an error: only these are worth a rule (not "Run npm test"). */
const ERRORISH = /##\[error\]|\berror\b|ERR!|fatal|fail|exception|timed? ?out|refused|reset|unreachable|denied|could not|cannot|unable|lost/i;
/** Log lines kept per job, from its end (where the error is). */
const LOG_LINES = 20;

/** The evidence lines of one job the decision read: annotations first, then the log's error lines. */
export function evidenceLines(evidence: Evidence | undefined): EvidenceLine[] {
  const out: EvidenceLine[] = [];
  for (const a of evidence?.annotations ?? []) {
    const text = cleanLine(a.message.split("\n")[0]);
    if (text && !isGenericLine(text)) out.push({ text, in: "annotations" });
  }
  const log = (evidence?.log ?? "").split("\n").map(cleanLine).filter((l) => l !== "" && ERRORISH.test(l) && !isGenericLine(l));
  for (const text of log.slice(-LOG_LINES)) out.push({ text, in: "log" });
  return out;
}

/**
 * The line a person would look at first: the first telling annotation, else the first error line of
 * the log's last few (the cause comes before the lines that report it: "code ETIMEDOUT", then "A
 * complete log of this run...").
 */
export function topLine(lines: EvidenceLine[]): string | null {
  return lines.find((l) => l.in === "annotations")?.text ?? lines.find((l) => l.in === "log")?.text ?? null;
}

/** One failed run, replayed. */
export interface ReplayedRun {
  id: number;
  runNumber: number;
  workflow: string;
  url: string;
  createdAt: string;
  /** The latest attempt's number (1: never re-run). */
  attempts: number;
  truth: GroundTruth;
  /** The bot's plan at attempt 1 was a re-run (at once, or after its delay). */
  wouldRerun: boolean;
  /** The plan in words: the flake evidence, or why not. */
  why: string;
  /** The failed job the plan turned on; null when no job was read. */
  job: string | null;
  line: string | null;
  /** Evidence lines of the failed jobs the decision read: what suggestions are drawn from. */
  lines: EvidenceLine[];
  /** Minutes of one re-run of the failed jobs (see rerunMinutes). */
  rerunMinutes: number;
}

function planWhy(plan: Plan): string {
  switch (plan.kind) {
    case "nothing":
      return plan.why;
    case "refuse":
      return `not re-run (${plan.refusal.reason}): ${plan.refusal.message}`;
    case "rerun-now":
    case "rerun-at": {
      const flakes = plan.verdicts.flatMap((v) => (v.kind === "flake" ? [`${v.evidence} (${v.rule.label})`] : []));
      const when = plan.kind === "rerun-at" ? ` (after its ${plan.for === "delay" ? "delay" : "outage hold"})` : "";
      return `${flakes.length > 0 ? flakes.join("; ") : plan.why}${when}`;
    }
  }
}

/** A failed run's record from its latest attempt, attempt 1's jobs, and the plan the decision gave. */
export function replayedRun(latest: RunFacts, attempt1Jobs: JobFacts[], plan: Plan, evidence: ReadonlyMap<number, Evidence>): ReplayedRun {
  const verdicts = plan.kind === "nothing" ? [] : plan.verdicts;
  const failed = sortJobs(attempt1Jobs).judged;
  // The job the plan turned on: a real failure if one was found, else the first judged, else the first failed.
  const job = verdicts.find((v) => v.kind === "real")?.job ?? verdicts[0]?.job ?? failed[0] ?? null;
  const lines = failed.flatMap((j) => evidenceLines(evidence.get(j.id)));
  const jobLines = job ? evidenceLines(evidence.get(job.id)) : [];
  return {
    id: latest.id,
    runNumber: latest.runNumber,
    workflow: latest.name,
    url: latest.htmlUrl,
    createdAt: latest.createdAt,
    attempts: latest.runAttempt,
    truth: groundTruth(latest),
    wouldRerun: plan.kind === "rerun-now" || plan.kind === "rerun-at",
    why: planWhy(plan),
    job: job?.name ?? null,
    line: topLine(jobLines) ?? topLine(lines),
    lines,
    rerunMinutes: rerunMinutes(attempt1Jobs),
  };
}

/** A run as the report lists it. */
export interface RunEntry {
  run: number;
  runNumber: number;
  workflow: string;
  url: string;
  job: string | null;
  why: string;
  line: string | null;
}

export interface BacktestSummary {
  failedRuns: number;
  peopleReran: number;
  passedOnRerun: number;
  stayedRed: number;
  neverRerun: number;
  botWouldRerun: number;
  /** The bot would re-run it, and it passed when people re-ran it. */
  caught: RunEntry[];
  /** It passed when people re-ran it, and the bot would not have re-run it. */
  missed: RunEntry[];
  /** The bot would re-run it, people did, and it stayed red. */
  rerunStayedRed: RunEntry[];
  /** The bot would re-run it and nobody did: what a re-run would have shown is unknown. */
  botOnlyRerun: RunEntry[];
  minutes: {
    /** Every re-run people made: (attempts - 1) re-runs of attempt 1's failed jobs. */
    people: { reruns: number; minutes: number };
    /** One re-run per run the bot would re-run (its first; later attempts are decided afresh). */
    bot: { reruns: number; minutes: number };
  };
  suggestions: Suggestion[];
}

const entry = (r: ReplayedRun): RunEntry => ({ run: r.id, runNumber: r.runNumber, workflow: r.workflow, url: r.url, job: r.job, why: r.why, line: r.line });

export function summarise(runs: ReplayedRun[]): BacktestSummary {
  const reran = runs.filter((r) => r.truth !== "never-rerun");
  const bot = runs.filter((r) => r.wouldRerun);
  const missed = runs.filter((r) => r.truth === "passed-on-rerun" && !r.wouldRerun);
  return {
    failedRuns: runs.length,
    peopleReran: reran.length,
    passedOnRerun: runs.filter((r) => r.truth === "passed-on-rerun").length,
    stayedRed: runs.filter((r) => r.truth === "stayed-red").length,
    neverRerun: runs.length - reran.length,
    botWouldRerun: bot.length,
    caught: bot.filter((r) => r.truth === "passed-on-rerun").map(entry),
    missed: missed.map(entry),
    rerunStayedRed: bot.filter((r) => r.truth === "stayed-red").map(entry),
    botOnlyRerun: bot.filter((r) => r.truth === "never-rerun").map(entry),
    minutes: {
      people: {
        reruns: reran.reduce((n, r) => n + r.attempts - 1, 0),
        minutes: reran.reduce((n, r) => n + (r.attempts - 1) * r.rerunMinutes, 0),
      },
      bot: { reruns: bot.length, minutes: bot.reduce((n, r) => n + r.rerunMinutes, 0) },
    },
    // Drawn from the missed flakes, never from a line also seen in a run that stayed red when re-run.
    suggestions: suggestPatterns(
      missed.map((r) => r.lines),
      runs.filter((r) => r.truth === "stayed-red").map((r) => r.lines),
    ),
  };
}
