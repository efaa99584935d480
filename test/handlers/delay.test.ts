/** Delayed re-runs (auto.delay, backoff): decided at once, made later, checked again when due. */
import { apiRun, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, memoryQueue, setupNock, type Harness } from "../helpers/probot.js";
import { rerunDelayMs, rulesOf } from "../../src/policy/rules.js";
import { auto } from "../helpers/facts.js";

setupNock();

describe("rerunDelayMs", () => {
  test.each([
    [{}, 1, 0],
    [{ delay: "30s" }, 1, 30_000],
    [{ delay: "2m", backoff: 2 }, 1, 120_000],
    [{ delay: "2m", backoff: 2 }, 2, 240_000],
    [{ delay: "2m", backoff: 2 }, 3, 480_000],
    [{ delay: "1h", backoff: 10 }, 3, 6 * 3_600_000], // capped at six hours
  ])("%j at attempt %i: %i ms", (over, attempt, ms) => {
    expect(rerunDelayMs(rulesOf(auto(over as never)), attempt)).toBe(ms);
  });

  test("a rule's own delay wins over auto's; the longest delay of the deciding rules counts", () => {
    const rules = rulesOf(auto({ delay: "10s", rules: [{ jobs: ["e2e*"], delay: "5m" }, { preset: "infrastructure" }] } as never));
    expect(rules.map((r) => r.delayMs)).toEqual([300_000, 10_000]);
    expect(rerunDelayMs(rules, 1)).toBe(300_000);
  });
});

describe("a delayed re-run in the handler", () => {
  const deliver = (h: Harness) => h.probot.receive({ id: "d1", name: "workflow_run", payload: workflowRunEvent() } as never);
  const decided = async () => {
    const q = memoryQueue();
    const h = await harness({ queue: q.queue });
    config(h, "auto:\n  enabled: true\n  delay: 2m\n");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 555 });
    await deliver(h);
    return { h, q };
  };

  test("the check run says when, at once; the re-run is queued with its delay, not made", async () => {
    const { h, q } = await decided();
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string; summary: string } };
    // NOW is 12:00 UTC: two minutes later.
    expect(check.output.title).toBe("Re-run scheduled for 12:02 UTC (attempt 2 of 3)");
    expect(q.added).toEqual([
      { key: "rerun:o/r:42:1:0:0", delayMs: 120_000, work: expect.objectContaining({ kind: "rerun", installationId: 1, runId: 42, runAttempt: 1, maxAttempts: 3 }) },
    ]);
  });

  test("when due: the run still failed at that attempt: one re-run, the same check run updated", async () => {
    const { h, q } = await decided();
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun({ pull_requests: [{ number: 5 }] }));
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    await q.run(q.added[0].work);
    await q.run(q.added[0].work); // the queue retried it: done is done
    await q.drainReports(); // re-runs first: the report follows as later work
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
    expect((h.bodies["PATCH /repos/o/r/check-runs/555"][0] as { output: { title: string } }).output.title).toBe("Re-ran failed jobs: attempt 2 of 3 started");
  });

  test("when due, someone re-runs it in the same moment (GitHub: already running): a refusal, as on the direct path, not an error", async () => {
    const { h, q } = await decided();
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun({ pull_requests: [{ number: 5 }] }));
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 403, { message: "This workflow is already running" });
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    await q.run(q.added[0].work);
    const check = h.bodies["PATCH /repos/o/r/check-runs/555"][0] as { output: { title: string; summary: string } };
    expect(check.output.summary).toContain("someone re-ran it first");
    expect(check.output.title).not.toMatch(/could not|error/i);
  });

  test.each([
    ["someone re-ran it meanwhile", { run_attempt: 2, status: "completed", conclusion: "failure" }, "was re-run (it is at attempt 2)"],
    ["it passed meanwhile (a re-run by hand)", { run_attempt: 1, status: "completed", conclusion: "success" }, "ended success"],
    ["it is running again", { status: "in_progress", conclusion: null }, "started again"],
  ])("when due, not re-run: %s", async (_name, state, words) => {
    const { h, q } = await decided();
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun(state));
    expectCall(h, "PATCH", "/repos/o/r/check-runs/555", 200, {});
    await q.run(q.added[0].work);
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    const check = h.bodies["PATCH /repos/o/r/check-runs/555"][0] as { output: { title: string; summary: string } };
    expect(check.output.title).toBe("Not re-run: no longer needed");
    expect(check.output.summary).toContain(words);
  });

  test("without a queue (the Action, inline), a delay cannot be kept: the re-run is made at once", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  delay: 2m\n");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1 });
    await deliver(h);
    expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
  });
});
