import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundEntries, LEDGER_CAP_PER_REPO, type LedgerEntry } from "../../src/domain/ledger.js";
import { breakerRefusal, passedTripped, trippedJobs } from "../../src/policy/breaker.js";
import { summarize } from "../../src/policy/flaky-stats.js";
import { MAX_BODY, renderDashboard, renderStats } from "../../src/report/dashboard.js";
import { FileLedger, MemoryLedger } from "../../src/state/ledger.js";
import { RedisLedger } from "../../src/state/redis-ledger.js";
import { RedisStore } from "../../src/state/redis-store.js";
import { sampleDashboard } from "../helpers/dashboard-sample.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis.js";

import { DAY, entry, NOW, red } from "../helpers/ledger-entry.js";

describe("the breaker (pure)", () => {
  test.each([
    ["3 red runs in a row trip it at 3", [red(), red(), red()], 3, true],
    ["2 red runs do not", [red(), red()], 3, false],
    ["a catch between red runs starts the count again", [red(), red(), entry(), red()], 3, false],
    ["a reset starts the count again", [red(), red(), red(), entry({ kind: "reset", category: "command" })], 3, false],
    ["red runs after a reset trip it again", [red(), red(), red(), entry({ kind: "reset" }), red(), red(), red()], 3, true],
    ["the same run twice counts once", [red({ runId: 1 }), red({ runId: 1, id: "x" }), red({ runId: 2 })], 3, false],
    ["after: 0 never trips", [red(), red(), red(), red()], 0, false],
    ["after: 1 trips on the first red run", [red()], 1, true],
    ["another job's catch does not reset it", [red(), red(), entry({ job: "lint" }), red()], 3, true],
    ["the same job name in another workflow is another job", [red(), red({ workflow: "Nightly" }), red()], 3, false],
  ])("%s", (_name, entries, after, tripped) => {
    expect(trippedJobs(entries as LedgerEntry[], after as number).size > 0).toBe(tripped);
  });

  test("a run whose failed jobs include a tripped one is refused, with how to reset it", () => {
    const trips = trippedJobs([red(), red(), red()], 3);
    expect(breakerRefusal("CI", ["lint"], trips, 3)).toBeNull();
    const refusal = breakerRefusal("CI", ["lint", "test"], trips, 3)!;
    expect(refusal.reason).toBe("breaker");
    expect(refusal.message).toContain('"test" failed on every attempt of the last 3 runs');
    expect(refusal.message).toContain("/rerun reset test");
    expect(breakerRefusal("Nightly", ["test"], trips, 3)).toBeNull();
    expect(passedTripped("CI", ["test", "lint"], trips)).toEqual(["test"]);
  });
});

describe("the summary and the dashboard (pure)", () => {
  test("catches in 7 and 30 days, red runs, cost, category and the weekly chart", () => {
    const s = summarize(
      [
        entry({ at: NOW - 2 * DAY }),
        entry({ at: NOW - 10 * DAY, category: "rule", evidence: "e2e flakes" }),
        entry({ at: NOW - 12 * DAY, category: "rule" }),
        entry({ at: NOW - 40 * DAY }),
        red({ at: NOW - 3 * DAY }),
        entry({ job: "lint", at: NOW - 1 * DAY, category: "any" }),
      ],
      NOW,
    );
    expect(s.rows.map((r) => [r.job, r.catches7, r.catches30, r.red30, r.category])).toEqual([
      ["test", 1, 3, 1, "rule"],
      ["lint", 1, 1, 0, "any"],
    ]);
    expect(s.catches30).toBe(4);
    expect(s.costSeconds30).toBe(4 * 60); // the catches in 30 days
    expect(s.redSeconds30).toBe(60);
    expect(s.weekly).toEqual([0, 0, 1, 0, 0, 0, 2, 2]); // 40 days ago; 10 and 12; 1 and 2
  });

  test("500 flaky jobs render within GitHub's issue limit, with what did not fit counted", () => {
    const entries: LedgerEntry[] = [];
    for (let i = 0; i < 500; i++) {
      const job = `integration tests (ubuntu-latest, node ${i}, shard ${i % 7} of 7, with a rather long matrix name)`;
      for (let k = 0; k <= i % 3; k++) entries.push(entry({ job, at: NOW - (k + 1) * DAY, evidence: "The hosted runner lost communication with the server. ".repeat(3) }));
    }
    for (let i = 0; i < 40; i++) for (let k = 0; k < 3; k++) entries.push(red({ job: `broken ${i}`, runId: i * 10 + k }));
    const summary = summarize(entries, NOW);
    expect(summary.rows).toHaveLength(500);
    const trips = [...trippedJobs(entries, 3).values()];
    const body = renderDashboard({ repo: "o/r", summary, trips, runs30: new Map([[7, 4000]]), now: new Date(NOW) });
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body).toMatch(/…and \d+ more flaky jobs/);
    expect(body).toContain("## Stopped by the breaker");
    expect(body).toContain("```mermaid\nxychart-beta");
  });

  test("names from workflow files cannot break the table, mention anyone or link anywhere", () => {
    const summary = summarize([entry({ job: "a | b @org/team [x](https://evil)" })], NOW);
    const body = renderDashboard({ repo: "o/r", summary, trips: [], runs30: new Map([[7, 20]]), now: new Date(NOW) });
    const row = body.split("\n").find((l) => l.includes("a \\| b"))!;
    expect(row).toContain("@\u200borg");
    expect(row).not.toContain("](https://evil)");
    expect(row).toContain("| 5% |"); // 1 catch in 20 runs of the workflow
    expect(renderStats(summary, [])).toContain("1 catch in 1 job");
  });
});

test("the README's dashboard example is what the bot renders", () => {
  const readme = readFileSync("README.md", "utf8");
  const block = /````markdown\n([\s\S]*?)\n````/.exec(readme);
  expect(block?.[1]).toBe(sampleDashboard());
});

/** A fresh data directory for `fn`, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ledger-"));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ledger storage", () => {
  test("bounded: older than 90 days dropped, the same id once, at most the cap per repo", () => {
    const old = entry({ at: NOW - 91 * DAY });
    const a = entry();
    const many = Array.from({ length: LEDGER_CAP_PER_REPO + 10 }, (_, i) => entry({ at: NOW - DAY + i }));
    expect(boundEntries([old, a, { ...a }], NOW)).toEqual([a]);
    expect(boundEntries(many, NOW)).toHaveLength(LEDGER_CAP_PER_REPO);
  });

  test("the file ledger survives a restart (a new instance on the same directory), and drops torn lines", async () =>
    inTempDir(async (dir) => {
      const first = new FileLedger(dir, () => NOW);
      await first.add("O/R", [entry({ job: "one" }), entry({ job: "two" })]);
      await first.setMeta("o/r", "dashboard-issue", "17");
      const file = join(dir, "ledger", readdirSync(join(dir, "ledger")).find((f) => f.endsWith(".jsonl"))!);
      // A crash in the middle of a write leaves a torn last line.
      writeFileSync(file, readFileSync(file, "utf8") + '{"id":"torn');
      const second = new FileLedger(dir, () => NOW);
      expect((await second.list("o/r")).map((e) => e.job)).toEqual(["one", "two"]);
      expect(await second.getMeta("O/R", "dashboard-issue")).toBe("17");
      expect(await second.list("other/repo")).toEqual([]);
    }));

  test("the file ledger compacts itself past its cap and keeps the newest", async () =>
    inTempDir(async (dir) => {
      const ledger = new FileLedger(dir, () => NOW);
      const batch = (n: number, from: number) => Array.from({ length: n }, (_, i) => entry({ at: NOW - DAY + from + i, job: `j${from + i}` }));
      await ledger.add("o/r", batch(LEDGER_CAP_PER_REPO, 0));
      await ledger.add("o/r", batch(1_500, LEDGER_CAP_PER_REPO));
      const again = new FileLedger(dir, () => NOW);
      const list = await again.list("o/r");
      expect(list).toHaveLength(LEDGER_CAP_PER_REPO);
      expect(list.at(-1)!.job).toBe(`j${LEDGER_CAP_PER_REPO + 1_499}`);
    }));

  test("concurrent appends to one repo all land", async () =>
    inTempDir(async (dir) => {
      const ledger = new FileLedger(dir, () => NOW);
      await Promise.all(Array.from({ length: 30 }, (_, i) => ledger.add("o/r", [entry({ job: `j${i}` })])));
      expect(await new FileLedger(dir, () => NOW).list("o/r")).toHaveLength(30);
    }));

  test("the memory ledger (the Action) keeps entries for one process", async () => {
    const ledger = new MemoryLedger(() => NOW);
    await ledger.add("o/r", [entry()]);
    expect(await ledger.list("O/R")).toHaveLength(1);
  });

  test("repos(): every repo with a ledger, as kept (lower case), sorted; meta alone is no ledger", async () => {
    const memory = new MemoryLedger(() => NOW);
    expect(await memory.repos()).toEqual([]);
    await memory.add("O/R", [entry()]);
    await memory.add("acme/web-app", [entry()]);
    await memory.add("empty/none", []);
    await memory.setMeta("meta/only", "dashboard-issue", "3");
    expect(await memory.repos()).toEqual(["acme/web-app", "o/r"]);
  });

  test("repos() of the file ledger: from its files, so a restart lists the same (odd names included)", async () =>
    inTempDir(async (dir) => {
      const first = new FileLedger(dir, () => NOW);
      expect(await first.repos()).toEqual([]);
      await first.add("O/R", [entry()]);
      await first.add("acme/web.app_2", [entry()]);
      await first.setMeta("meta/only", "dashboard-issue", "3");
      expect(await first.repos()).toEqual(["acme/web.app_2", "o/r"]);
      expect(await new FileLedger(dir, () => NOW).repos()).toEqual(["acme/web.app_2", "o/r"]);
    }));
});

describeWithRedis("the Redis ledger, shared by two instances", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  test("what one instance records the other reads; a duplicate from a race counts once", async () => {
    const a = new RedisStore(redis.url);
    const b = new RedisStore(redis.url);
    try {
      const one = new RedisLedger(a, () => NOW);
      const two = new RedisLedger(b, () => NOW);
      const same = entry({ job: "raced" });
      await Promise.all([one.add("o/r", [same]), two.add("o/r", [{ ...same }]), two.add("o/r", [entry({ job: "other" })])]);
      expect((await one.list("o/r")).map((e) => e.job).sort()).toEqual(["other", "raced"]);
      await one.setMeta("o/r", "dashboard-issue", "9");
      expect(await two.getMeta("O/R", "dashboard-issue")).toBe("9");
      // A restart of an instance is a new client: the ledger is in Redis, not in the process.
      const c = new RedisStore(redis.url);
      expect(await new RedisLedger(c, () => NOW).list("o/r")).toHaveLength(2);
      await c.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("repos(): an index both instances write; ledgers from before the index found once by a scan; expired ones leave it", async () => {
    const a = new RedisStore(redis.url);
    const b = new RedisStore(redis.url);
    try {
      await a.ready();
      await a.client.flushall();
      // Written by a version without the index.
      await a.client.rpush("ledger:old/repo", JSON.stringify(entry()));
      await a.client.hset("ledger:meta-only/repo:meta", "dashboard-issue", "4");
      const one = new RedisLedger(a, () => NOW);
      await new RedisLedger(b, () => NOW).add("Acme/App", [entry()]);
      expect(await one.repos()).toEqual(["acme/app", "old/repo"]);
      // Expired after 90 days without a write.
      await a.client.del("ledger:old/repo");
      expect(await one.repos()).toEqual(["acme/app"]);
      expect(await a.client.smembers("ledger-repos")).toEqual(["acme/app"]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
