/**
 * Several instances behind a load balancer: two real server processes share one redis-server and
 * one fake GitHub. Every event is delivered to both at once, several times over.
 */
import { FakeGitHub } from "./fake-github.js";
import type { Bot } from "./server.js";
import { twoInstancesOnRedis } from "./bot-suite.js";
import { apiRun, commentEvent, workflowRunEvent } from "../helpers/events.js";
import { describeWithRedis } from "../helpers/redis.js";
import { Redis } from "ioredis";
import { waitFor } from "../helpers/net.js";

const RUNS = 10;
const COPIES = 3; // deliveries of each event to each instance

/**
 * Probot answers 202 when a handler runs past 9 s, and with Redis its throttling spaces one
 * installation's writes a second apart across all instances: wait for GitHub to see the writes.
 */
const answered = (s: number) => s === 200 || s === 202;

describeWithRedis("two instances sharing Redis", () => {
  const github = new FakeGitHub();
  const { bots, redis } = twoInstancesOnRedis(github);

  beforeEach(() => github.reset());
  afterEach(() => expect(github.unknownRoutes).toEqual([]));

  const recent = () => new Date(Date.now() - 3_600_000).toISOString();

  test(`${RUNS} failed runs, each delivered ${COPIES * 2} times to two instances at once: one re-run each`, async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: Array.from({ length: RUNS }, (_, i) => apiRun({ id: 500 + i, created_at: recent() })) });
    const deliveries: Promise<number>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const payload = workflowRunEvent({ id: 500 + i, created_at: recent() });
      for (let c = 0; c < COPIES; c++) for (const bot of bots) deliveries.push(bot.send("workflow_run", payload, { id: `run-${i}-${c}` }));
    }
    const statuses = await Promise.all(deliveries);
    expect(statuses.every(answered)).toBe(true);
    await waitFor(() => github.checkRuns.length >= RUNS, 60_000);
    await new Promise((r) => setTimeout(r, 2_000)); // a late duplicate would show by now
    const reruns = github.calls().filter((c) => c.includes("rerun-failed-jobs"));
    expect(reruns).toHaveLength(RUNS);
    expect(new Set(reruns).size).toBe(RUNS);
    expect(github.checkRuns).toHaveLength(RUNS);
    // A cold cache is read at most once per instance (they race the first event), then shared.
    expect(github.calls().filter((c) => c.includes("/contents/")).length).toBeLessThanOrEqual(2);
    // The claims and the config live in Redis, and so does Probot's write throttling (Bottleneck's keys).
    const client = new Redis(redis.url);
    const keys = await client.keys("*");
    client.disconnect();
    expect(keys.filter((k) => k.startsWith("rerun-bot:auto:o/r:"))).toHaveLength(RUNS);
    expect(keys.some((k) => k.startsWith("rerun-bot:config:"))).toBe(true);
    expect(keys.some((k) => k.startsWith("b_"))).toBe(true);
  }, 120_000);

  test("the same /rerun comment delivered to both instances at once: one re-run, one reply", async () => {
    github.repo("o/r", { runs: [apiRun({ id: 600, created_at: recent() })], permissions: { maint: "write" }, pulls: { 5: "abc123" } });
    const payload = commentEvent("/rerun", { id: 7_001 });
    const statuses = await Promise.all(bots.flatMap((bot, b) => Array.from({ length: COPIES }, (_, c) => bot.send("issue_comment", payload, { id: `c-${b}-${c}` }))));
    expect(statuses.every(answered)).toBe(true);
    await waitFor(() => github.comments.length >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(github.calls().filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  }, 60_000);

  test("a config push received by one instance refreshes the config for both", async () => {
    // A commit of its own: the suite has re-run its other commit up to auto.budget.per-commit already.
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [apiRun({ id: 700, head_sha: "sha700", created_at: recent() }), apiRun({ id: 701, head_sha: "sha700", created_at: recent() })] });
    await bots[0].send("workflow_run", workflowRunEvent({ id: 700, head_sha: "sha700", created_at: recent() }));
    // Work is queued: wait until it is done (re-run and check run) before changing the config.
    await waitFor(() => github.calls().includes("POST /repos/o/r/actions/runs/700/rerun-failed-jobs") && github.checkRuns.length === 1, 20_000);
    github.repos.get("o/r")!.config = "auto:\n  enabled: false\n";
    const push = {
      ref: "refs/heads/main",
      repository: { name: "r", full_name: "o/r", default_branch: "main", owner: { login: "o", name: "o" } },
      commits: [{ modified: [".github/rerun.yml"] }],
      installation: { id: 1 },
    };
    expect(await bots[0].send("push", push)).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500)); // the push is handled by a worker
    const reads = () => github.calls().filter((c) => c.includes("/contents/")).length;
    const before = reads();
    await bots[1].send("workflow_run", workflowRunEvent({ id: 701, head_sha: "sha700", created_at: recent() }));
    await waitFor(() => reads() > before, 20_000); // the other instance read the file again
    await new Promise((r) => setTimeout(r, 1_500));
    expect(github.calls()).not.toContain("POST /repos/o/r/actions/runs/701/rerun-failed-jobs");
  }, 60_000);

  test("/health reports Redis; with Redis down, no re-run happens and quiet events are still answered", async () => {
    const health = async (bot: Bot) => (await fetch(`http://127.0.0.1:${bot.port}/health`)).json();
    expect(await health(bots[0])).toEqual({ ok: true, redis: "ok" });
    await redis.stop();
    expect(await health(bots[1])).toEqual({ ok: true, redis: "unreachable" });
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [apiRun({ id: 800, created_at: recent() })] });
    expect(await bots[0].send("workflow_run", workflowRunEvent({ id: 800, created_at: recent() }))).toBe(503);
    expect(github.calls().filter((c) => c.includes("rerun-failed-jobs"))).toEqual([]);
    expect(await bots[0].send("workflow_run", workflowRunEvent({ id: 801, conclusion: "success", created_at: recent() }))).toBe(200);
    expect(await bots[1].send("issue_comment", commentEvent("LGTM"))).toBe(200);
    expect(bots.every((b) => b.proc.exitCode === null)).toBe(true);
  }, 60_000);
});
