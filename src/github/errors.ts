/** Turns a failed GitHub call into words for the people reading the bot's reply or check run. */
export interface ExplainedError {
  status: number | null;
  /** True for GitHub's deliberate refusals (403/422): retrying would not help. */
  refused: boolean;
  message: string;
}

const KNOWN_REFUSALS: [RegExp, string][] = [
  [/over a month ago/i, "GitHub refuses: the run was created over a month ago"],
  [/already running/i, "GitHub refuses: the workflow is already running"],
  [/cannot be retried/i, "GitHub refuses: this workflow run cannot be retried"],
  [/only jobs from the current attempt/i, "GitHub refuses: only jobs of the run's latest attempt can be re-run"],
  [/resource not accessible by integration/i, "GitHub refuses: the app lacks the Actions: write permission here"],
];

export function explainGitHubError(err: unknown): ExplainedError {
  const e = err as { status?: unknown; message?: unknown; response?: { data?: { message?: unknown } } };
  const status = typeof e?.status === "number" ? e.status : null;
  const raw =
    (typeof e?.response?.data?.message === "string" && e.response.data.message) ||
    (typeof e?.message === "string" && e.message) ||
    "unknown error";
  for (const [pattern, message] of KNOWN_REFUSALS) {
    if (pattern.test(raw)) return { status, refused: true, message };
  }
  if (status === 403 && /rate limit/i.test(raw)) {
    return { status, refused: false, message: "GitHub's rate limit was hit; try again in a few minutes" };
  }
  if (status === 404) return { status, refused: true, message: "GitHub answered 404: the run or job no longer exists" };
  if (status !== null && status >= 500) {
    return { status, refused: false, message: `GitHub had an error (HTTP ${status}); try again later` };
  }
  if (status === 403 || status === 422) {
    return { status, refused: true, message: `GitHub refused (HTTP ${status}): ${raw.slice(0, 200)}` };
  }
  return { status, refused: false, message: `the call to GitHub failed${status ? ` (HTTP ${status})` : ""}: ${raw.slice(0, 200)}` };
}
