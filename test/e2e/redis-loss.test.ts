/**
 * A Redis that loses its data (restarted without persistence) during a storm of 50 failed runs,
 * against the real server and the fake GitHub: the bot notices from its marker, rebuilds its
 * throttling and workers, and asks GitHub to redeliver every delivery it acts on since the data
 * began, those answered 2xx included. None of the 50 is lost, none re-run twice, and re-runs go out
 * again within seconds of Redis being back (no handler fails on the throttling's lost settings).
 */
import { FakeGitHub } from "./fake-github.js";
import { SECRET, startBot, type Bot } from "./server.js";
import { apiRun, workflowRunEvent } from "../helpers/events.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis.js";
import { freePort, waitFor } from "../helpers/net.js";

const RUNS = 50;
const recent = () => new Date(Date.now() - 3_600_000).toISOString();

describeWithRedis("Redis restarted empty during a storm", () => {
  const github = new FakeGitHub();
  let redis: RedisServer;
  let bot: Bot;

  beforeAll(async () => {
    await github.start();
    redis = await startRedis();
    const port = await freePort();
    github.webhookTarget = { url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: SECRET };
    // Recovery on (its periodic round far off): the replay after a loss needs the deliveries API.
    bot = await startBot(github.port, { REDIS_URL: redis.url, WORK_QUEUE: "redis", RECOVERY_INTERVAL_MINUTES: "60" }, undefined, port);
  }, 30_000);

  afterAll(async () => {
    await bot?.stop();
    await redis?.stop();
    await github.stop();
  });

  test(`${RUNS} failed runs, Redis restarted empty after half: after the replay none lost, none doubled; handlers work at once`, async () => {
    const runs = Array.from({ length: RUNS }, (_, i) => apiRun({ id: 700 + i, head_sha: `sha${i}`, created_at: recent(), pull_requests: [] }));
    github.repo("o/r", { config: "auto:\n  enabled: true\n  budget:\n    per-hour: 1000\n", runs });
    // Each delivery as GitHub records it, with the bot's answer (0: no answer).
    const send = async (id: number, sha: string) => {
      const payload = workflowRunEvent({ id, head_sha: sha, pull_requests: [], created_at: recent() });
      const guid = `storm-${id}`;
      const status = await bot.send("workflow_run", payload, { id: guid }).catch(() => 0);
      github.addDelivery("workflow_run", payload as never, status, guid);
      return status;
    };
    for (const [i, run] of runs.slice(0, RUNS / 2).entries()) expect(await send(run.id, `sha${i}`)).toBe(200);
    // Redis goes away with what it held (no persistence), and comes back empty on the same port.
    await redis.stop();
    redis = await startRedis({ port: redis.port });
    const back = Date.now();
    for (const [i, run] of runs.slice(RUNS / 2).entries()) await send(run.id, `sha${i + RUNS / 2}`);
    const rerun = (id: number) => github.requests.filter((r) => r.method === "POST" && r.path === `/repos/o/r/actions/runs/${id}/rerun-failed-jobs`);
    // Re-runs go out again within seconds (the throttling's settings were rebuilt).
    const rerunsAfter = () => github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/rerun-failed-jobs") && r.at > back);
    await waitFor(() => rerunsAfter().length > 0, 10_000);
    expect(rerunsAfter()[0].at - back).toBeLessThan(8_000);
    // The replay's redeliveries are app writes, a second apart, and so are the re-runs: minutes.
    await waitFor(() => runs.every((r) => r.run_attempt === 2), 170_000).catch((e) => {
      throw new Error(`${e.message}: attempts ${runs.map((r) => `${r.id}:${r.run_attempt}`).join(" ")}\n${bot.output().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 3_000)); // a late second re-run would show by now
    expect(runs.map((r) => r.run_attempt)).toEqual(runs.map(() => 2));
    expect(runs.map((r) => rerun(r.id).length)).toEqual(runs.map(() => 1));
    expect(github.deliveries.some((d) => d.redelivery && d.status_code === 200)).toBe(true);
    // Once rebuilt, no handler failed on the throttling's lost settings.
    const rebuilt = bot.output().split("\n").findIndex((l) => l.includes("Redis lost its data"));
    expect(rebuilt).toBeGreaterThanOrEqual(0);
    expect(bot.output().split("\n").slice(rebuilt + 1).filter((l) => l.includes("SETTINGS_KEY_NOT_FOUND"))).toEqual([]);
    expect(github.unknownRoutes).toEqual([]);
    console.log(`Redis lost: last of ${RUNS} re-run ${((Math.max(...runs.flatMap((r) => rerun(r.id).map((x) => x.at))) - back) / 1000).toFixed(0)} s after Redis was back`);
  }, 260_000);
});
