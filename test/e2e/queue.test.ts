/**
 * Accept, then work (issue 13), against the real server and the fake GitHub: the embedded queue
 * keeps accepted work on disk, so a process killed at any point and started again, plus GitHub's
 * redelivery, neither loses nor doubles a re-run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { SECRET, startBot } from "./server.js";
import { botSuite } from "./bot-suite.js";
import { apiJob, apiRun, workflowRunEvent } from "../helpers/events.js";
import { waitFor } from "../helpers/net.js";
import { queuedFiles } from "../../src/queue/file-queue.js";

const github = new FakeGitHub();
const recent = () => new Date(Date.now() - 3_600_000).toISOString();
const reruns = (runId = 42) => github.calls().filter((c) => c === `POST /repos/o/r/actions/runs/${runId}/rerun-failed-jobs`).length;
const suite = botSuite(github);
const { bots, killed } = suite;
const bot = (dataDir: string, extra: Record<string, string> = {}) => suite.bot(dataDir, { WORK_QUEUE: "file", ...extra });
const dataDir = () => mkdtempSync(join(tmpdir(), "rerun-data-"));
function opted(config = "auto:\n  enabled: true\n", runs = [apiRun({ created_at: recent(), pull_requests: [{ number: 5 }] })]) {
  return github.repo("o/r", { config, runs, jobs: { 42: [apiJob()] }, pulls: { 5: "abc123" } });
}

describe("accept, then work (the embedded queue)", () => {
  test("a webhook is answered at once while GitHub is slow; the re-run follows", async () => {
    opted();
    github.inject("GET", /contents/, 0, {}, { delayMs: 3_000 });
    const b = await bot(dataDir());
    const started = Date.now();
    expect(await b.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_500);
    await waitFor(() => reruns() === 1 && github.checkRuns.length === 1, 20_000);
  }, 40_000);

  test("kill -9 while the re-run call is in flight, restart, redeliver: exactly one re-run", async () => {
    opted();
    // GitHub does the re-run at once and answers late: the bot dies before it hears that it happened.
    github.inject("POST", /rerun-failed-jobs$/, 0, {}, { answerDelayMs: 3_000 });
    const dir = dataDir();
    const first = await bot(dir);
    const payload = workflowRunEvent({ created_at: recent() });
    expect(await first.send("workflow_run", payload, { id: "delivery-1" })).toBe(200);
    await waitFor(() => github.requests.some((r) => r.method === "POST" && r.path.endsWith("/rerun-failed-jobs")), 10_000);
    await killed(first);
    expect(queuedFiles(dir)).toHaveLength(1); // the accepted work is still on disk
    const second = await bot(dir);
    expect(await second.send("workflow_run", payload, { id: "delivery-1" })).toBe(200); // GitHub's redelivery
    await waitFor(() => queuedFiles(dir).length === 0, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(reruns()).toBe(1);
    // The restarted bot asked GitHub first and found its own re-run: it reports it as made, not as
    // "someone re-ran it first".
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0].output.title).toBe("Re-ran failed jobs: attempt 2 of 3 started");
  }, 60_000);

  test("kill -9 while the job list is being read, restart, redeliver: exactly one re-run", async () => {
    opted("auto:\n  enabled: true\n  jobs: ['test*']\n");
    github.inject("GET", /\/actions\/runs\/42\/jobs$/, 0, {}, { delayMs: 3_000 });
    const dir = dataDir();
    const first = await bot(dir);
    const payload = workflowRunEvent({ created_at: recent() });
    expect(await first.send("workflow_run", payload, { id: "delivery-2" })).toBe(200);
    await waitFor(() => github.requests.some((r) => r.path.startsWith("/repos/o/r/actions/runs/42/jobs")), 10_000);
    await killed(first);
    // No redelivery yet: the restarted process finds the accepted work on disk and does it.
    const second = await bot(dir);
    await waitFor(() => reruns() === 1 && github.checkRuns.length >= 1, 20_000).catch((e) => {
      console.log(second.output(), queuedFiles(dir), github.calls());
      throw e;
    });
    expect(await second.send("workflow_run", payload, { id: "delivery-2" })).toBe(200);
    // A second redelivery after the work is done changes nothing.
    expect(await second.send("workflow_run", payload, { id: "delivery-2" })).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(reruns()).toBe(1);
  }, 60_000);

  test("SIGTERM with deliveries queued: it stops, nothing accepted is lost, a restart finishes them", async () => {
    const runs = [1, 2, 3, 4, 5].map((i) => apiRun({ id: 100 + i, created_at: recent(), pull_requests: [{ number: 5 }] }));
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs, pulls: { 5: "abc123" } });
    // Every read is slow, so most of the work is still queued or in flight at SIGTERM.
    github.inject("GET", /\/actions\/runs\/\d+$/, 0, {}, { delayMs: 1_500, times: 5 });
    const dir = dataDir();
    // One worker: at SIGTERM one delivery is in flight and four wait on disk.
    const first = await bot(dir, { WORK_CONCURRENCY: "1" });
    for (const run of runs) expect(await first.send("workflow_run", workflowRunEvent({ id: run.id, created_at: recent() }))).toBe(200);
    const stopping = Date.now();
    expect(await first.stop()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(queuedFiles(dir).length).toBeGreaterThan(0); // handed back, not dropped
    const second = await bot(dir);
    await waitFor(() => runs.every((r) => reruns(r.id) === 1), 40_000);
    await waitFor(() => queuedFiles(dir).length === 0, 10_000);
    expect(runs.map((r) => reruns(r.id))).toEqual([1, 1, 1, 1, 1]);
    void second;
  }, 90_000);

  test("a delayed re-run survives a restart: scheduled at once, killed, started again, made once when due", async () => {
    opted("auto:\n  enabled: true\n  delay: 4s\n");
    const dir = dataDir();
    const first = await bot(dir);
    expect(await first.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
    await waitFor(() => github.checkRuns.length === 1, 10_000).catch((e) => {
      console.log(first.output(), github.calls());
      throw e;
    });
    expect(github.checkRuns[0].output.title).toMatch(/^Re-run scheduled for \d\d:\d\d UTC \(attempt 2 of 3\)$/);
    expect(reruns()).toBe(0);
    await killed(first);
    // The delayed re-run waits on disk (and the webhook's own job, if it was killed before removing it).
    expect(queuedFiles(dir).length).toBeGreaterThanOrEqual(1);
    const second = await bot(dir);
    await waitFor(() => reruns() === 1, 20_000).catch((e) => {
      console.log(second.output(), github.calls(), queuedFiles(dir));
      throw e;
    });
    // The newest check run of the run says so (a webhook job replayed after the kill may have written
    // the schedule again: the check-run id was only in the killed process's memory).
    await waitFor(() => github.checkRuns.at(-1)!.output.title === "Re-ran failed jobs: attempt 2 of 3 started", 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(reruns()).toBe(1);
  }, 60_000);
});

describe("recovery of missed deliveries", () => {
  test("the bot was down while 5 runs failed: started, it finds them in the deliveries API and has them redelivered", async () => {
    const runs = [1, 2, 3, 4, 5].map((i) => apiRun({ id: 200 + i, created_at: recent(), pull_requests: [{ number: 5 }] }));
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs, pulls: { 5: "abc123" } });
    // GitHub could not reach the bot for these; an old one and a passing run's are not asked for again.
    for (const run of runs) github.addDelivery("workflow_run", workflowRunEvent({ id: run.id, created_at: recent() }) as never, 0);
    github.addDelivery("workflow_run", workflowRunEvent({ id: 206, conclusion: "success", created_at: recent() }) as never, 200);
    const old = github.addDelivery("workflow_run", workflowRunEvent({ id: 207, created_at: recent() }) as never, 0);
    old.delivered_at = new Date(Date.now() - 10 * 3_600_000).toISOString();
    const port = await (await import("../helpers/net.js")).freePort();
    github.webhookTarget = { url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: SECRET };
    const b = await startBot(github.port, { WORK_QUEUE: "file", DATA_DIR: dataDir(), RECOVERY_INTERVAL_MINUTES: "5", RECOVERY_LOOKBACK_HOURS: "6" }, undefined, port);
    bots.push(b);
    await waitFor(() => runs.every((r) => reruns(r.id) === 1), 40_000);
    expect(github.calls().filter((c) => c.startsWith("POST /app/hook/deliveries/"))).toHaveLength(5);
    expect(reruns(207)).toBe(0);
    expect(github.deliveries.filter((d) => d.redelivery).every((d) => d.status_code === 200)).toBe(true);
  }, 60_000);
});
