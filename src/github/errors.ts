/**
 * A failed GitHub call, read once: its answer (status, GitHub's message, headers) goes to the one
 * classification in policy/github-answer.ts, and the words people read are made from that kind.
 */
import { classifyAnswer, type AnswerKind, type GitHubAnswer, type RefusedWhy } from "../policy/github-answer.js";
import { retryAtOf } from "../queue/work-queue.js";

export interface ExplainedError {
  status: number | null;
  kind: AnswerKind;
  /** True for GitHub's deliberate answers (refusals, "already running"): asking again would not help. */
  refused: boolean;
  message: string;
}

/**
 * The answer inside an Octokit error (or a network error, which has none). A call the app's Octokit
 * class held back because GitHub parked the installation (RetryAt, github/octokit.ts) reads as the
 * rate limit it is: asked again when the park lifts, never sent early.
 */
export function readAnswer(err: unknown, nowMs = Date.now()): GitHubAnswer {
  const parked = retryAtOf(err);
  if (parked) return { status: 429, message: parked.message, headers: { "retry-after": String(Math.max(Math.ceil((parked.at - nowMs) / 1000), 0)) } };
  const e = err as { status?: unknown; message?: unknown; response?: { data?: { message?: unknown }; headers?: Record<string, unknown> } };
  const status = typeof e?.status === "number" && e.status > 0 ? e.status : null;
  const message =
    (typeof e?.response?.data?.message === "string" && e.response.data.message) ||
    (typeof e?.message === "string" && e.message) ||
    "unknown error";
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(e?.response?.headers ?? {})) headers[k.toLowerCase()] = v === undefined || v === null ? undefined : String(v);
  return { status, message, headers };
}

const REFUSED_WORDS: Record<RefusedWhy, string> = {
  "too-old": "GitHub refuses: the run was created over a month ago",
  "cannot-retry": "GitHub refuses: this workflow run cannot be retried",
  "not-current-attempt": "GitHub refuses: only jobs of the run's latest attempt can be re-run",
  "no-permission": "GitHub refuses: the app lacks the Actions: write permission here",
  gone: "GitHub answered 404: the run or job no longer exists",
  other: "",
};

/** The words for an answer of a given kind. */
export function describeAnswer(a: GitHubAnswer, kind: AnswerKind): string {
  switch (kind.kind) {
    case "done":
      return "GitHub accepted it";
    case "already-running":
      return "GitHub refuses: the workflow is already running";
    case "refused":
      return REFUSED_WORDS[kind.why] || `GitHub refused (HTTP ${a.status ?? "?"}): ${a.message.slice(0, 200)}`;
    case "retry":
      if (kind.why === "rate-limit") return "GitHub's rate limit was hit";
      if (kind.why === "network") return `the call to GitHub failed: ${a.message.slice(0, 200)}`;
      return `GitHub had an error (HTTP ${a.status})`;
  }
}

export function explainGitHubError(err: unknown, nowMs = Date.now()): ExplainedError {
  const answer = readAnswer(err, nowMs);
  const kind = classifyAnswer(answer, nowMs);
  return { status: answer.status, kind, refused: kind.kind !== "retry", message: describeAnswer(answer, kind) };
}
