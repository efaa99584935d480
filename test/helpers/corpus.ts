/**
 * The corpus of real failures (test/corpus/*.jsonl: texts quoted from public issue threads, each
 * with its source, label and why) run through the code the bot uses: an entry becomes a failed job
 * and its evidence, judged by judgeRun with a preset config, exactly as the handler would.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { judgeRun } from "../../src/policy/auto-rerun.js";
import { rulesOf } from "../../src/policy/rules.js";
import type { Evidence } from "../../src/policy/preset.js";
import type { PresetName } from "../../src/config/schema.js";
import { auto, job, run } from "./facts.js";

export type Label = "infrastructure" | "network" | "real";

export interface CorpusEntry {
  id: string;
  source: string;
  label: Label;
  category: string;
  kind: "annotation" | "log";
  conclusion: string | null;
  /** false: the job had no failed step; true: it had one; null: the quote does not say. */
  failedStep: boolean | null;
  text: string;
  why: string;
  /** When and how an entry was collected, for the entries added after the first corpus. */
  collected?: string;
  /** Collected after the signatures were last changed, and never used to change them. */
  heldOut?: boolean;
}

/** The held-out part: its figures are the ones no signature was tuned on. */
export const isHeldOut = (e: CorpusEntry): boolean => e.heldOut === true;

const CORPUS = join(process.cwd(), "test", "corpus");

export function loadCorpus(): CorpusEntry[] {
  return ["flakes.jsonl", "real.jsonl"].flatMap((file) =>
    readFileSync(join(CORPUS, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as CorpusEntry),
  );
}

/** The presets evaluated, by name, and the labels each is meant to catch. */
export const PRESET_SETS: { name: string; presets: PresetName[]; targets: Label[] }[] = [
  { name: "infrastructure", presets: ["infrastructure"], targets: ["infrastructure"] },
  { name: "network", presets: ["network"], targets: ["network"] },
  { name: "infrastructure + network", presets: ["infrastructure", "network"], targets: ["infrastructure", "network"] },
];

/**
 * A log quote as the raw log holds it. GitHub's web page shows the runner's `##[warning]` lines as
 * "Warning: ", and people quote what they see (or lose the `##` to Markdown); the bot reads the raw
 * log, where a warning proves no flake. Only that capitalised form is read back: tools' own
 * "warning:" and "WARNING:" lines, and every "Error: ", are the tools' words.
 */
export function asRawLog(text: string): string {
  return text.replace(/^(\s*)(?:##)?\[(warning|error)\]/gm, "$1##[$2]").replace(/^(\s*)Warning: /gm, "$1##[warning]");
}

/** How the parts of a job an entry does not quote are read. */
export interface Reading {
  /** `failedStep: null` (the quote does not say) judged as a job with no failed step. */
  assumeNoFailedStep?: boolean;
  /** A log entry's annotations: unreadable (the default), or read and empty. */
  emptyAnnotations?: boolean;
}

/**
 * Whether the bot re-runs the entry's job. By default `failedStep: null` is judged as a job with a
 * failed step (the quote does not prove otherwise) and a log entry's annotations as unreadable;
 * `reading` judges them the other way.
 */
export function rerunsEntry(entry: CorpusEntry, presets: PresetName[], reading: Reading = {}): { rerun: boolean; why: string } {
  const assumeNoFailedStep = reading.assumeNoFailedStep ?? false;
  const noFailedStep = entry.failedStep === false || (entry.failedStep === null && assumeNoFailedStep);
  const failed = job({
    id: 1,
    conclusion: entry.conclusion ?? "failure",
    failedStep: noFailedStep ? null : "Run step",
  });
  const log = asRawLog(entry.text);
  const evidence: Evidence =
    entry.kind === "annotation"
      ? { annotations: [{ level: "failure", message: entry.text, title: null }], log: null, unread: { log: 404 } }
      : reading.emptyAnnotations
        ? { annotations: [], log }
        : { annotations: null, log, unread: { annotations: 404 } };
  const config = auto({ preset: presets });
  const verdict = judgeRun(run(), [failed], rulesOf(config), config, new Map([[failed.id, evidence]]));
  if (verdict.kind === "need") throw new Error(`entry ${entry.id}: the judge still asks for ${verdict.what}`);
  return { rerun: verdict.kind === "rerun", why: verdict.kind === "rerun" ? verdict.why : verdict.refusal.message };
}

export interface PresetScore {
  name: string;
  reruns: number;
  flakesRerun: number;
  targets: number;
  caught: number;
  precision: number;
  recall: number;
  misses: CorpusEntry[];
  falseReruns: { entry: CorpusEntry; why: string }[];
}

/** Precision: re-runs that were flakes; recall: the preset's target flakes it re-ran. */
export function score(entries: CorpusEntry[], set: (typeof PRESET_SETS)[number]): PresetScore {
  const s: PresetScore = { name: set.name, reruns: 0, flakesRerun: 0, targets: 0, caught: 0, precision: 1, recall: 1, misses: [], falseReruns: [] };
  for (const entry of entries) {
    const { rerun, why } = rerunsEntry(entry, set.presets);
    const target = set.targets.includes(entry.label);
    if (target) s.targets++;
    if (rerun) {
      s.reruns++;
      if (entry.label === "real") s.falseReruns.push({ entry, why });
      else s.flakesRerun++;
      if (target) s.caught++;
    } else if (target) s.misses.push(entry);
  }
  s.precision = s.reruns === 0 ? 1 : s.flakesRerun / s.reruns;
  s.recall = s.targets === 0 ? 1 : s.caught / s.targets;
  return s;
}

export const EVAL_START = "<!-- eval:start -->";
export const EVAL_END = "<!-- eval:end -->";

/** The README's figures (between the eval markers): corpus size per label, and each preset's score. */
export function evalSummary(entries: CorpusEntry[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const table = (of: CorpusEntry[]) => {
    const count = (label: Label) => of.filter((e) => e.label === label).length;
    return [
      `${of.length} failed jobs: ${count("infrastructure")} infrastructure, ${count("network")} network, ${count("real")} real.`,
      "",
      "| preset | precision (re-runs that were flakes) | recall (its flakes re-run) | misses | false re-runs |",
      "| --- | --- | --- | --- | --- |",
      ...PRESET_SETS.map((set) => score(of, set)).map(
        (s) => `| \`${s.name}\` | ${pct(s.precision)} (${s.flakesRerun} of ${s.reruns} re-runs) | ${pct(s.recall)} (${s.caught} of ${s.targets}) | ${s.misses.length} | ${s.falseReruns.length} |`,
      ),
    ];
  };
  const heldOut = entries.filter(isHeldOut);
  return [
    EVAL_START,
    `All of the corpus: ${table(entries).join("\n")}`,
    ...(heldOut.length === 0
      ? []
      : ["", `Held out (collected after the signatures were last changed, and not used to change them): ${table(heldOut).join("\n")}`]),
    EVAL_END,
  ].join("\n");
}

export function withEvalSummary(readme: string, entries: CorpusEntry[]): string {
  const start = readme.indexOf(EVAL_START);
  const end = readme.indexOf(EVAL_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${EVAL_START} ... ${EVAL_END} section`);
  return `${readme.slice(0, start)}${evalSummary(entries)}${readme.slice(end + EVAL_END.length)}`;
}
