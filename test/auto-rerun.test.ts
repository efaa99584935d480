import { judgeJobs, judgeLogs, screenRun, needsJobList } from "../src/policy/auto-rerun.js";
import { auto, daysAgo, job, NOW, run } from "./helpers/facts.js";
import type { AutoConfig } from "../src/config/schema.js";

describe("screenRun: decided from the payload and config alone", () => {
  test.each([
    ["not opted in", run(), { enabled: false }, "ignore"],
    ["failure counts by default", run(), {}, "proceed"],
    ["timed_out counts by default", run({ conclusion: "timed_out" }), {}, "proceed"],
    ["cancelled does not count by default", run({ conclusion: "cancelled" }), {}, "ignore"],
    ["cancelled counts when configured", run({ conclusion: "cancelled" }), { conclusions: ["cancelled"] }, "proceed"],
    ["success never counts", run({ conclusion: "success" }), {}, "ignore"],
    ["workflow by name", run(), { workflows: ["CI"] }, "proceed"],
    ["workflow by path", run(), { workflows: [".github/workflows/ci.yml"] }, "proceed"],
    ["workflow by file name glob", run(), { workflows: ["ci.*"] }, "proceed"],
    ["workflow not listed", run(), { workflows: ["Deploy"] }, "ignore"],
    ["workflow ignored", run(), { "ignore-workflows": ["C?"] }, "ignore"],
    ["branch glob", run({ headBranch: "release/1.0" }), { branches: ["release/*"] }, "proceed"],
    ["branch not listed", run({ headBranch: "feature" }), { branches: ["main"] }, "ignore"],
    ["no branch (tag run) with a branch filter", run({ headBranch: null }), { branches: ["main"] }, "ignore"],
    ["attempt below max", run({ runAttempt: 2 }), { "max-attempts": 3 }, "proceed"],
    ["attempt at max", run({ runAttempt: 3 }), { "max-attempts": 3 }, "refuse"],
    ["29 days old", run({ createdAt: daysAgo(29) }), {}, "proceed"],
    ["30 days old", run({ createdAt: daysAgo(30) }), {}, "refuse"],
    ["unknown age", run({ createdAt: "garbage" }), {}, "refuse"],
    ["fork pull_request_target", run({ event: "pull_request_target", headRepo: "fork/r" }), {}, "refuse"],
    ["fork pull_request_target allowed", run({ event: "pull_request_target", headRepo: "fork/r" }), { "fork-privileged": true }, "proceed"],
    ["same-repo pull_request_target", run({ event: "pull_request_target" }), {}, "proceed"],
    ["fork pull_request (no secrets)", run({ headRepo: "fork/r" }), {}, "proceed"],
    ["GitHub's cap", run({ runAttempt: 50 }), { "max-attempts": 50 }, "refuse"],
    ["just below GitHub's cap", run({ runAttempt: 49 }), { "max-attempts": 50 }, "proceed"],
  ])("%s", (_name, r, over, expected) => {
    expect(screenRun(r, auto(over as Partial<AutoConfig>), NOW).kind).toBe(expected);
  });

  test("refusals say why", () => {
    const old = screenRun(run({ createdAt: daysAgo(31) }), auto(), NOW);
    expect(old).toMatchObject({ kind: "refuse", refusal: { reason: "too-old" } });
    expect(old.kind === "refuse" && old.refusal.message).toContain("31 days");
    const max = screenRun(run({ runAttempt: 3 }), auto(), NOW);
    expect(max.kind === "refuse" && max.refusal.message).toBe(
      "attempt 3 of 3 failed: no more automatic re-runs (auto.max-attempts)",
    );
  });

  test("the job list is asked for only when a rule needs it", () => {
    expect(needsJobList(auto())).toBe(false);
    for (const over of [
      { jobs: ["a"] },
      { "ignore-jobs": ["a"] },
      { steps: ["a"] },
      { "ignore-steps": ["a"] },
      { "max-failed-jobs": 2 },
      { "log-patterns": ["x"] },
    ]) {
      expect(needsJobList(auto(over))).toBe(true);
    }
    expect(screenRun(run(), auto({ jobs: ["x"] }), NOW)).toEqual({ kind: "proceed", needJobs: true });
    expect(screenRun(run(), auto(), NOW)).toEqual({ kind: "proceed", needJobs: false });
  });
});

describe("judgeJobs: every failed job must be eligible", () => {
  const ok = job({ id: 1, name: "build", conclusion: "success", failedStep: null });
  test.each([
    ["one failed job, no rules", [ok, job()], {}, "rerun"],
    ["nothing failed", [ok], {}, "refuse"],
    ["job allowed by glob", [job({ name: "test (ubuntu, 20)" })], { jobs: ["test (*)"] }, "rerun"],
    ["job not allowed", [job({ name: "lint" })], { jobs: ["test*"] }, "refuse"],
    ["job ignored", [job({ name: "lint" })], { "ignore-jobs": ["lint"] }, "refuse"],
    ["one of two failed jobs ignored", [job(), job({ id: 2, name: "lint" })], { "ignore-jobs": ["lint"] }, "refuse"],
    ["infra step allowed", [job({ failedStep: "Set up job" })], { steps: ["Set up job", "Install *"] }, "rerun"],
    ["glob infra step", [job({ failedStep: "Install deps" })], { steps: ["Install *"] }, "rerun"],
    ["test step not in steps", [job({ failedStep: "Run tests" })], { steps: ["Install *"] }, "refuse"],
    ["unknown step with steps rule", [job({ failedStep: null })], { steps: ["Install *"] }, "refuse"],
    ["ignored step", [job({ failedStep: "Run unit tests" })], { "ignore-steps": ["*test*"] }, "refuse"],
    ["unknown step with ignore-steps", [job({ failedStep: null })], { "ignore-steps": ["*test*"] }, "rerun"],
    ["timed_out job counts as failed", [job({ conclusion: "timed_out" })], { jobs: ["nope"] }, "refuse"],
    ["cancelled sibling is not judged", [job(), job({ id: 3, name: "lint", conclusion: "cancelled" })], { jobs: ["test"] }, "rerun"],
    ["failed jobs at max", [job(), job({ id: 2 })], { "max-failed-jobs": 2 }, "rerun"],
    ["failed jobs above max", [job(), job({ id: 2 }), job({ id: 3 })], { "max-failed-jobs": 2 }, "refuse"],
    ["patterns set", [job()], { "log-patterns": ["ETIMEDOUT"] }, "check-logs"],
    ["patterns set but job ineligible", [job({ name: "lint" })], { "log-patterns": ["x"], "ignore-jobs": ["lint"] }, "refuse"],
  ])("%s", (_name, jobs, over, expected) => {
    expect(judgeJobs(jobs, auto(over as Partial<AutoConfig>)).kind).toBe(expected);
  });

  test("the refusal names the job and the step", () => {
    const v = judgeJobs([job({ name: "unit", failedStep: "Run tests" })], auto({ steps: ["Install *"] }));
    expect(v.kind === "refuse" && v.refusal.message).toBe('job "unit" failed in step "Run tests", which is not in auto.steps');
  });
});

describe("judgeLogs", () => {
  const a = job({ id: 1, name: "a" });
  const b = job({ id: 2, name: "b" });
  test("every failed job's log must match", () => {
    expect(judgeLogs([a, b], new Map([[1, "x"], [2, "y"]])).kind).toBe("rerun");
    const miss = judgeLogs([a, b], new Map([[1, "x"], [2, null]]));
    expect(miss).toMatchObject({ kind: "refuse", refusal: { reason: "log-not-matched" } });
    expect(miss.kind === "refuse" && miss.refusal.message).toContain('"b"');
    // A log never read (reading stopped at the first miss) is not a match.
    expect(judgeLogs([a, b], new Map([[1, "x"]])).kind).toBe("refuse");
  });
});
