/**
 * Rules drawn from evidence: the annotation and log lines of failed jobs, turned into RE2 patterns a
 * config can use (numbers, ids and hashes generalised, everything else escaped), counted over the
 * runs they were seen in. The backtest suggests the ones its missed flakes share.
 */
import { compilePatterns, findPattern, patternError } from "../util/re2.js";

export type LineSource = "annotations" | "log";

/** One line of a failed job's evidence, as the bot read it. */
export interface EvidenceLine {
  text: string;
  in: LineSource;
}

export interface Suggestion {
  pattern: string;
  /** Runs whose evidence has a line the pattern was drawn from. */
  count: number;
  /** Where the bot would look for it: `annotations:` or `log-patterns:` of a rule. */
  in: LineSource;
  /** One line it was drawn from. */
  example: string;
}

/** Longest line turned into a pattern: a pattern is found anywhere in the text, so a prefix will do. */
export const MAX_LINE = 160;
/** Lines shorter than this say too little to be a rule ("Error", "exit 1"). */
const MIN_LINE = 8;

/** GitHub's log lines start with a timestamp; errors carry a `##[error]` marker. */
export function cleanLine(line: string): string {
  return line
    .replace(/^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/, "")
    .replace(/^##\[(?:error|warning)\]/, "")
    .trim();
}

/** GitHub's own closing line of every failed step: it says nothing about why. */
export const isGenericLine = (line: string) => /^Process completed with exit code \d+\.?$/.test(line);

// Uuids, hashes (7+ hex digits, letters and digits mixed), then any run of digits: the parts that change per run.
const VARYING = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b|\d+/gi;
const escapeRe2 = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");

/** The line as an RE2 pattern that also matches its siblings of other runs; null if it says too little. */
export function linePattern(raw: string): string | null {
  const line = cleanLine(raw).slice(0, MAX_LINE);
  if (line.length < MIN_LINE || isGenericLine(line)) return null;
  let out = "";
  let at = 0;
  for (const m of line.matchAll(VARYING)) {
    out += escapeRe2(line.slice(at, m.index));
    out += m[0].includes("-") ? "[0-9a-fA-F-]+" : /^\d+$/.test(m[0]) ? "\\d+" : "[0-9a-fA-F]+";
    at = m.index + m[0].length;
  }
  out += escapeRe2(line.slice(at));
  if (!/[A-Za-z]{3}/.test(out.replace(/\\d\+|\[0-9a-fA-F-?\]\+/g, ""))) return null; // nothing left but numbers
  // Validated as the config's own patterns are, and kept only if it matches the line it came from.
  if (patternError(out) || !findPattern(compilePatterns([out]), line)) return null;
  return out;
}

/**
 * Patterns shared by at least `minCount` of the `wanted` runs (each run counted once), most frequent
 * first, leaving out any that also matches a line of an `unwanted` run (a run that stayed red when
 * re-run: a rule built on it would re-run real failures too). Annotations win over the log for a
 * pattern seen in both: the bot reads them first, and they cost less.
 */
export function suggestPatterns(wanted: EvidenceLine[][], unwanted: EvidenceLine[][], o: { max?: number; minCount?: number } = {}): Suggestion[] {
  const found = new Map<string, Suggestion>();
  for (const lines of wanted) {
    const seen = new Set<string>();
    for (const line of lines) {
      const pattern = linePattern(line.text);
      if (!pattern) continue;
      const s = found.get(pattern) ?? { pattern, count: 0, in: line.in, example: cleanLine(line.text).slice(0, MAX_LINE) };
      if (line.in === "annotations") s.in = "annotations";
      if (!seen.has(pattern)) s.count++;
      seen.add(pattern);
      found.set(pattern, s);
    }
  }
  const red = unwanted.flat().map((l) => cleanLine(l.text));
  return [...found.values()]
    .filter((s) => s.count >= (o.minCount ?? 2))
    .filter((s) => {
      const re = compilePatterns([s.pattern]);
      return !red.some((line) => findPattern(re, line));
    })
    .sort((a, b) => b.count - a.count || a.pattern.localeCompare(b.pattern))
    .slice(0, o.max ?? 5);
}
