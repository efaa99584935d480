import { apiRun, buttonEvent, commentEvent, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, setupNock } from "../helpers/probot.js";

setupNock();

describe("dry-run: decide and report as usual, never call a re-run endpoint", () => {
  test("auto.dry-run: the check run says what would be re-run; no re-run call", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  dry-run: true\n");
    // The reads just before a re-run are part of the decision, so a dry run makes them too.
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await h.probot.receive({ id: "d", name: "workflow_run", payload: workflowRunEvent() } as never);
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      "GET /repos/o/r/actions/runs/42",
      "GET /repos/o/r/pulls/5",
      "POST /repos/o/r/check-runs",
    ]);
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string; summary: string } };
    expect(check.output.title).toBe("Dry run: would re-run failed jobs (attempt 2 of 3)");
    expect(check.output.summary).toMatch(/^Dry run: would have re-run the failed jobs of/);
  });

  test("auto.dry-run still refuses what it would refuse", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  dry-run: true\n");
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await h.probot.receive({ id: "d", name: "workflow_run", payload: workflowRunEvent({ run_attempt: 3 }) } as never);
    expect((h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string } }).output.title).toBe("Not re-run: max attempts");
  });

  test("commands.dry-run: the reply says what would be re-run; no re-run call", async () => {
    const h = await harness();
    config(h, "commands:\n  dry-run: true\n");
    expectCall(h, "POST", "/repos/o/r/issues/comments/900/reactions", 201, {});
    expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 200, { permission: "write", role_name: "write" });
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { head: { sha: "abc123" } });
    expectCall(h, "GET", "/repos/o/r/actions/runs?head_sha=abc123&per_page=100", 200, { total_count: 1, workflow_runs: [apiRun()] });
    expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
    await h.probot.receive({ id: "c", name: "issue_comment", payload: commentEvent("/rerun") } as never);
    expect(h.calls.some((c) => c.includes("rerun-failed-jobs"))).toBe(false);
    expect((h.bodies["POST /repos/o/r/issues/5/comments"][0] as { body: string }).body).toMatch(/^Dry run, would re-run:\n- the failed jobs of/);
  });

  test("commands.dry-run covers the button too", async () => {
    const h = await harness();
    config(h, "commands:\n  dry-run: true\n");
    expectCall(h, "GET", "/repos/o/r/collaborators/maint/permission", 200, { permission: "write", role_name: "write" });
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "PATCH", "/repos/o/r/check-runs/777", 200, {});
    await h.probot.receive({ id: "b", name: "check_run", payload: buttonEvent() } as never);
    expect(h.calls.some((c) => c.includes("rerun-failed-jobs"))).toBe(false);
    expect((h.bodies["PATCH /repos/o/r/check-runs/777"][0] as { output: { title: string } }).output.title).toMatch(/^Dry run/);
  });
});
