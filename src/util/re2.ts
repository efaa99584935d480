import { RE2JS } from "re2js";

/**
 * RE2 for every pattern a config supplies: linear-time matching whatever the pattern, so a hostile
 * pattern cannot hang the bot.
 */
export type CompiledPatterns = { source: string; re: RE2JS }[];

export function compilePatterns(patterns: readonly string[]): CompiledPatterns {
  return patterns.map((source) => ({ source, re: RE2JS.compile(source) }));
}

/** The first pattern found anywhere in `text`, or null. */
export function findPattern(patterns: CompiledPatterns, text: string): string | null {
  for (const { source, re } of patterns) {
    if (re.matcher(text).find()) return source;
  }
  return null;
}

export function patternError(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
