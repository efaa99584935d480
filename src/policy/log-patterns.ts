/** How much of a job log is scanned: the tail, where the error is, and a bound on work per job. */
export const LOG_TAIL_BYTES = 64 * 1024;

/** The part of a log that is judged: at most its last LOG_TAIL_BYTES characters. */
export function logTail(log: string): string {
  return log.length > LOG_TAIL_BYTES ? log.slice(-LOG_TAIL_BYTES) : log;
}
