import { latestRuns, planCommand } from "../../src/policy/command-plan.js";
import { effectiveRole, mayUse } from "../../src/policy/permission.js";
import { daysAgo, job, NOW, run } from "../helpers/facts.js";

const ci = run({ id: 10, workflowId: 1, name: "CI", path: ".github/workflows/ci.yml", conclusion: "failure" });
const lint = run({ id: 20, workflowId: 2, name: "Lint", path: ".github/workflows/lint.yml", conclusion: "success" });

describe("latestRuns", () => {
  test("keeps the newest run of each workflow", () => {
    const older = run({ id: 9, workflowId: 1, conclusion: "failure" });
    const newer = run({ id: 11, workflowId: 1, conclusion: "success" });
    expect(latestRuns([older, newer, lint]).map((r) => r.id)).toEqual([11, 20]);
  });
});

describe("planCommand /rerun", () => {
  test("re-runs the failed jobs of each failed latest run", () => {
    const plan = planCommand({ kind: "rerun-failed", debug: false }, [ci, lint], NOW);
    expect(plan.actions).toEqual([{ kind: "rerun-failed", run: ci, debug: false }]);
    expect(plan.notes).toEqual(["Lint #12: passed"]);
    expect(plan.refused).toBe(0);
  });

  test("a failed run superseded by a newer passing run of the same workflow is left alone", () => {
    const newer = run({ id: 11, workflowId: 1, conclusion: "success" });
    const plan = planCommand({ kind: "rerun-failed", debug: false }, [ci, newer], NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.notes[0]).toMatch(/nothing failed/);
  });

  test.each([
    ["too old", run({ createdAt: daysAgo(30) }), /created 30 days ago/],
    ["at GitHub's cap", run({ runAttempt: 50 }), /at most 50 re-runs/],
  ])("refuses a run %s with a reason", (_name, r, reason) => {
    const plan = planCommand({ kind: "rerun-failed", debug: true }, [r], NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.notes.join()).toMatch(reason);
  });

  test("nothing failed, some still running", () => {
    const running = run({ status: "in_progress", conclusion: null });
    expect(planCommand({ kind: "rerun-failed", debug: false }, [running, lint], NOW).notes).toEqual([
      "nothing failed; 1 workflow run(s) of this commit are still in progress",
      "CI #12: still in progress",
      "Lint #12: passed",
    ]);
  });

  test("no runs at all", () => {
    expect(planCommand({ kind: "rerun-failed", debug: false }, [], NOW).notes).toEqual([
      "no workflow run exists for the pull request's head commit",
    ]);
  });

  test.each([
    ["startup_failure", run({ id: 30, workflowId: 3, name: "Deploy", conclusion: "startup_failure" }), "Deploy #12: GitHub cannot re-run a run that failed to start (startup_failure); fix the workflow file and push", 1],
    ["awaiting approval", run({ id: 31, workflowId: 4, name: "Fork CI", conclusion: "action_required" }), "Fork CI #12: waiting for a maintainer to approve running workflows for this fork", 1],
    ["skipped", run({ id: 32, workflowId: 5, name: "Docs", conclusion: "skipped" }), "Docs #12: nothing to re-run (conclusion: skipped)", 0],
  ])("every run of the commit is accounted for: %s", (_name, other, note, refused) => {
    const plan = planCommand({ kind: "rerun-failed", debug: false }, [ci, other], NOW);
    expect(plan.actions).toHaveLength(1);
    expect(plan.notes).toContain(note);
    expect(plan.refused).toBe(refused);
  });

  test("cancelled and timed out runs count as failed for a command", () => {
    const cancelled = run({ conclusion: "cancelled" });
    expect(planCommand({ kind: "rerun-failed", debug: false }, [cancelled], NOW).actions).toHaveLength(1);
  });
});

describe("planCommand /rerun workflow:", () => {
  test.each(["CI", "ci", "ci.yml", ".github/workflows/ci.yml"])("finds the workflow by %j", (name) => {
    expect(planCommand({ kind: "rerun-workflow", name, debug: false }, [ci, lint], NOW).actions).toHaveLength(1);
  });

  test("unknown workflow lists the ones that ran", () => {
    const plan = planCommand({ kind: "rerun-workflow", name: "Deploy", debug: false }, [ci, lint], NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.notes).toEqual(['no workflow named "Deploy" ran on this commit; workflows: "CI", "Lint"']);
  });

  test("a passing or running workflow is explained", () => {
    expect(planCommand({ kind: "rerun-workflow", name: "Lint", debug: false }, [ci, lint], NOW).notes).toEqual([
      "Lint #12: nothing failed (conclusion: success)",
    ]);
    const running = run({ name: "CI", status: "queued", conclusion: null });
    expect(planCommand({ kind: "rerun-workflow", name: "CI", debug: false }, [running], NOW).notes[0]).toMatch(
      /still in progress/,
    );
  });
});

describe("planCommand /rerun job:", () => {
  const jobs = new Map([
    [ci.id, [job({ id: 1, name: "test (ubuntu, 20)" }), job({ id: 2, name: "build", conclusion: "success" })]],
    [lint.id, [job({ id: 3, name: "eslint", conclusion: "success" })]],
  ]);

  test("re-runs the named job, even one that passed", () => {
    expect(planCommand({ kind: "rerun-job", name: "build", debug: false }, [ci, lint], NOW, jobs).actions).toEqual([
      { kind: "rerun-job", run: ci, job: jobs.get(ci.id)![1], debug: false },
    ]);
  });

  test("matrix names match whole; case-insensitive only when nothing matches exactly", () => {
    expect(planCommand({ kind: "rerun-job", name: "test (ubuntu, 20)", debug: false }, [ci, lint], NOW, jobs).actions).toHaveLength(1);
    expect(planCommand({ kind: "rerun-job", name: "TEST (UBUNTU, 20)", debug: false }, [ci, lint], NOW, jobs).actions).toHaveLength(1);
    expect(planCommand({ kind: "rerun-job", name: "test", debug: false }, [ci, lint], NOW, jobs).actions).toHaveLength(0);
  });

  test("an unknown job lists existing names, failed first, at most five", () => {
    const many = new Map([[ci.id, Array.from({ length: 8 }, (_, i) => job({ id: i, name: `j${i}`, conclusion: i === 6 ? "failure" : "success" }))]]);
    const plan = planCommand({ kind: "rerun-job", name: "nope", debug: false }, [ci], NOW, many);
    expect(plan.notes).toEqual([
      'no job named "nope" in the latest runs of this commit; jobs: "j6", "j0", "j1", "j2", "j3" and 3 more',
    ]);
  });

  test("a job of a run still in progress is refused before calling GitHub", () => {
    const running = run({ id: 30, status: "in_progress", conclusion: null });
    const plan = planCommand({ kind: "rerun-job", name: "x", debug: false }, [running], NOW, new Map([[30, [job({ name: "x" })]]]));
    expect(plan.actions).toEqual([]);
    expect(plan.notes[0]).toMatch(/^job "x" of CI #12: the run is still in progress/);
  });
});

describe("permission", () => {
  test.each([
    [{ permission: "admin", roleName: "admin" }, "write", true],
    [{ permission: "write", roleName: "maintain" }, "write", true],
    [{ permission: "write", roleName: "write" }, "write", true],
    [{ permission: "read", roleName: "triage" }, "write", false],
    [{ permission: "read", roleName: "triage" }, "triage", true],
    [{ permission: "read", roleName: "read" }, "write", false],
    [{ permission: "none", roleName: null }, "read", false],
    [null, "read", false],
    [{ permission: "write", roleName: "maintain" }, "admin", false],
    [{ permission: "write", roleName: "maintain" }, "maintain", true],
    // custom roles are judged by the base permission GitHub reports, never above it
    [{ permission: "write", roleName: "release-manager" }, "write", true],
    [{ permission: "write", roleName: "release-manager" }, "maintain", false],
    [{ permission: "read", roleName: "ci-watcher" }, "write", false],
  ] as const)("%j with %s needed -> %s", (perm, needed, expected) => {
    expect(mayUse(perm, needed)).toBe(expected);
  });

  test("effective role", () => {
    expect(effectiveRole({ permission: "write", roleName: "custom" })).toBe("write");
    expect(effectiveRole(null)).toBeNull();
  });
});
