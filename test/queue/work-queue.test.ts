/**
 * The work queue's contract (queue/work-queue.ts), the same tests for both engines: the embedded
 * file queue, and BullMQ on a throwaway redis-server. Small timings: each test takes seconds.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { FileQueue } from "../../src/queue/file-queue.js";
import { BullQueue } from "../../src/queue/bullmq-queue.js";
import { RetryAt, type QueueLimits, type Work, type WorkQueue } from "../../src/queue/work-queue.js";
import { hasRedis, startRedis, type RedisServer } from "../helpers/redis.js";
import { waitFor } from "../helpers/net.js";

const hook = (installation: number, n: number | string, name = "workflow_run"): Work => ({
  kind: "webhook",
  id: `${installation}-${n}`,
  name,
  payload: { installation: { id: installation } },
  installationId: installation,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Engine {
  name: string;
  make(options: { concurrency: number; limits?: Partial<QueueLimits>; dir?: string; startsPerSecond?: number }): WorkQueue;
}

let redis: RedisServer | null = null;
const dirs: string[] = [];
const engines: Engine[] = [
  {
    name: "file queue",
    make: ({ concurrency, limits, dir }) => {
      const d = dir ?? mkdtempSync(join(tmpdir(), "rerun-queue-"));
      dirs.push(d);
      return new FileQueue({ dir: d, concurrency, limits, rescanMs: 200 });
    },
  },
];
if (hasRedis) {
  engines.push({
    name: "BullMQ",
    make: ({ concurrency, limits, startsPerSecond }) => new BullQueue({ url: redis!.url, concurrency, limits, startsPerSecond: startsPerSecond ?? 50, discoverMs: 100 }),
  });
}

const queues: WorkQueue[] = [];
beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.stop(1_000)));
  if (redis) {
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
  }
});

describe.each(engines)("$name", (engine) => {
  const make = (options: Parameters<Engine["make"]>[0]) => {
    const q = engine.make(options);
    queues.push(q);
    return q;
  };

  test("installations take turns: B's one job starts right after A's jobs in flight, not after A's backlog", async () => {
    const q = make({ concurrency: 2, limits: { perInstallation: 2 } });
    const started: string[] = [];
    for (let i = 0; i < 20; i++) await q.add(`a${i}`, hook(1, i));
    q.start(async (w) => {
      started.push((w as { id: string }).id);
      await sleep(100);
    });
    await waitFor(() => started.length >= 2, 5_000);
    await q.add("b", hook(2, 0));
    await waitFor(() => started.includes("2-0"), 5_000);
    // Behind at most the jobs already in flight, and the one a worker had in hand.
    expect(started.indexOf("2-0")).toBeLessThanOrEqual(started.length >= 2 ? 4 : 2);
  }, 20_000);

  test("one installation never has more than its share of the workers in flight", async () => {
    const q = make({ concurrency: 4, limits: { perInstallation: 2 } });
    let inFlight = 0;
    let most = 0;
    let done = 0;
    for (let i = 0; i < 8; i++) await q.add(`a${i}`, hook(1, i));
    q.start(async () => {
      most = Math.max(most, ++inFlight);
      await sleep(80);
      inFlight--;
      done++;
    });
    await waitFor(() => done === 8, 10_000);
    expect(most).toBe(2);
  }, 20_000);

  test("commands go before automatic work", async () => {
    const q = make({ concurrency: 1 });
    const started: string[] = [];
    for (let i = 0; i < 4; i++) await q.add(`a${i}`, hook(1, i));
    await q.add("comment", hook(1, "c", "issue_comment"));
    q.start(async (w) => {
      started.push((w as { id: string }).id);
      await sleep(50);
    });
    await waitFor(() => started.length === 5, 10_000);
    expect(started.indexOf("1-c")).toBeLessThanOrEqual(1);
  }, 20_000);

  test("a parked installation starts nothing until its time; another goes on", async () => {
    const q = make({ concurrency: 2, startsPerSecond: 1 });
    const started: { id: string; at: number }[] = [];
    const until = Date.now() + 1_500;
    await q.park(1, until);
    for (let i = 0; i < 3; i++) await q.add(`a${i}`, hook(1, i));
    await q.add("b", hook(2, 0));
    q.start(async (w) => void started.push({ id: (w as { id: string }).id, at: Date.now() }));
    await waitFor(() => started.some((s) => s.id === "2-0"), 3_000);
    expect([...(await q.parked()).keys()]).toEqual([1]);
    await waitFor(() => started.length === 4, 10_000);
    expect(started.filter((s) => s.id.startsWith("1-")).every((s) => s.at >= until - 50)).toBe(true);
    expect(started.find((s) => s.id === "2-0")!.at).toBeLessThan(until);
  }, 20_000);

  test("RetryAt: the work is tried again at the time asked, not after the backoff", async () => {
    const q = make({ concurrency: 1 });
    const runs: number[] = [];
    await q.add("x", hook(1, 0));
    q.start(async () => {
      runs.push(Date.now());
      if (runs.length === 1) throw new RetryAt(Date.now() + 300, "GitHub rate limit");
    });
    await waitFor(() => runs.length === 2, 5_000);
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(250);
    expect(runs[1] - runs[0]).toBeLessThan(1_800); // the first backoff is 2 s
  }, 20_000);

  test("work failing past the retry bound is given up once, listed, and replayed by retryFailed", async () => {
    const q = make({ concurrency: 1, limits: { retryMs: 500 } });
    const given: Work[] = [];
    q.onGiveUp((w) => void given.push(w));
    let fail = true;
    let runs = 0;
    await q.add("delivery:x", hook(1, "x"));
    q.start(async () => {
      runs++;
      if (fail) throw new Error("GitHub had an error (HTTP 502)");
    });
    await waitFor(() => given.length === 1, 10_000);
    expect(runs).toBe(2); // once, then once more after the first backoff (2 s), past the bound
    const failed = await q.failed();
    expect(failed).toHaveLength(1);
    expect(failed[0].error).toMatch(/502/);
    expect((failed[0].work as { id: string }).id).toBe("1-x");
    fail = false;
    expect(await q.retryFailed(failed[0].id)).toBe(1);
    await waitFor(() => runs === 3, 5_000);
    await waitFor(async () => (await q.failed()).length === 0, 5_000);
    await sleep(300);
    expect(runs).toBe(3);
    expect(given).toHaveLength(1);
  }, 20_000);

  test("a full backlog: a webhook is deferred, a scheduled re-run dropped, a command still accepted", async () => {
    const q = make({ concurrency: 1, limits: { backlog: 10 } });
    for (let i = 0; i < 10; i++) expect(await q.add(`a${i}`, hook(1, i))).toEqual({ status: "accepted" });
    expect((await q.add("a10", hook(1, 10))).status).toBe("deferred");
    const rerun: Work = { kind: "rerun", installationId: 1, owner: "o", repo: "r", runId: 1, runAttempt: 1, maxAttempts: 3, why: "x" };
    expect((await q.add("r", rerun)).status).toBe("dropped");
    expect((await q.add("c", hook(1, "c", "issue_comment"))).status).toBe("accepted");
    // Another installation has its own bound.
    expect((await q.add("b", hook(2, 0))).status).toBe("accepted");
    expect(await q.backlog()).toEqual(new Map([[1, 11], [2, 1]]));
  }, 20_000);
});

describe("the file queue", () => {
  test("work put back by another process (rerun-bot queue retry) is picked up by the running server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rerun-queue-"));
    const server = new FileQueue({ dir, concurrency: 1, limits: { retryMs: 1 }, rescanMs: 100 });
    queues.push(server);
    let runs = 0;
    let down = true;
    server.start(async () => {
      runs++;
      if (down) throw new Error("down");
    });
    await server.add("k", hook(1, 0));
    await waitFor(() => readdirSync(join(dir, "queue-failed")).length === 1, 5_000);
    expect(runs).toBe(2);
    down = false;
    const cli = new FileQueue({ dir, concurrency: 1 });
    expect(await cli.retryFailed("all")).toBe(1);
    await waitFor(() => runs === 3, 5_000);
  }, 20_000);
});

(hasRedis ? describe : describe.skip)("BullMQ across instances", () => {
  test("a park by one instance holds the installation's work on the other too", async () => {
    const one = new BullQueue({ url: redis!.url, concurrency: 2, discoverMs: 100 });
    const two = new BullQueue({ url: redis!.url, concurrency: 2, discoverMs: 100 });
    queues.push(one, two);
    const started: number[] = [];
    two.start(async () => void started.push(Date.now()));
    const until = Date.now() + 1_500;
    await one.park(7, until);
    await one.add("a", hook(7, 0));
    await waitFor(() => started.length === 1, 5_000);
    expect(started[0]).toBeGreaterThanOrEqual(until - 50);
  }, 20_000);
});
