/** Durations as configs write them: `30s`, `2m`, `1h`. */
export const DURATION_PATTERN = "^[1-9][0-9]{0,4}[smh]$";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds, or 0 for none. The schema bounds the text; `maxMs` bounds the value. */
export function durationMs(text: string | undefined, maxMs = 6 * 3_600_000): number {
  const m = /^([1-9][0-9]{0,4})([smh])$/.exec(text ?? "");
  return m ? Math.min(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS], maxMs) : 0;
}
