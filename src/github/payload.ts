/** Builds the domain's facts from GitHub's payloads and API answers, whatever fields are missing. */
import { isFailedStep } from "../domain/conclusions.js";
import type { Annotation, JobFacts, RunFacts } from "../domain/facts.js";

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);
const strOrNull = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

export function runFacts(run: Loose, repoFullName?: string): RunFacts {
  return {
    id: num(run.id),
    name: str(run.name),
    path: str(run.path),
    workflowId: num(run.workflow_id),
    runNumber: num(run.run_number),
    runAttempt: num(run.run_attempt, 1),
    status: strOrNull(run.status),
    conclusion: strOrNull(run.conclusion),
    event: str(run.event),
    headBranch: strOrNull(run.head_branch),
    headSha: str(run.head_sha),
    createdAt: str(run.created_at),
    htmlUrl: str(run.html_url),
    headRepo: strOrNull(run.head_repository?.full_name),
    repo: str(run.repository?.full_name, repoFullName ?? ""),
    pullRequests: Array.isArray(run.pull_requests)
      ? run.pull_requests.map((pr: Loose) => num(pr?.number)).filter((n: number) => n > 0)
      : [],
  };
}

export function jobFacts(job: Loose): JobFacts {
  const steps: Loose[] = Array.isArray(job.steps) ? job.steps.filter((s: unknown) => s && typeof s === "object") : [];
  const failedSteps = steps.filter((s) => isFailedStep({ conclusion: strOrNull(s.conclusion) }) && typeof s.name === "string").map((s) => s.name as string);
  const runner = strOrNull(job.runner_name);
  return {
    id: num(job.id),
    name: str(job.name),
    status: str(job.status),
    conclusion: strOrNull(job.conclusion),
    runAttempt: typeof job.run_attempt === "number" ? job.run_attempt : null,
    failedSteps,
    failedStep: failedSteps[0] ?? null,
    stepCount: steps.length,
    runnerName: runner === "" ? null : runner,
    htmlUrl: strOrNull(job.html_url),
    startedAt: strOrNull(job.started_at),
    completedAt: strOrNull(job.completed_at),
  };
}

export function annotationFacts(a: Loose): Annotation {
  return { level: str(a.annotation_level), message: str(a.message), title: strOrNull(a.title) };
}
