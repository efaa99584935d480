/**
 * The config checker behind `rerun-bot check`: the same YAML parser, JSON Schema and pattern rules
 * the bot uses, with each problem placed on its line.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { validateConfig, keyName, type ConfigProblem } from "./validate.js";
import type { AutoConfig, RuleConfig } from "./schema.js";
import { globMatch } from "../util/glob.js";

export interface CheckedProblem {
  line: number | null;
  key: string;
  message: string;
}

function lineOf(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: (string | number)[]): number | null {
  // Point at the key itself when there is one (an unknown key has no value worth pointing at).
  if (path.length > 0) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
  }
  const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | null | undefined;
  return node?.range ? lines.linePos(node.range[0]).line : null;
}

export function checkConfigText(text: string): CheckedProblem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => ({
      line: e.linePos?.[0].line ?? null,
      key: "(YAML)",
      message: e.message.split("\n")[0],
    }));
  }
  const result = validateConfig(doc.toJS({ maxAliasCount: 100 }));
  const problems = result.ok ? neverMatching(result.config.auto) : result.problems;
  return problems
    .map((p) => ({ line: lineOf(doc, lines, p.path), key: keyName(p.path), message: p.message }))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

const everything = (glob: string) => /^\*+$/.test(glob);
const isLiteral = (glob: string) => !/[*?\\]/.test(glob);

/** Why a rule's own job filter lets no job through, or null. */
function excludesEveryJob(jobs: readonly string[], ignore: readonly string[]): string | null {
  if (ignore.some(everything)) return "ignore-jobs excludes every job";
  if (jobs.length > 0 && jobs.every((j) => isLiteral(j) && ignore.some((q) => globMatch(q, j)))) return "every name in jobs is also in ignore-jobs";
  return null;
}

const hasEvidence = (r: Partial<RuleConfig>) =>
  Boolean(r.preset) || (r.annotations ?? []).length > 0 || (r["log-patterns"] ?? []).length > 0 || (r["exit-codes"] ?? []).length > 0;
const filtersOf = (r: Partial<RuleConfig>) =>
  JSON.stringify([r.jobs ?? [], r["ignore-jobs"] ?? [], r.steps ?? [], r["ignore-steps"] ?? [], r.workflows ?? [], r.branches ?? []]);
const CATCH_ALL = JSON.stringify([[], [], [], [], [], []]);

/**
 * Rules that can never match, in a config that is otherwise valid: a job filter that excludes every
 * job, a branch list that ends by excluding every branch, and a rule shadowed by an earlier rule that
 * matches all it could (no evidence asked, and the same filters or none at all).
 */
export function neverMatching(auto: AutoConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (path: (string | number)[], message: string) => problems.push({ path, key: keyName(path), message });
  if (!auto.rules) {
    const why = excludesEveryJob(auto.jobs, auto["ignore-jobs"]);
    if (why) at(["auto", "ignore-jobs"], `can never match: ${why}`);
    return problems;
  }
  auto.rules.forEach((rule, i) => {
    const why = excludesEveryJob(rule.jobs, rule["ignore-jobs"]);
    if (why) at(["auto", "rules", i], `rule can never match: ${why}`);
    const last = rule.branches.at(-1);
    if (last !== undefined && /^!\*\*+$/.test(last)) at(["auto", "rules", i, "branches"], "rule can never match: the last pattern excludes every branch");
    const shadow = auto.rules!.slice(0, i).findIndex((earlier) => !hasEvidence(earlier) && (filtersOf(earlier) === CATCH_ALL || filtersOf(earlier) === filtersOf(rule)));
    if (shadow >= 0) at(["auto", "rules", i], `rule can never match: rule ${shadow + 1} before it matches every job it could (first match decides)`);
  });
  return problems;
}
