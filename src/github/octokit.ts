import { ProbotOctokit } from "probot";
import type { Octokit } from "@octokit/core";
import { ConditionalCache, conditionalContents } from "./conditional.js";
import { reportGitHubCall } from "../metrics.js";

type Options = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;
type RetryInfo = { request: { retryCount: number }; method: string; url: string };

/** Seconds the bot waits at most for GitHub's secondary rate limit before giving up on a call. */
export const MAX_SECONDARY_WAIT_S = 60;

/** ETags of config files, shared by every installation's Octokit in this process. */
export const contentsCache = new ConditionalCache();

/**
 * Probot's Octokit, plus conditional GETs of config files (a 304 costs no rate limit), and a
 * secondary rate limit waited out once (GitHub's retry-after, when short) instead of failing the
 * call. Probot sets `throttle` wholesale after `.defaults()`, so that is applied in the
 * constructor, on top of whatever Probot passed.
 */
/** Counts every call by route template (bounded labels) and status, for GET /metrics. */
function countCalls(octokit: Octokit) {
  octokit.hook.after("request", (response, options) => reportGitHubCall(options.method, options.url, response.status));
  octokit.hook.error("request", (error, options) => {
    const status = (error as { status?: unknown }).status;
    reportGitHubCall(options.method, options.url, typeof status === "number" ? status : "error");
    throw error;
  });
  return {};
}

export class RerunOctokit extends ProbotOctokit.plugin(conditionalContents(contentsCache), countCalls) {
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
