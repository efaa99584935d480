/**
 * The executor's error table (execute/carry-out.ts): one automatic re-run, and every kind of answer
 * GitHub gives to it, asserted as the resulting state: re-run calls made, the check run's final
 * title and button, work queued for later, the installation parked. Each case runs twice (a fresh
 * bot each time) to show the outcome does not depend on anything left over.
 */
import { apiRun, workflowRunEvent } from "../helpers/events.js";
import { config, expectCall, harness, memoryQueue, setupNock } from "../helpers/probot.js";
import type { RerunWork } from "../../src/queue/work-queue.js";
import { NOW } from "../helpers/facts.js";

setupNock();

interface Case {
  name: string;
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  title: RegExp;
  button: boolean;
  queued: Partial<RerunWork> | null;
  parkedForMs?: number;
  report?: boolean;
}

const cases: Case[] = [
  // Re-runs first: the report is handed to later work (the lowest priority), and written when it runs.
  { name: "201 accepted", status: 201, body: {}, title: /^Re-ran failed jobs: attempt 2 of 3 started$/, button: false, queued: null, report: true },
  { name: "403 already running (someone was first)", status: 403, body: { message: "This workflow is already running" }, title: /^Not re-run: already running$/, button: false, queued: null },
  { name: "403 cannot be retried (a refusal for good)", status: 403, body: { message: "This workflow run cannot be retried" }, title: /^Not re-run: GitHub refused$/, button: true, queued: null },
  { name: "404 the run is gone", status: 404, body: { message: "Not Found" }, title: /^Not re-run: GitHub refused$/, button: true, queued: null },
  { name: "502 GitHub's trouble: asked again in 30 s", status: 502, body: { message: "Bad Gateway" }, title: /^GitHub answered 502: trying again at 12:00 UTC/, button: false, queued: { tries: 1, judged: true, delayWaited: true, spent: true } },
  {
    name: "429 with retry-after: 120: parked, and asked again then",
    status: 429,
    body: { message: "Too Many Requests" },
    headers: { "retry-after": "120" },
    title: /^GitHub rate limit: waiting until 12:02 UTC/,
    button: false,
    queued: { tries: 1 },
    parkedForMs: 120_000,
  },
];

describe("the executor: GitHub's answer to an automatic re-run", () => {
  test.each(cases)("$name", async (c) => {
    for (let i = 0; i < 2; i++) {
      const q = memoryQueue();
      const h = await harness({ queue: q.queue });
      config(h, "auto:\n  enabled: true\n");
      expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
      expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
      expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", c.status, c.body, c.headers);
      expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 555 });
      await h.probot.receive({ id: `d${i}`, name: "workflow_run", payload: workflowRunEvent() } as never);
      if (c.report) {
        expect(h.bodies["POST /repos/o/r/check-runs"]).toBeUndefined();
        expect(q.added.map((a) => a.work.kind)).toEqual(["report"]);
        await q.drainReports();
      }
      const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string }; actions: unknown[] };
      expect(check.output.title).toMatch(c.title);
      expect(check.actions.length > 0).toBe(c.button);
      if (c.queued) expect(q.added).toEqual([expect.objectContaining({ work: expect.objectContaining({ kind: "rerun", runId: 42, ...c.queued }) })]);
      else expect(q.added.filter((a) => a.work.kind !== "report")).toEqual([]);
      expect(q.parked).toEqual(c.parkedForMs ? [[1, NOW.getTime() + c.parkedForMs]] : []);
    }
  });
});

describe("work the queue gave up on is never silent", () => {
  test("a failed run's webhook given up: its check run says so and offers the button; anything else writes nothing", async () => {
    const { reportGivenUp } = await import("../../src/execute/carry-out.js");
    const { gitHubClient } = await import("../../src/github/client.js");
    const h = await harness();
    expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 9 });
    const octokit = await h.probot.auth(1);
    const gh = gitHubClient(octokit as never, "o", "r");
    const deps = { store: new (await import("../../src/state/store.js")).MemoryStore(), now: () => NOW, appId: 1, metrics: new (await import("../../src/metrics.js")).Metrics() };
    const err = Object.assign(new Error("Server Error"), { status: 502 });
    expect(await reportGivenUp(gh, deps as never, { kind: "webhook", name: "workflow_run", payload: workflowRunEvent() }, err)).toBe(true);
    const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string }; actions: unknown[] };
    expect(check.output.title).toMatch(/^Not re-run: GitHub failed for the queue's retry bound/);
    expect(check.actions).toHaveLength(1);
    expect(await reportGivenUp(gh, deps as never, { kind: "webhook", name: "issue_comment", payload: {} }, err)).toBe(false);
  });
});

describe("a full backlog is said on the check run", () => {
  test("a delayed re-run that the installation's backlog cannot take: not re-run (backlog), with the button", async () => {
    for (let i = 0; i < 2; i++) {
      const q = memoryQueue();
      const queue = { ...q.queue, add: async () => ({ status: "dropped" as const, reason: "this installation already has 2000 jobs waiting" }) };
      const h = await harness({ queue });
      config(h, "auto:\n  enabled: true\n  delay: 2m\n");
      expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun());
      expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
      expectCall(h, "POST", "/repos/o/r/check-runs", 201, { id: 555 });
      await h.probot.receive({ id: `d${i}`, name: "workflow_run", payload: workflowRunEvent() } as never);
      const check = h.bodies["POST /repos/o/r/check-runs"][0] as { output: { title: string; summary: string }; actions: unknown[] };
      expect(check.output.title).toBe("Not re-run: backlog");
      expect(check.output.summary).toContain("2000 jobs waiting");
      expect(check.actions).toHaveLength(1);
    }
  });
});
