import { ProbotOctokit } from "probot";

type Options = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
type RetryInfo = { request: { retryCount: number }; method: string; url: string };

/** Seconds the bot waits at most for GitHub's secondary rate limit before giving up on a call. */
export const MAX_SECONDARY_WAIT_S = 60;

/**
 * Probot's Octokit, except that a secondary rate limit is waited out once (GitHub's retry-after,
 * when short) instead of failing the call. Probot sets `throttle` wholesale after `.defaults()`,
 * so this is applied in the constructor, on top of whatever Probot passed.
 */
export class RerunOctokit extends ProbotOctokit {
  constructor(options: Options = {}) {
    const throttle = (options as { throttle?: Record<string, unknown> }).throttle ?? {};
    super({
      ...options,
      throttle: {
        ...throttle,
        onSecondaryRateLimit: (retryAfter: number, info: RetryInfo) =>
          info.request.retryCount < 1 && retryAfter <= MAX_SECONDARY_WAIT_S,
      },
    } as Options);
  }
}
