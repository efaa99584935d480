/**
 * The built-in `infrastructure` preset: failures that come from the machine, the network or GitHub,
 * never from the code under test. Each signature names where it is looked for (the job's facts,
 * its check-run annotations, its log tail) and where its wording comes from. The README's table is
 * this list; a test keeps every signature matching its own example.
 */
import { compilePatterns, findPattern, type CompiledPatterns } from "../util/re2.js";

export type EvidenceSource = "job" | "annotations" | "log";

export interface Signature {
  id: string;
  title: string;
  /** RE2, case-insensitive; for "job" signatures, the pattern is unused. */
  pattern: string;
  /** The texts it is looked for in. */
  in: Exclude<EvidenceSource, "job">[];
  /** A line that GitHub or a tool really writes, for the test and the README. */
  example: string;
  source: string;
}

/** Job-fact signatures: decided from the job list alone, before any annotation is read. */
export const JOB_SIGNATURES = [
  {
    id: "no-failed-step",
    title: "the job failed with no failed step (the runner was lost or never started)",
    source: "jobs API: a lost runner leaves every step successful, skipped or pending",
  },
  {
    id: "no-runner",
    title: "no runner ever reported the job",
    source: "jobs API: `runner_name` is empty",
  },
] as const;

export const TEXT_SIGNATURES: Signature[] = [
  {
    id: "runner-lost",
    title: "the runner lost communication with GitHub",
    pattern: "runner(: .*)? lost communication with the server",
    in: ["annotations", "log"],
    example: "The hosted runner: GitHub Actions 9 lost communication with the server. Anything in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks its network access can cause this error.",
    source: "GitHub's annotation on jobs whose runner disappeared (actions/runner#2624, runner-images#9823)",
  },
  {
    id: "runner-shutdown",
    title: "the runner received a shutdown signal",
    pattern: "runner has received a shutdown signal",
    in: ["annotations", "log"],
    example: "The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.",
    source: "GitHub's annotation when a runner's host is stopped (spot reclaim, autoscaler drain)",
  },
  {
    id: "runner-deprovisioned",
    title: "the runner was deprovisioned",
    pattern: "deprovision",
    in: ["annotations", "log"],
    example: "The runner was deprovisioned before the job completed.",
    source: "hosted and scale-set runners removed mid-job; the wording varies, so only the word is matched",
  },
  {
    id: "actions-unavailable",
    title: "GitHub Actions was unavailable",
    pattern: "GitHub Actions (is|has been) temporarily unavailable|GitHub Actions has encountered an internal error",
    in: ["annotations", "log"],
    example: "GitHub Actions is temporarily unavailable. Please try again later.",
    source: "GitHub's annotation during Actions incidents",
  },
  {
    id: "internal-error",
    title: "GitHub answered an internal server error",
    pattern: "internal server error.{0,40}correlation ?id",
    in: ["annotations", "log"],
    example: "Error: Internal server error. Correlation ID: 1f2e3d4c-0000-4a4a-9b9b-123456789abc",
    source: "GitHub's error text for failed service calls (artifact, cache and checkout steps)",
  },
  {
    id: "action-download",
    title: "an action could not be downloaded (GitHub 5xx or 429)",
    pattern: "(failed to download action|download action repository).{0,300}(\\b5\\d\\d\\b|\\b429\\b|internal server error|service unavailable|bad gateway|too many requests)",
    in: ["annotations", "log"],
    example: "Failed to download action 'https://api.github.com/repos/actions/checkout/tarball/v4'. Error: Response status code does not indicate success: 503 (Service Unavailable).",
    source: "the runner's 'Set up job' output when the tarball download fails",
  },
  {
    id: "git-5xx",
    title: "git transport failed with a server error",
    pattern: "(the requested url returned error: ?|rpc failed; http ?)5\\d\\d|remote: internal server error",
    in: ["annotations", "log"],
    example: "fatal: unable to access 'https://github.com/o/r/': The requested URL returned error: 502",
    source: "git's own error text for HTTP 5xx from the remote",
  },
];

/**
 * Never infrastructure, whatever else matched: concurrency and user cancellations, missing actions,
 * and a full disk (a workflow's own doing: re-running it fails the same way).
 */
export const EXCLUSIONS: Signature[] = [
  {
    id: "concurrency-cancelled",
    title: "cancelled by a newer run in the same concurrency group",
    pattern: "canceling since a higher priority waiting request",
    in: ["annotations", "log"],
    example: "Canceling since a higher priority waiting request for 'ci-refs/heads/main' exists",
    source: "GitHub's annotation for `concurrency: cancel-in-progress`",
  },
  {
    id: "user-cancelled",
    title: "cancelled by a person",
    pattern: "^the operation was canceled\\.?$",
    in: ["annotations"],
    example: "The operation was canceled.",
    source: "GitHub's annotation on jobs cancelled from the UI or API",
  },
  {
    id: "unresolvable-action",
    title: "an action does not exist",
    pattern: "unable to resolve action",
    in: ["annotations", "log"],
    example: "Unable to resolve action `actions/chekout@v4`, repository not found",
    source: "the runner's 'Set up job' output for a misspelt action",
  },
  {
    id: "disk-full",
    title: "the disk was full",
    pattern: "no space left on device",
    in: ["annotations", "log"],
    example: "ENOSPC: no space left on device, write",
    source: "the kernel's ENOSPC text",
  },
  {
    id: "timeout",
    title: "the job exceeded its time limit",
    pattern: "exceeded the maximum execution time",
    in: ["annotations", "log"],
    example: "The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.",
    source: "GitHub's annotation for `timeout-minutes`",
  },
];

type Compiled = { sig: Signature; re: CompiledPatterns };
const compile = (list: Signature[]): Compiled[] => list.map((sig) => ({ sig, re: compilePatterns([`(?im)${sig.pattern}`]) }));
/** Compiled once: the patterns are ours, not a config's. */
const SIGNATURES = compile(TEXT_SIGNATURES);
const EXCLUDED = compile(EXCLUSIONS);

/** The first exclusion, then the first signature, found in one piece of evidence. */
export function matchPresetText(text: string, where: Exclude<EvidenceSource, "job">): { excluded: Signature } | { matched: Signature } | null {
  for (const { sig, re } of EXCLUDED) if (sig.in.includes(where) && findPattern(re, text)) return { excluded: sig };
  for (const { sig, re } of SIGNATURES) if (sig.in.includes(where) && findPattern(re, text)) return { matched: sig };
  return null;
}
