import type { JobFacts, RunFacts } from "../../src/domain/facts.js";
import { validateConfig } from "../../src/config/validate.js";
import type { AutoConfig } from "../../src/config/schema.js";

export const NOW = new Date("2026-11-23T12:00:00Z");
export const daysAgo = (days: number, from = NOW) => new Date(from.getTime() - days * 86_400_000).toISOString();

export function run(over: Partial<RunFacts> = {}): RunFacts {
  return {
    id: 42,
    name: "CI",
    path: ".github/workflows/ci.yml",
    workflowId: 7,
    runNumber: 12,
    runAttempt: 1,
    status: "completed",
    conclusion: "failure",
    event: "pull_request",
    headBranch: "main",
    headSha: "abc123",
    createdAt: daysAgo(1),
    htmlUrl: "https://github.com/o/r/actions/runs/42",
    headRepo: "o/r",
    repo: "o/r",
    pullRequests: [5],
    ...over,
  };
}

/** A job; `failedStep` alone sets `failedSteps` to that one step (null: none failed). */
export function job(over: Partial<JobFacts> = {}): JobFacts {
  const failedStep = over.failedSteps ? (over.failedSteps[0] ?? null) : over.failedStep === undefined ? "Run tests" : over.failedStep;
  const failedSteps = over.failedSteps ?? (failedStep ? [failedStep] : []);
  return {
    id: 100,
    name: "test",
    status: "completed",
    conclusion: "failure",
    runAttempt: 1,
    stepCount: 5,
    runnerName: "GitHub Actions 2",
    htmlUrl: "https://github.com/o/r/actions/runs/42/job/100",
    startedAt: null,
    completedAt: null,
    ...over,
    failedStep,
    failedSteps,
  };
}

/** An enabled `auto` section with defaults filled in by the real validator (rules included). */
export function auto(over: Partial<Omit<AutoConfig, "rules">> & { rules?: Record<string, unknown>[] } = {}): AutoConfig {
  const v = validateConfig({ auto: { enabled: true, ...over } });
  if (!v.ok) throw new Error(`test config is invalid: ${v.errors.join("; ")}`);
  return v.config.auto;
}
