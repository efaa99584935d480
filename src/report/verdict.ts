/**
 * One failed job's verdict, said the same way everywhere (the check run's table, `explain`): its
 * outcome, what decided it, the annotation or log line that proved it, and what could not be read.
 * Plain parts here; each renderer escapes them for where they go.
 */
import type { JobVerdict } from "../policy/rules.js";

export interface VerdictParts {
  /** "infrastructure (flake)", "network (flake)", "flake (your rule)", "real", "unknown", "not judged". */
  outcome: string;
  /** The signature, rule or reason, with the rule that decided for a flake. */
  said: string;
  /** The line that proved it, as written (trimmed, without its log timestamp), and where it was. */
  quote: { where: "annotation" | "log"; line: string } | null;
  /** "annotations: 404", "log gone (410)". */
  unread: string[];
}

export function verdictParts(v: JobVerdict | undefined): VerdictParts {
  if (!v || v.kind === "need") return { outcome: "not judged", said: "", quote: null, unread: [] };
  const f = v.finding;
  const quote = f?.quote && (f.where === "annotations" || f.where === "log") ? { where: f.where === "log" ? ("log" as const) : ("annotation" as const), line: f.quote } : null;
  if (v.kind === "flake") {
    return { outcome: v.category === "rule" ? "flake (your rule)" : `${v.category} (flake)`, said: `${v.evidence} (${v.rule.label})`, quote, unread: v.unread };
  }
  return { outcome: v.outcome, said: v.why, quote, unread: v.unread };
}

/** For a terminal: `unknown: no signature matched; log gone (410)`. */
export function verdictText(v: JobVerdict): string {
  const p = verdictParts(v);
  const quote = p.quote ? `; ${p.quote.where}: "${p.quote.line}"` : "";
  const unread = p.unread.length > 0 ? `; ${p.unread.join(", ")}` : "";
  // A reason that already opens with its outcome ("unknown: no signature matched") says it once.
  const said = p.said.startsWith(`${p.outcome}: `) ? p.said.slice(p.outcome.length + 2) : p.said;
  return `${p.outcome}: ${said}${quote}${unread}`;
}
