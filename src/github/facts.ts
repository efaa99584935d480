/**
 * The few facts the decisions need, taken from GitHub's payloads and API answers. The policy code
 * sees only these plain shapes, so it is tested without HTTP and without GitHub's huge types.
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
  /** The first step that failed, if GitHub reported one. */
  failedStep: string | null;
  htmlUrl: string | null;
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

export function runFacts(run: Loose, repoFullName?: string): RunFacts {
  return {
    id: num(run.id),
    name: str(run.name),
    path: str(run.path),
    workflowId: num(run.workflow_id),
    runNumber: num(run.run_number),
    runAttempt: num(run.run_attempt, 1),
    status: typeof run.status === "string" ? run.status : null,
    conclusion: typeof run.conclusion === "string" ? run.conclusion : null,
    event: str(run.event),
    headBranch: typeof run.head_branch === "string" ? run.head_branch : null,
    headSha: str(run.head_sha),
    createdAt: str(run.created_at),
    htmlUrl: str(run.html_url),
    headRepo: typeof run.head_repository?.full_name === "string" ? run.head_repository.full_name : null,
    repo: str(run.repository?.full_name, repoFullName ?? ""),
    pullRequests: Array.isArray(run.pull_requests)
      ? run.pull_requests.map((pr: Loose) => num(pr?.number)).filter((n: number) => n > 0)
      : [],
  };
}

const FAILED = new Set(["failure", "timed_out"]);

export function isFailedJob(job: Pick<JobFacts, "conclusion">): boolean {
  return job.conclusion !== null && FAILED.has(job.conclusion);
}

export function jobFacts(job: Loose): JobFacts {
  const steps: Loose[] = Array.isArray(job.steps) ? job.steps : [];
  const failed = steps.find((s) => s && FAILED.has(s.conclusion));
  return {
    id: num(job.id),
    name: str(job.name),
    status: str(job.status),
    conclusion: typeof job.conclusion === "string" ? job.conclusion : null,
    runAttempt: typeof job.run_attempt === "number" ? job.run_attempt : null,
    failedStep: failed && typeof failed.name === "string" ? failed.name : null,
    htmlUrl: typeof job.html_url === "string" ? job.html_url : null,
  };
}
