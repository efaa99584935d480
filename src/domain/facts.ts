/**
 * The few facts the decisions read, in plain shapes: the policy sees these, never GitHub's huge
 * payload types, so it is tested without HTTP. `github/payload.ts` builds them from GitHub's answers.
 */
export interface RunFacts {
  id: number;
  name: string;
  path: string;
  workflowId: number;
  runNumber: number;
  runAttempt: number;
  status: string | null;
  conclusion: string | null;
  /** What triggered the run: push, pull_request, merge_group, schedule, ... */
  event: string;
  headBranch: string | null;
  headSha: string;
  createdAt: string;
  htmlUrl: string;
  /** owner/name of the repo the head commit came from; differs from `repo` for forks. */
  headRepo: string | null;
  repo: string;
  pullRequests: number[];
}

export interface JobFacts {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  runAttempt: number | null;
  /** Every step that failed, in order (GitHub may report none when the runner was lost). */
  failedSteps: string[];
  /** The first of `failedSteps`, or null. */
  failedStep: string | null;
  /** How many steps GitHub reported at all. */
  stepCount: number;
  /** Empty when no runner ever picked the job up (or the runner was lost before it reported). */
  runnerName: string | null;
  htmlUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** A collaborator's permission as GitHub reports it; null stands for "not a collaborator". */
export interface Permission {
  permission: string;
  roleName: string | null;
}

export const ROLES = ["read", "triage", "write", "maintain", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** A check-run annotation of a failed job: GitHub's own verdict is written there. */
export interface Annotation {
  level: string;
  message: string;
  title: string | null;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The names a workflow answers to in configs and commands: its name, its file path, its file name. */
export function workflowNames(run: Pick<RunFacts, "name" | "path">): string[] {
  return [run.name, run.path, basename(run.path)].filter((n) => n !== "");
}
