import type { JobFacts, RunFacts } from "../../src/github/facts.js";
import { defaultConfig } from "../../src/config/validate.js";
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

export function job(over: Partial<JobFacts> = {}): JobFacts {
  return {
    id: 100,
    name: "test",
    status: "completed",
    conclusion: "failure",
    runAttempt: 1,
    failedStep: "Run tests",
    htmlUrl: "https://github.com/o/r/actions/runs/42/job/100",
    ...over,
  };
}

export function auto(over: Partial<AutoConfig> = {}): AutoConfig {
  return { ...defaultConfig().auto, enabled: true, ...over };
}
