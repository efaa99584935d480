/** GitHub's answers, classified once (policy/github-answer.ts): a table, each case run twice. */
import { classifyAnswer, nextTryAt, rateLimitWaitMs, retrySettings, DEFAULT_RETRY, type GitHubAnswer } from "../../src/policy/github-answer.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const a = (status: number | null, message: string, headers: Record<string, string> = {}): GitHubAnswer => ({ status, message, headers });

describe("classifyAnswer", () => {
  test.each([
    ["accepted (no error)", null, { kind: "done" }],
    ["403 already running", a(403, "This workflow is already running"), { kind: "already-running" }],
    ["403 over a month ago", a(403, "Unable to retry this workflow run because it was created over a month ago"), { kind: "refused", why: "too-old" }],
    ["403 cannot be retried", a(403, "This workflow run cannot be retried"), { kind: "refused", why: "cannot-retry" }],
    ["403 not the current attempt", a(403, "Only jobs from the current attempt can be re-run"), { kind: "refused", why: "not-current-attempt" }],
    ["403 no permission", a(403, "Resource not accessible by integration"), { kind: "refused", why: "no-permission" }],
    ["404 gone", a(404, "Not Found"), { kind: "refused", why: "gone" }],
    ["422 a body GitHub will not take", a(422, "Validation Failed"), { kind: "refused", why: "other" }],
    ["403 secondary limit with retry-after", a(403, "You have exceeded a secondary rate limit", { "retry-after": "20" }), { kind: "retry", why: "rate-limit", retryAfterMs: 20_000 }],
    ["429 with retry-after", a(429, "Too Many Requests", { "retry-after": "5" }), { kind: "retry", why: "rate-limit", retryAfterMs: 5_000 }],
    [
      "403 primary limit exhausted (x-ratelimit-reset)",
      a(403, "API rate limit exceeded", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(NOW / 1000 + 120) }),
      { kind: "retry", why: "rate-limit", retryAfterMs: 121_000 },
    ],
    ["403 rate limit with no header: at least a minute", a(403, "secondary rate limit"), { kind: "retry", why: "rate-limit", retryAfterMs: 60_000 }],
    ["500", a(500, "Server Error"), { kind: "retry", why: "server", retryAfterMs: null }],
    ["502", a(502, "Bad Gateway"), { kind: "retry", why: "server", retryAfterMs: null }],
    ["no answer (a network error or a timeout)", a(null, "connect ECONNREFUSED"), { kind: "retry", why: "network", retryAfterMs: null }],
  ])("%s", (_name, answer, want) => {
    expect(classifyAnswer(answer, NOW)).toEqual(want);
    expect(classifyAnswer(answer, NOW)).toEqual(want);
  });

  test("a refusal is read from GitHub's own message, never from the bot's words for it", () => {
    expect(classifyAnswer(a(403, "GitHub refuses: the workflow is already running"), NOW)).toEqual({ kind: "already-running" });
    expect(classifyAnswer(a(502, "GitHub had an error (HTTP 502); try again later"), NOW).kind).toBe("retry");
    expect(rateLimitWaitMs(a(403, "x", { "x-ratelimit-remaining": "1" }), NOW)).toBeNull();
  });
});

describe("nextTryAt: backoff, then give up after the bound", () => {
  const s = { baseMs: 30_000, maxDelayMs: 15 * 60_000, giveUpAfterMs: 6 * 3_600_000 };
  test.each([
    [1, 0, null, 30_000],
    [2, 0, null, 60_000],
    [6, 0, null, 15 * 60_000], // capped
    [1, 0, 120_000, 120_000], // a rate limit's own wait, when longer
  ])("try %i since %i ms, retry-after %p: in %i ms", (tries, since, retryAfter, inMs) => {
    expect(nextTryAt(tries, NOW - since, NOW, retryAfter, s)).toBe(NOW + inMs);
  });
  test("past the bound: null (give up)", () => {
    expect(nextTryAt(20, NOW - 6 * 3_600_000 + 1_000, NOW, null, s)).toBeNull();
  });
  test("settings from the environment, bounded", () => {
    expect(retrySettings({})).toEqual(DEFAULT_RETRY);
    expect(retrySettings({ RETRY_HOURS: "999", RETRY_BASE_SECONDS: "0" })).toMatchObject({ giveUpAfterMs: 48 * 3_600_000, baseMs: 1_000 });
  });
});

describe("a call the Octokit class held back for a parked installation", () => {
  test("reads as GitHub's rate limit, asked again when the park lifts", async () => {
    const { RetryAt } = await import("../../src/queue/work-queue.js");
    const { explainGitHubError } = await import("../../src/github/errors.js");
    const parked = new RetryAt(NOW + 90_000, "GitHub rate limit");
    for (const err of [parked, new AggregateError([parked], "wrapped")]) {
      const e = explainGitHubError(err, NOW);
      expect(e.kind).toEqual({ kind: "retry", why: "rate-limit", retryAfterMs: 90_000 });
      expect(e.message).toBe("GitHub's rate limit was hit");
    }
  });
});
