/**
 * The config checker behind `rerun-bot check`: the same YAML parser, JSON Schema and pattern rules
 * the bot uses, with each problem placed on its line.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { validateConfig, keyName } from "./validate.js";

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
  if (result.ok) return [];
  return result.problems
    .map((p) => ({ line: lineOf(doc, lines, p.path), key: keyName(p.path), message: p.message }))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}
