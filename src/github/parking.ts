/**
 * Installations GitHub asked to wait (a secondary limit: 403 or 429 with `retry-after`; an exhausted
 * primary limit: `x-ratelimit-remaining: 0` until `x-ratelimit-reset`). Limits are per installation,
 * so one being limited says nothing about another. The app's Octokit class parks an installation here
 * when GitHub answers so, and refuses its calls until the time GitHub gave, instead of sending them
 * (GitHub: "continuing to make requests while limited can get an integration banned"); listeners
 * (the work queue) hold its work meanwhile.
 */
export class Parking {
  readonly #until = new Map<number, number>();
  readonly #listeners: ((installationId: number, untilMs: number) => void)[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  park(installationId: number, untilMs: number): void {
    if (untilMs <= (this.#until.get(installationId) ?? 0) || untilMs <= this.#now()) return;
    this.#until.set(installationId, untilMs);
    for (const listener of this.#listeners) listener(installationId, untilMs);
  }

  /** When the installation may call GitHub again (0: now). */
  until(installationId: number): number {
    const until = this.#until.get(installationId) ?? 0;
    if (until > this.#now()) return until;
    this.#until.delete(installationId);
    return 0;
  }

  onPark(listener: (installationId: number, untilMs: number) => void): void {
    this.#listeners.push(listener);
  }
}

/** GitHub waits for at least a minute when it names no time (REST docs, "rate limits"). */
const DEFAULT_WAIT_MS = 60_000;

/** When GitHub lets a limited installation call again, from a failed answer; null when not limited. */
export function limitedUntil(status: number, headers: Record<string, unknown>, message: string, now: number): number | null {
  if (status !== 403 && status !== 429) return null;
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers["retry-after"] !== undefined) return now + retryAfter * 1000;
  if (String(headers["x-ratelimit-remaining"]) === "0") {
    const reset = Number(headers["x-ratelimit-reset"]) * 1000;
    return Number.isFinite(reset) && reset > now ? reset + 1000 : now + DEFAULT_WAIT_MS;
  }
  if (status === 429 || /rate limit/i.test(message)) return now + DEFAULT_WAIT_MS;
  return null;
}
