import { mdCode, mdLink, mdText } from "../../src/util/markdown.js";
import { findFlaky } from "../../src/policy/flaky.js";
import { renderCheckRun } from "../../src/report/check-run.js";
import { renderPermissionRefusal, renderReply } from "../../src/report/reply.js";
import { job, run } from "../helpers/facts.js";

describe("escaping what the bot echoes", () => {
  test("mentions of people and teams are broken", () => {
    expect(mdText("@octocat and @org/team")).not.toMatch(/@[a-z]/);
    expect(mdCode("@org/team")).toBe("`@org/team`"); // code spans never notify
  });

  test("links and images cannot be injected", () => {
    const t = mdText("[click](https://evil.example) ![x](http://x) <a href=x>");
    expect(t).not.toMatch(/(^|[^\\])\]\(/); // "\\]" ends no link text
    expect(t).not.toMatch(/(^|[^\\])<a/); // "\<" renders as a literal "<"
    expect(t).not.toContain("https://evil");
  });

  test("code spans cannot be broken out of", () => {
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("``x``")).toBe("``` ``x`` ```");
    expect(mdCode("line\nbreak")).toBe("`line break`");
  });

  test("length is capped", () => {
    expect(Array.from(mdText("x".repeat(10_000))).length).toBeLessThanOrEqual(300);
    expect(mdCode("y".repeat(1000)).length).toBeLessThanOrEqual(102);
  });

  test("links only to http(s) URLs without markdown-breaking characters", () => {
    expect(mdLink("CI #1", "https://github.com/o/r/actions/runs/1")).toBe("[CI #1](https://github.com/o/r/actions/runs/1)");
    expect(mdLink("CI", "javascript:alert(1)")).toBe("CI");
    expect(mdLink("CI", "https://x.test/a) [b](c")).toBe("CI");
  });
});

describe("findFlaky", () => {
  test("a job that failed on attempt 1 and passed on attempt 2", () => {
    const jobs = [
      job({ id: 1, name: "test", conclusion: "failure", runAttempt: 1 }),
      job({ id: 2, name: "build", conclusion: "success", runAttempt: 1 }),
      job({ id: 3, name: "test", conclusion: "success", runAttempt: 2 }),
    ];
    expect(findFlaky(jobs)).toEqual([{ name: "test", failedAttempts: [1], passedAttempt: 2 }]);
  });

  test("a run re-run twice, with matrix jobs told apart", () => {
    const jobs = [
      job({ name: "test (ubuntu, 20)", conclusion: "failure", runAttempt: 1 }),
      job({ name: "test (windows, 20)", conclusion: "failure", runAttempt: 1 }),
      job({ name: "test (ubuntu, 20)", conclusion: "timed_out", runAttempt: 2 }),
      job({ name: "test (windows, 20)", conclusion: "success", runAttempt: 2 }),
      job({ name: "test (ubuntu, 20)", conclusion: "success", runAttempt: 3 }),
    ];
    expect(findFlaky(jobs)).toEqual([
      { name: "test (ubuntu, 20)", failedAttempts: [1, 2], passedAttempt: 3 },
      { name: "test (windows, 20)", failedAttempts: [1], passedAttempt: 2 },
    ]);
  });

  test("still failing, cancelled, or never failed is not flaky", () => {
    expect(
      findFlaky([
        job({ name: "a", conclusion: "failure", runAttempt: 1 }),
        job({ name: "a", conclusion: "failure", runAttempt: 2 }),
        job({ name: "b", conclusion: "cancelled", runAttempt: 1 }),
        job({ name: "b", conclusion: "success", runAttempt: 2 }),
        job({ name: "c", conclusion: "success", runAttempt: 1 }),
      ]),
    ).toEqual([]);
  });
});

describe("check run rendering", () => {
  const r = run({ name: "CI" });
  test("a re-run says attempt N of M, why, and lists failed jobs", () => {
    const check = renderCheckRun(
      r,
      { kind: "rerun", trigger: "auto", attempt: 2, maxAttempts: 3, why: "no job rule is configured" },
      [job({ name: "test @org/team", failedStep: "Run tests" }), job({ id: 2, name: "ok", conclusion: "success" })],
    );
    expect(check.name).toBe("rerun-bot (CI)");
    expect(check.externalId).toBe("42");
    expect(check.output.title).toBe("Re-ran failed jobs: attempt 2 of 3 started");
    expect(check.output.summary).toContain("automatically (attempt 2 of 3)");
    expect(check.output.text).toContain("| Job | Conclusion | Failed steps | Outcome | Evidence |");
    expect(check.output.text).toContain("Run tests");
    expect(check.output.text).not.toContain("@org/team");
    expect(check.output.text).not.toContain("| ok |");
    expect(check.actions).toEqual([]);
  });

  test("refusals offer the button unless GitHub would refuse it", () => {
    const refused = (reason: "max-attempts" | "too-old" | "real-failure" | "in-progress" | "already-running" | "merge-queue") =>
      renderCheckRun(r, { kind: "refused", refusal: { reason, message: "m" } }, null).actions;
    expect(refused("max-attempts")).toEqual([
      { label: "Re-run failed jobs", description: "Re-run this run's failed jobs", identifier: "rerun-failed" },
    ]);
    expect(refused("real-failure")).toHaveLength(1);
    expect(refused("already-running")).toEqual([]);
    expect(refused("merge-queue")).toEqual([]);
    expect(refused("too-old")).toEqual([]);
    expect(refused("in-progress")).toEqual([]);
  });

  test("GitHub's limits on button texts hold", () => {
    const [action] = renderCheckRun(r, { kind: "config-invalid", errors: ["auto.x: unknown key"] }, null).actions;
    expect(action.label.length).toBeLessThanOrEqual(20);
    expect(action.identifier.length).toBeLessThanOrEqual(20);
    expect(action.description.length).toBeLessThanOrEqual(40);
  });

  test("flaky jobs are listed", () => {
    const check = renderCheckRun(r, { kind: "flaky", attempt: 2, flaky: [{ name: "test", failedAttempts: [1], passedAttempt: 2 }] }, null);
    expect(check.conclusion).toBe("success");
    expect(check.output.title).toBe("1 flaky job caught: passed on attempt 2");
    expect(check.output.summary).toContain("`test` failed on attempt 1 and passed on attempt 2");
  });
});

describe("replies", () => {
  test("what was re-run, with links, and what was not, escaped", () => {
    const r = run();
    const body = renderReply([
      {
        command: { kind: "rerun-job", name: "x", debug: true },
        plan: { actions: [], notes: ['no job named "@org/team [x](http://e)"'], refused: 1 },
        results: [{ ok: true, action: { kind: "rerun-job", run: r, job: job({ name: "e2e" }), debug: true } }],
      },
    ]);
    expect(body).toBe(
      "Re-running:\n- job `e2e` of [CI #12](https://github.com/o/r/actions/runs/42) with debug logging\nNot re-run:\n" +
        "- no job named \"@\u200borg/team \\[x\\](http:\u200b//e)\"",
    );
  });

  test("help is fenced so it never triggers a command", () => {
    expect(renderReply([{ command: { kind: "help" }, plan: { actions: [], notes: [], refused: 0 }, results: [] }])).toMatch(/^Usage:\n\n```\n\/rerun /);
  });

  test("permission refusal names the role needed", () => {
    expect(renderPermissionRefusal("octocat", "write", "read")).toBe(
      "`octocat` needs the write role or higher on this repository to use `/rerun`; GitHub reports the read role.",
    );
  });
});
