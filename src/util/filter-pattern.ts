/**
 * GitHub's workflow filter patterns (the syntax of `on.push.branches`), so a branch pattern copied
 * from a workflow means the same here: `*` is any characters but `/`, `**` any characters, `?` zero
 * or one of the preceding character, `+` one or more of it, `[...]` a set or range, `\` escapes, and
 * a leading `!` excludes. Patterns compile to RE2: linear-time matching whatever the pattern.
 */
import { RE2JS } from "re2js";

const quote = (ch: string) => (/[A-Za-z0-9_\-/ ]/.test(ch) ? ch : `\\x{${ch.codePointAt(0)!.toString(16)}}`);

/** The RE2 source for one pattern (without its `!`); throws on an unclosed `[`. */
export function filterPatternSource(pattern: string): string {
  const chars = Array.from(pattern);
  let out = "";
  let atom = false; // whether `?` and `+` have something to apply to
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "\\" && i + 1 < chars.length) {
      out += quote(chars[++i]);
      atom = true;
    } else if (ch === "*") {
      if (chars[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
      atom = false;
    } else if ((ch === "?" || ch === "+") && atom) {
      out += ch;
      atom = false;
    } else if (ch === "[") {
      const end = chars.indexOf("]", i + 1);
      if (end < 0) throw new Error("unclosed [ in pattern");
      const body = chars.slice(i + 1, end);
      if (body.length === 0) throw new Error("empty [] in pattern");
      out += `[${body.map((c, k) => (c === "-" && k > 0 && k < body.length - 1 ? "-" : quote(c))).join("")}]`;
      i = end;
      atom = true;
    } else {
      out += quote(ch);
      atom = true;
    }
  }
  return `^${out}$`;
}

export function filterPatternError(pattern: string): string | null {
  try {
    RE2JS.compile(filterPatternSource(pattern.replace(/^!/, "")));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function filterPatternMatch(pattern: string, text: string): boolean {
  return RE2JS.compile(filterPatternSource(pattern)).matcher(text).matches();
}

/**
 * A list of patterns, in order, as GitHub reads it: the last pattern that matches decides, `!`
 * patterns exclude. A list of only `!` patterns includes everything else; an empty list, everything.
 * No text (a run with no branch) passes only an empty list.
 */
export function passesFilterPatterns(patterns: readonly string[], text: string | null): boolean {
  if (patterns.length === 0) return true;
  if (text === null) return false;
  let included = patterns.every((p) => p.startsWith("!"));
  for (const p of patterns) {
    const negated = p.startsWith("!");
    if (filterPatternMatch(negated ? p.slice(1) : p, text)) included = !negated;
  }
  return included;
}
