/**
 * What GitHub's answer to a write means, decided once, from its status, its headers and GitHub's own
 * documented messages (never from the words this bot later shows people). Every trigger (automatic,
 * delayed, /rerun, the button) reads its answer through this one function.
 */

/** The parts of a failed call that matter; `github/errors.ts` reads them off Octokit's error. */
export interface GitHubAnswer {
  /** null: no HTTP answer at all (a network error or a timeout). */
  status: number | null;
  /** GitHub's own `message`, or the error's text when there was no answer. */
  message: string;
  headers: Record<string, string | undefined>;
}

export type AnswerKind =
  /** GitHub accepted the re-run. */
  | { kind: "done" }
  /** Someone (a person, another bot, an earlier try of ours) re-ran it first. */
  | { kind: "already-running" }
  /** A deliberate refusal: asking again gives the same answer. */
  | { kind: "refused"; why: RefusedWhy }
  /** GitHub's trouble or its rate limit: worth asking again, not before `retryAfterMs` when given. */
  | { kind: "retry"; why: "rate-limit" | "server" | "network"; retryAfterMs: number | null };

export type RefusedWhy = "too-old" | "cannot-retry" | "not-current-attempt" | "no-permission" | "gone" | "other";

/** GitHub's documented refusals of the re-run endpoints (all HTTP 403). */
const REFUSALS: [RegExp, RefusedWhy][] = [
  [/over a month ago/i, "too-old"],
  [/cannot be retried/i, "cannot-retry"],
  [/only jobs from the current attempt/i, "not-current-attempt"],
  [/resource not accessible by integration/i, "no-permission"],
];

const header = (a: GitHubAnswer, name: string) => a.headers[name] ?? a.headers[name.toLowerCase()];

/**
 * When a rate-limited caller may ask again, as GitHub asks of clients: `retry-after` seconds; else,
 * with `x-ratelimit-remaining: 0`, the `x-ratelimit-reset` epoch; else at least a minute.
 */
export function rateLimitWaitMs(a: GitHubAnswer, nowMs: number): number | null {
  const retryAfter = Number(header(a, "retry-after"));
  if (header(a, "retry-after") !== undefined && Number.isFinite(retryAfter)) return Math.max(retryAfter, 0) * 1000;
  if (header(a, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(a, "x-ratelimit-reset"));
    if (Number.isFinite(reset)) return Math.max(reset * 1000 - nowMs, 0) + 1000;
  }
  return null;
}

export function isRateLimited(a: GitHubAnswer): boolean {
  if (a.status !== 403 && a.status !== 429) return false;
  return (
    a.status === 429 ||
    header(a, "retry-after") !== undefined ||
    header(a, "x-ratelimit-remaining") === "0" ||
    /rate limit/i.test(a.message)
  );
}

export function classifyAnswer(a: GitHubAnswer | null, nowMs: number): AnswerKind {
  if (a === null) return { kind: "done" };
  if (/already running/i.test(a.message)) return { kind: "already-running" };
  for (const [pattern, why] of REFUSALS) if (pattern.test(a.message)) return { kind: "refused", why };
  if (isRateLimited(a)) return { kind: "retry", why: "rate-limit", retryAfterMs: rateLimitWaitMs(a, nowMs) ?? 60_000 };
  if (a.status === null) return { kind: "retry", why: "network", retryAfterMs: null };
  if (a.status >= 500) return { kind: "retry", why: "server", retryAfterMs: null };
  if (a.status === 404 || a.status === 410) return { kind: "refused", why: "gone" };
  // 400, 401, 403, 422: GitHub means it; anything else unexpected is not retried blindly either.
  return { kind: "refused", why: "other" };
}

/** Transient trouble is retried with backoff for up to this long (RETRY_HOURS), then given up. */
export interface RetrySettings {
  baseMs: number;
  maxDelayMs: number;
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { baseMs: 30_000, maxDelayMs: 15 * 60_000, giveUpAfterMs: 6 * 3_600_000 };

/**
 * When to ask again after `tries` transient failures since `firstFailedMs`, or null to give up. A
 * rate limit's own wait is honoured when it is longer than the backoff.
 */
export function nextTryAt(tries: number, firstFailedMs: number, nowMs: number, retryAfterMs: number | null, s: RetrySettings): number | null {
  const backoff = Math.min(s.baseMs * 2 ** Math.max(tries - 1, 0), s.maxDelayMs);
  const at = nowMs + Math.max(backoff, retryAfterMs ?? 0);
  return at - firstFailedMs > s.giveUpAfterMs ? null : at;
}

/** RETRY_HOURS (how long to keep asking, 0.001..48) and RETRY_BASE_SECONDS (the first wait, 1..600). */
export function retrySettings(env: NodeJS.ProcessEnv): RetrySettings {
  const n = (v: string | undefined, d: number, min: number, max: number) => {
    const x = Number(v);
    return v !== undefined && v !== "" && Number.isFinite(x) ? Math.min(Math.max(x, min), max) : d;
  };
  const baseMs = n(env.RETRY_BASE_SECONDS, DEFAULT_RETRY.baseMs / 1000, 1, 600) * 1000;
  return { baseMs, maxDelayMs: Math.max(DEFAULT_RETRY.maxDelayMs, baseMs), giveUpAfterMs: n(env.RETRY_HOURS, DEFAULT_RETRY.giveUpAfterMs / 3_600_000, 0.001, 48) * 3_600_000 };
}
