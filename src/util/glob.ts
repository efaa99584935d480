/**
 * Glob matching for names from config: `*` is any run of characters (slashes included), `?` is one
 * character, `\` makes the next character literal. Nothing else is special.
 *
 * Patterns are user input, so this is the greedy two-pointer algorithm: O(pattern x text) at worst,
 * never exponential, unlike a RegExp built from the pattern.
 */
type Token = { kind: "star" } | { kind: "any" } | { kind: "char"; ch: string };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "\\" && i + 1 < chars.length) tokens.push({ kind: "char", ch: chars[++i] });
    else if (ch === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (ch === "?") tokens.push({ kind: "any" });
    else tokens.push({ kind: "char", ch });
  }
  return tokens;
}

export function globMatch(pattern: string, text: string): boolean {
  const p = tokenize(pattern);
  const t = Array.from(text);
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    const tok = p[pi];
    if (tok && (tok.kind === "any" || (tok.kind === "char" && tok.ch === t[ti]))) {
      pi++;
      ti++;
    } else if (tok?.kind === "star") {
      starP = pi++;
      starT = ti;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (p[pi]?.kind === "star") pi++;
  return pi === p.length;
}

export function matchesAny(patterns: readonly string[], ...texts: (string | null | undefined)[]): boolean {
  return patterns.some((pattern) => texts.some((text) => text != null && globMatch(pattern, text)));
}

/** An empty include list means "everything"; the exclude list always wins. */
export function passesFilter(
  include: readonly string[],
  exclude: readonly string[],
  ...texts: (string | null | undefined)[]
): boolean {
  if (include.length > 0 && !matchesAny(include, ...texts)) return false;
  return !matchesAny(exclude, ...texts);
}
