/**
 * The shared queue on Redis (BullMQ) through a Redis restart mid-storm: webhooks that arrive while
 * Redis is down are answered 500 (GitHub lists them as failed); once Redis is back, their
 * redelivery is taken; nothing queued before the restart is lost, and nothing is re-run twice.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { startBot, type Bot } from "./server.js";
import { apiRun, workflowRunEvent } from "../helpers/events.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis.js";
import { waitFor } from "../helpers/net.js";

const RUNS = 20;
const recent = () => new Date(Date.now() - 3_600_000).toISOString();

describeWithRedis("the Redis queue through a Redis restart", () => {
  const github = new FakeGitHub();
  let redis: RedisServer;
  let bot: Bot;
  const dir = mkdtempSync(join(tmpdir(), "rerun-redis-aof-"));

  beforeAll(async () => {
    await github.start();
    redis = await startRedis({ durable: dir });
    bot = await startBot(github.port, { REDIS_URL: redis.url, WORK_QUEUE: "redis" });
  }, 30_000);

  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
    await github.stop();
  });

  test(`${RUNS} failed runs, Redis restarted halfway: after redelivery of what was refused, exactly one re-run each`, async () => {
    const runs = Array.from({ length: RUNS }, (_, i) => apiRun({ id: 500 + i, created_at: recent(), pull_requests: [{ number: 5 }] }));
    // One commit's 20 runs: above the default per-commit budget (10), which is not under test here.
    github.repo("o/r", { config: "auto:\n  enabled: true\n  budget:\n    per-commit: 200\n", runs, pulls: { 5: "abc123" } });
    const refused: number[] = [];
    const send = async (run: (typeof runs)[number]) => {
      const status = await bot.send("workflow_run", workflowRunEvent({ id: run.id, created_at: recent() }), { id: `storm-${run.id}` });
      if (status !== 200) refused.push(run.id);
    };
    for (const run of runs.slice(0, RUNS / 2)) await send(run);
    await redis.stop();
    for (const run of runs.slice(RUNS / 2, RUNS / 2 + 3)) await send(run); // Redis is down: answered 500
    redis = await startRedis({ port: redis.port, durable: dir });
    for (const run of runs.slice(RUNS / 2 + 3)) await send(run);
    expect(refused.length).toBeGreaterThan(0);
    // GitHub's redelivery (by hand, or the bot's own recovery) of what was answered with an error.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const id of [...refused]) {
      refused.splice(refused.indexOf(id), 1);
      await send(runs.find((r) => r.id === id)!);
    }
    expect(refused).toEqual([]);
    const reruns = (id: number) => github.calls().filter((c) => c === `POST /repos/o/r/actions/runs/${id}/rerun-failed-jobs`).length;
    await waitFor(() => runs.every((r) => reruns(r.id) >= 1), 60_000).catch((e) => {
      throw new Error(`${e.message}: re-runs per run ${runs.map((r) => `${r.id}:${reruns(r.id)}`).join(" ")}\n${bot.output().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(runs.map((r) => reruns(r.id))).toEqual(runs.map(() => 1));
  }, 180_000);
});
