import { judgeRun, screenRun } from "../../src/policy/auto-rerun.js";
import { rulesNeedJobs, rulesOf } from "../../src/policy/rules.js";
import { auto, daysAgo, job, NOW, run } from "../helpers/facts.js";

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
    ["branch pattern", run({ headBranch: "release/1.0" }), { branches: ["release/*"] }, "proceed"],
    ["branch * stops at /", run({ headBranch: "release/1.0/hotfix" }), { branches: ["release/*"] }, "ignore"],
    ["branch ** crosses /", run({ headBranch: "release/1.0/hotfix" }), { branches: ["release/**"] }, "proceed"],
    ["branch negated", run({ headBranch: "release/beta" }), { branches: ["release/**", "!release/beta"] }, "ignore"],
    ["branch not listed", run({ headBranch: "feature" }), { branches: ["main"] }, "ignore"],
    ["no branch (tag run) with a branch filter", run({ headBranch: null }), { branches: ["main"] }, "ignore"],
    ["event listed", run({ event: "push" }), { events: ["push"] }, "proceed"],
    ["event not listed", run({ event: "schedule" }), { events: ["push", "pull_request"] }, "ignore"],
    ["event ignored", run({ event: "schedule" }), { "ignore-events": ["schedule"] }, "ignore"],
    ["merge_group refused by default, with a reason", run({ event: "merge_group" }), {}, "refuse"],
    ["merge_group when listed", run({ event: "merge_group" }), { events: ["merge_group"] }, "proceed"],
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
    ["rules: none applies to the branch", run({ headBranch: "dev" }), { rules: [{ branches: ["main"] }] }, "ignore"],
    ["rules: the highest limit screens", run({ runAttempt: 3 }), { rules: [{ "max-attempts": 2 }, { "max-attempts": 5 }] }, "proceed"],
  ])("%s", (_name, r, over, expected) => {
    expect(screenRun(r, auto(over as Parameters<typeof auto>[0]), NOW).kind).toBe(expected);
  });

  test("refusals say why", () => {
    const old = screenRun(run({ createdAt: daysAgo(31) }), auto(), NOW);
    expect(old).toMatchObject({ kind: "refuse", refusal: { reason: "too-old" } });
    expect(old.kind === "refuse" && old.refusal.message).toContain("31 days");
    const max = screenRun(run({ runAttempt: 3 }), auto(), NOW);
    expect(max.kind === "refuse" && max.refusal.message).toBe("attempt 3 of 3 failed: no more automatic re-runs (auto.max-attempts)");
    const mq = screenRun(run({ event: "merge_group" }), auto(), NOW);
    expect(mq).toMatchObject({ kind: "refuse", refusal: { reason: "merge-queue" } });
    expect(mq.kind === "refuse" && mq.refusal.message).toContain("does not put it back");
  });

  test("the job list is asked for only when a rule needs it", () => {
    const needs = (over: Parameters<typeof auto>[0]) => rulesNeedJobs(rulesOf(auto(over)), auto(over));
    expect(needs({})).toBe(false);
    for (const over of [
      { jobs: ["a"] },
      { "ignore-jobs": ["a"] },
      { steps: ["a"] },
      { "ignore-steps": ["a"] },
      { "max-failed-jobs": 2 },
      { "log-patterns": ["x"] },
      { annotations: ["x"] },
      { "exit-codes": [137] },
      { preset: "infrastructure" as const },
    ]) {
      expect(needs(over)).toBe(true);
    }
    expect(screenRun(run(), auto({ jobs: ["x"] }), NOW)).toMatchObject({ kind: "proceed", needJobs: true });
    expect(screenRun(run(), auto(), NOW)).toMatchObject({ kind: "proceed", needJobs: false });
  });
});

describe("judgeRun: today's flat keys as one implicit rule", () => {
  const ok = job({ id: 1, name: "build", conclusion: "success", failedStep: null });
  const judge = (jobs: ReturnType<typeof job>[], over: Parameters<typeof auto>[0], attempt = 1) => {
    const a = auto(over);
    return judgeRun(run({ runAttempt: attempt }), jobs, rulesOf(a), a, new Map()).kind;
  };
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
    ["every failed step is judged, not only the first", [job({ failedSteps: ["Install deps", "Run tests"] })], { steps: ["Install *"] }, "refuse"],
    ["every failed step judged by ignore-steps", [job({ failedSteps: ["Install deps", "Run unit tests"] })], { "ignore-steps": ["*test*"] }, "refuse"],
    ["no failed step is infrastructure, not 'matches no step'", [job({ failedStep: null })], { steps: ["Install *"] }, "rerun"],
    ["ignored step", [job({ failedStep: "Run unit tests" })], { "ignore-steps": ["*test*"] }, "refuse"],
    ["no failed step with ignore-steps", [job({ failedStep: null })], { "ignore-steps": ["*test*"] }, "rerun"],
    ["timed_out job counts as failed", [job({ conclusion: "timed_out" })], { jobs: ["nope"] }, "refuse"],
    ["cancelled sibling is not judged", [job(), job({ id: 3, name: "lint", conclusion: "cancelled" })], { jobs: ["test"] }, "rerun"],
    ["cancelled siblings do not count toward max-failed-jobs", [job(), job({ id: 2, conclusion: "cancelled" }), job({ id: 3, conclusion: "cancelled" })], { "max-failed-jobs": 1 }, "rerun"],
    ["failed jobs at max", [job(), job({ id: 2 })], { "max-failed-jobs": 2 }, "rerun"],
    ["failed jobs above max", [job(), job({ id: 2 }), job({ id: 3 })], { "max-failed-jobs": 2 }, "refuse"],
    ["patterns set: the log is asked for", [job()], { "log-patterns": ["ETIMEDOUT"] }, "need"],
    ["patterns set but job ineligible: no log read", [job({ name: "lint" })], { "log-patterns": ["x"], "ignore-jobs": ["lint"] }, "refuse"],
  ])("%s", (_name, jobs, over, expected) => {
    expect(judge(jobs, over as Parameters<typeof auto>[0])).toBe(expected);
  });

  test("the refusal names the job and the step", () => {
    const a = auto({ steps: ["Install *"] });
    const v = judgeRun(run(), [job({ name: "unit", failedStep: "Run tests" })], rulesOf(a), a, new Map());
    expect(v.kind === "refuse" && v.refusal).toEqual({
      reason: "real-failure",
      message: 'job "unit" is not proven a flake: failed step "Run tests" is not in steps',
    });
  });
});
