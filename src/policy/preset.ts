/**
 * The built-in presets: `infrastructure` (runner, github and git signatures) and `network` (opt-in:
 * transient network and registry failures anywhere in the job). A failed job gets one outcome:
 * infrastructure or network (a flake: the signature and the line that proved it), real (a known
 * failure a re-run cannot fix, quoted too) or unknown (nothing matched). Presets re-run only what the
 * evidence proves; unknown is never re-run by a preset.
 *
 * Evidence is judged in the order it is read (annotations, then the log tail). In each piece, the
 * `real` exclusions are looked for first: one anywhere wins over any flake signature.
 */
import type { PresetName } from "../config/schema.js";
import type { Annotation, JobFacts } from "../domain/facts.js";
import { logTail } from "./log-patterns.js";
import { EXCLUSIONS, SIGNATURES, type FlakeCategory, type Signature } from "./signatures.js";

export type EvidenceSource = "job" | "annotations" | "log";
/** Why a piece of evidence could not be read: GitHub's status (404, 410, 403), or the per-run read budget. */
export type Unread = number | "budget";

/** What the handler read for one job. `undefined`: not read yet; `null`: could not be read (no evidence). */
export interface Evidence {
  annotations?: Annotation[] | null;
  log?: string | null;
  unread?: { annotations?: Unread; log?: Unread };
}

export type Outcome = "infrastructure" | "network" | "real" | "unknown";

export interface Finding {
  outcome: Outcome;
  /** The signature or exclusion that decided; null when nothing matched. */
  signature: Signature | null;
  /** What proved it: the annotation or log line (as written, trimmed), or the job fact. */
  quote: string | null;
  where: EvidenceSource | null;
  /** For unknown: a signature matched that belongs to a preset that is not on. */
  off?: Signature;
}

/** Which preset each flake category belongs to. */
export const PRESET_OF: Record<FlakeCategory, PresetName> = {
  runner: "infrastructure",
  github: "infrastructure",
  git: "infrastructure",
  network: "network",
};

/** Decided from the job list and the annotation list, with no text to match. */
export const JOB_SIGNATURES = {
  noFailedStep: {
    id: "no-failed-step",
    category: "runner",
    title: "the job failed with no failed step, no annotation at all and nothing in its log (its runner vanished before it could report)",
    pattern: "",
    examples: [],
  },
  timedOut: {
    id: "timed-out",
    category: "real",
    title: "the job's conclusion is timed_out",
    pattern: "",
    examples: [],
  },
} as const satisfies Record<string, Signature>;

type Compiled = { sig: Signature; re: RegExp };
/**
 * Compiled once, as native regular expressions: the patterns are ours, not a config's (a config's
 * patterns go through RE2). A test keeps every one valid RE2 (no look-around, no back-reference)
 * with bounded repetition only, so none can backtrack without end; `npm run bench:signatures`
 * measures both engines on a 64 KiB log.
 */
const compile = (list: Signature[]): Compiled[] => list.map((sig) => ({ sig, re: new RegExp(sig.pattern, "gim") }));

/** The first line of `text` holding a match of `re` that `accept` takes, or null. */
function findLine(re: RegExp, text: string, accept: (line: string) => boolean = () => true): string | null {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = text.lastIndexOf("\n", m.index - 1) + 1;
    const end = text.indexOf("\n", m.index);
    const line = text.slice(start, end < 0 ? text.length : end);
    if (accept(line)) return line;
    // Go on from the next line: one line is judged once.
    if (end < 0) break;
    re.lastIndex = end + 1;
  }
  return null;
}
const FIRST = compile(EXCLUSIONS.filter((s) => s.order !== "last"));
const LAST = compile(EXCLUSIONS.filter((s) => s.order === "last"));
const FLAKES = compile(SIGNATURES);

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ?/gm;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
/** Lines as matched: without the log's timestamps and terminal colours. */
export function normalise(text: string): string {
  return text.replace(ANSI, "").replace(TIMESTAMP, "");
}

/**
 * A line GitHub marks as a warning (`##[warning]` in a raw log, a warning-level annotation) is a retry
 * the tool survived: it proves no flake, only a real failure.
 */
const isWarning = (line: string) => /^\s*##\[warning\]/i.test(line);
/**
 * A network failure talking to the job's own machine or a service container it started (by its bare
 * name: host='db', host name "postgres") is the job's doing: a server that never came up.
 */
const isLocal = (line: string) => /\b(localhost|127\.0\.0\.1|0\.0\.0\.0)\b|\[::1\]|\bhost(=|\s+name\s+)["'][a-z0-9_-]+["']/i.test(line);

/**
 * The runner wrote an error or a warning of its own (an action it could not download, a cache it
 * could not save): it was there to report, so no failed step means something else, and an unknown
 * line is not proof that it vanished.
 */
const reported = (log: string | null | undefined) => Boolean(log && /^\s*##\[(error|warning)\]/im.test(normalise(log)));

export interface Hit {
  sig: Signature;
  line: string;
}

/** One piece of evidence: the first exclusion; else the first flake signature; else the last-resort exclusions. */
export function scanText(all: string, flakeText: string = all): { real?: Hit; flakes: Hit[]; last?: Hit } {
  const text = normalise(all);
  for (const { sig, re } of FIRST) {
    const line = findLine(re, text);
    if (line !== null) return { real: { sig, line }, flakes: [] };
  }
  const proof = normalise(flakeText);
  const flakes: Hit[] = [];
  for (const { sig, re } of FLAKES) {
    const line = findLine(re, proof, (l) => !isWarning(l) && !(sig.category === "network" && isLocal(l)));
    if (line !== null) flakes.push({ sig, line });
  }
  for (const { sig, re } of LAST) {
    const line = findLine(re, text);
    if (line !== null) return { flakes, last: { sig, line } };
  }
  return { flakes };
}

const annotationText = (list: Annotation[]) => list.map((a) => (a.title ? `${a.title}: ${a.message}` : a.message)).join("\n");
const proves = (a: Annotation) => a.level !== "warning" && a.level !== "notice";

const outcomeOf = (sig: Signature): Outcome => (sig.category === "real" ? "real" : sig.category === "network" ? "network" : "infrastructure");
const MAX_QUOTE = 300;
const quote = (line: string) => {
  const t = line.trim();
  return t.length > MAX_QUOTE ? `${t.slice(0, MAX_QUOTE - 1)}…` : t;
};
const found = (hit: Hit, where: EvidenceSource): Finding => ({ outcome: outcomeOf(hit.sig), signature: hit.sig, quote: quote(hit.line), where });

export type PresetJudgement = { need: "annotations" | "log" } | { finding: Finding };

/**
 * The presets' verdict on one failed job, cheapest evidence first: the job's facts, then its
 * annotations, then its log tail. Pure: answers what must be read until it can decide.
 */
export function judgeByPresets(presets: readonly PresetName[], job: JobFacts, evidence: Evidence): PresetJudgement {
  const on = (sig: Signature) => sig.category !== "real" && presets.includes(PRESET_OF[sig.category]);
  if (job.conclusion === "timed_out") {
    return { finding: { outcome: "real", signature: JOB_SIGNATURES.timedOut, quote: "conclusion: timed_out", where: "job" } };
  }
  if (evidence.annotations === undefined) return { need: "annotations" };
  let off: Hit | undefined;
  let last: { hit: Hit; where: EvidenceSource } | undefined;
  const judge = (all: string, proof: string, where: EvidenceSource): Finding | null => {
    const r = scanText(all, proof);
    if (r.real) return found(r.real, where);
    const hit = r.flakes.find((h) => on(h.sig));
    if (hit) return found(hit, where);
    off ??= r.flakes[0];
    if (r.last) last ??= { hit: r.last, where };
    return null;
  };
  const annotations = evidence.annotations;
  if (annotations) {
    const decided = judge(annotationText(annotations), annotationText(annotations.filter(proves)), "annotations");
    if (decided) return { finding: decided };
  }
  // Positive evidence only: a failed job with no failed step and no annotation at all lost its runner
  // before it could report (billing blocks, offline pools and cancellations leave an annotation). Its
  // log, when there is one, is read first: a real failure written there still wins.
  const silent = annotations?.length === 0 && job.failedSteps.length === 0 && job.conclusion === "failure" && presets.includes("infrastructure") && !reported(evidence.log);
  if (evidence.log === undefined) return { need: "log" };
  if (evidence.log) {
    const tail = logTail(evidence.log);
    const decided = judge(tail, tail, "log");
    if (decided) return { finding: decided };
  }
  if (last) return { finding: found(last.hit, last.where) };
  if (silent) return { finding: { outcome: "infrastructure", signature: JOB_SIGNATURES.noFailedStep, quote: "no failed step, no annotation", where: "job" } };
  return { finding: { outcome: "unknown", signature: null, quote: null, where: null, ...(off ? { off: off.sig } : {}) } };
}

/** How a finding reads in a check run, a log line or `explain`. */
export function describeFinding(f: Finding): string {
  if (f.signature) return `${f.outcome}: ${f.signature.title}`;
  if (f.off) return `unknown: no signature of the presets on matched (${PRESET_OF[f.off.category as FlakeCategory]} signature "${f.off.id}" did; that preset is not on)`;
  return "unknown: no signature matched";
}
