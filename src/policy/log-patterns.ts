import { RE2JS } from "re2js";

/** How much of a job log is scanned: the tail, where the error is, and a bound on work per job. */
export const LOG_TAIL_BYTES = 64 * 1024;

export type CompiledPatterns = { source: string; re: RE2JS }[];

/** RE2 syntax: linear-time matching whatever the pattern, so a hostile pattern cannot hang the bot. */
export function compilePatterns(patterns: readonly string[]): CompiledPatterns {
  return patterns.map((source) => ({ source, re: RE2JS.compile(source) }));
}

/** Returns the first pattern found in the tail of the log, or null. */
export function findPattern(patterns: CompiledPatterns, log: string): string | null {
  const tail = log.length > LOG_TAIL_BYTES ? log.slice(-LOG_TAIL_BYTES) : log;
  for (const { source, re } of patterns) {
    if (re.matcher(tail).find()) return source;
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
