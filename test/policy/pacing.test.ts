/** Never hammer: outage holds and budgets (issue 13). */
import { apiJob, apiRun, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, memoryQueue, setupNock, type Harness } from "../helpers/probot.js";
import { budgetRefusal, DEFAULT_HOLD, holdDelayMs, holdSettings } from "../../src/policy/pacing.js";
import type { RerunWork } from "../../src/queue/work-queue.js";

setupNock();

describe("holdDelayMs and budgetRefusal", () => {
  const s = { ...DEFAULT_HOLD, holdAfter: 3, holdMs: 60_000, spacingMs: 5_000, maxHolds: 2 };
  test.each([
    [3, 0, 0], // at the threshold: no outage yet
    [4, 0, 65_000],
    [10, 0, 95_000], // later ones are released further apart
    [10, 1, 95_000],
    [10, 2, 0], // held as often as allowed: made now
  ])("%i failures, held %i times: wait %i ms", (count, holds, ms) => {
    expect(holdDelayMs(count, holds, s)).toBe(ms);
  });

  test.each([
    [30, 10, null],
    [31, 1, "in the last hour already (auto.budget.per-hour)"],
    [1, 11, "this commit had 10 automatic re-runs already (auto.budget.per-commit)"],
  ])("budget: %i this hour, %i for the commit", (hour, commit, message) => {
    const r = budgetRefusal(hour, commit, { "per-hour": 30, "per-commit": 10 });
    if (message === null) expect(r).toBeNull();
    else expect(r?.message).toContain(message);
  });

  test("settings from the environment are bounded", () => {
    expect(holdSettings({})).toEqual(DEFAULT_HOLD);
    expect(holdSettings({ HOLD_AFTER: "0", HOLD_MINUTES: "9999", HOLD_WINDOW_MINUTES: "x" })).toMatchObject({ holdAfter: 1, holdMs: 120 * 60_000, windowMs: DEFAULT_HOLD.windowMs });
  });
});

describe("an outage in the handler", () => {
  const PRESET = "auto:\n  enabled: true\n  preset: infrastructure\n";
  const lost = (id: number) => apiJob({ id: id * 10, run_id: id, steps: [{ name: "Set up job", conclusion: "success" }] });
  const fail = async (h: Harness, id: number, rerun: boolean) => {
    expectCall(h, "GET", `/repos/o/r/actions/runs/${id}/jobs?filter=latest&per_page=100`, 200, { total_count: 1, jobs: [lost(id)] });
    // A lost runner leaves no annotation at all: the positive evidence for "infrastructure".
    expectCall(h, "GET", `/repos/o/r/check-runs/${id * 10}/annotations?per_page=50`, 200, []);
    expectCall(h, "GET", `/repos/o/r/actions/jobs/${id * 10}/logs`, 404, { message: "Not Found" });
    // A held re-run reads no pull request: that is asked when it is about to be made.
    if (rerun) expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    if (rerun) expectCall(h, "POST", `/repos/o/r/actions/runs/${id}/rerun-failed-jobs`, 201);
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1000 + id });
    await h.probot.receive({ id: `d${id}`, name: "workflow_run", payload: workflowRunEvent({ id }) } as never);
  };

  test("past the threshold, infrastructure re-runs are held and said so; looked at again, still held; made once the holds run out", async () => {
    const q = memoryQueue();
    const h = await harness({ queue: q.queue, hold: { ...DEFAULT_HOLD, holdAfter: 2, maxHolds: 2 } });
    config(h, PRESET);
    await fail(h, 1, true);
    await fail(h, 2, true);
    await q.drainReports(); // re-runs first: their reports follow as later work
    await fail(h, 3, false);
    const held = h.bodies["POST /repos/o/r/check-runs"][2] as { output: { title: string; summary: string } };
    expect(held.output.title).toMatch(/^Held for an outage: re-run at \d\d:\d\d UTC \(attempt 2 of 3\)$/);
    expect(held.output.summary).toContain("saw 3 such failures in 10 minutes");
    const reruns = () => q.added.filter((a) => a.work.kind === "rerun");
    expect(reruns()).toHaveLength(1);
    const work = reruns()[0].work as RerunWork;
    expect(work).toMatchObject({ kind: "rerun", runId: 3, holds: 1, infrastructure: true });
    // Due: the outage goes on (3 failures in this window): held again.
    expectCall(h, "GET", "/repos/o/r/actions/runs/3", 200, apiRun({ id: 3 }));
    expectCall(h, "PATCH", "/repos/o/r/check-runs/1003", 200, {});
    await q.run(work);
    expect(reruns()).toHaveLength(2);
    expect(reruns()[1].work).toMatchObject({ holds: 2 });
    // Held as often as allowed: re-run now.
    expectCall(h, "GET", "/repos/o/r/actions/runs/3", 200, apiRun({ id: 3 }));
    expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
    expectCall(h, "POST", "/repos/o/r/actions/runs/3/rerun-failed-jobs", 201);
    expectCall(h, "PATCH", "/repos/o/r/check-runs/1003", 200, {});
    await q.run(reruns()[1].work);
    await q.drainReports(); // re-runs first: the report follows as later work
    expect(h.calls.filter((c) => c.endsWith("/rerun-failed-jobs"))).toHaveLength(3);
  });

  test("a budget spent: refused with the reason, and the button is offered", async () => {
    const h = await harness();
    config(h, "auto:\n  enabled: true\n  budget:\n    per-commit: 1\n");
    for (const id of [1, 2]) {
      expectCall(h, "GET", `/repos/o/r/actions/runs/${id}`, 200, apiRun({ id }));
      expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
      if (id === 1) expectCall(h, "POST", "/repos/o/r/actions/runs/1/rerun-failed-jobs", 201);
      expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 1000 + id });
      await h.probot.receive({ id: `d${id}`, name: "workflow_run", payload: workflowRunEvent({ id }) } as never);
    }
    const second = h.bodies["POST /repos/o/r/check-runs"][1] as { output: { title: string; summary: string }; actions: unknown[] };
    expect(second.output.title).toBe("Not re-run: budget");
    expect(second.output.summary).toContain("this commit had 1 automatic re-runs already");
    expect(second.actions).toHaveLength(1);
  });
});
