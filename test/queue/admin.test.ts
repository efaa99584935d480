/**
 * `rerun-bot queue list` and `rerun-bot queue retry <id|all>` (the built CLI, lib/cli.js): work
 * given up after the retry bound is listed and replayed, with the file queue and with BullMQ.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileQueue } from "../../src/queue/file-queue.js";
import { BullQueue } from "../../src/queue/bullmq-queue.js";
import type { Work, WorkQueue } from "../../src/queue/work-queue.js";
import { describeWithRedis, startRedis } from "../helpers/redis.js";
import { waitFor } from "../helpers/net.js";

const cli = (args: string[], env: Record<string, string>) => {
  const r = spawnSync(process.execPath, [join(process.cwd(), "lib", "cli.js"), "queue", ...args], {
    cwd: mkdtempSync(join(tmpdir(), "rerun-cli-")), // no developer's .env
    env: { PATH: process.env.PATH!, ...env },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const work: Work = { kind: "rerun", installationId: 5, owner: "o", repo: "r", runId: 42, runAttempt: 1, maxAttempts: 3, why: "x" };

/** Fails the work until the bound (1 ms: given up on its second failure, after a 2 s backoff). */
async function giveUp(queue: WorkQueue): Promise<void> {
  let given = false;
  queue.onGiveUp(() => void (given = true));
  queue.start(async () => {
    throw new Error("GitHub had an error (HTTP 502)");
  });
  await queue.add("rerun:o/r:42:1:0", work);
  await waitFor(() => given, 10_000);
  await queue.stop(1_000);
}

test("the file queue: listed with what it was and why it failed, replayed by id", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rerun-cli-data-"));
  await giveUp(new FileQueue({ dir, concurrency: 1, limits: { retryMs: 1 } }));
  const list = cli(["list"], { DATA_DIR: dir });
  expect(list.code).toBe(0);
  expect(list.out).toMatch(/installation 5\tre-run o\/r run 42\t2 attempts\tGitHub had an error \(HTTP 502\)/);
  expect(list.out).toMatch(/^1 given up/m);
  const id = list.out.split("\t")[0];
  expect(cli(["retry", "nope"], { DATA_DIR: dir })).toMatchObject({ code: 1, err: expect.stringMatching(/no given-up work with id nope/) });
  expect(cli(["retry", id], { DATA_DIR: dir })).toMatchObject({ code: 0, out: "put back 1 on the queue\n" });
  expect(readdirSync(join(dir, "queue-failed"))).toEqual([]);
  expect(readdirSync(join(dir, "queue")).filter((n) => n.endsWith(".json"))).toHaveLength(1);
  expect(cli(["list"], { DATA_DIR: dir }).out).toBe("0 given up\n");
  expect(cli([], { DATA_DIR: dir })).toMatchObject({ code: 1, err: expect.stringMatching(/usage: rerun-bot queue list/) });
}, 30_000);

describeWithRedis("BullMQ", () => {
  test("listed, and replayed by `retry all` to a running worker", async () => {
    const redis = await startRedis();
    try {
      await giveUp(new BullQueue({ url: redis.url, concurrency: 1, limits: { retryMs: 1 } }));
      const list = cli(["list"], { REDIS_URL: redis.url });
      expect(list.code).toBe(0);
      expect(list.out).toMatch(/^5\/rerun_o_r_42_1_0\t.*installation 5\tre-run o\/r run 42\t.*HTTP 502/m);
      const server = new BullQueue({ url: redis.url, concurrency: 1, discoverMs: 100 });
      let runs = 0;
      server.start(async () => void runs++);
      expect(cli(["retry", "all"], { REDIS_URL: redis.url })).toMatchObject({ code: 0, out: "put back 1 on the queue\n" });
      await waitFor(() => runs === 1, 10_000);
      await server.stop(1_000);
      expect(cli(["list"], { REDIS_URL: redis.url }).out).toBe("0 given up\n");
    } finally {
      await redis.stop();
    }
  }, 30_000);
});
