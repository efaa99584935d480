/**
 * Fair and fast under load (issue 23), against the real server and the fake GitHub: one noisy
 * installation (A, a storm of failed runs in 10 repos) does not hold back another (B), nor a
 * /rerun typed during the storm; a rate-limited installation is parked, not hammered, and loses
 * nothing. With the embedded queue, and with Redis and two instances.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import type { Bot } from "./server.js";
import { botSuite, twoInstancesOnRedis } from "./bot-suite.js";
import { apiRun, commentEvent, inRepo, workflowRunEvent } from "../helpers/events.js";
import { describeWithRedis } from "../helpers/redis.js";
import { waitFor } from "../helpers/net.js";

const A = 11;
const B = 22;
const recent = () => new Date(Date.now() - 3_600_000).toISOString();
const CONFIG = "auto:\n  enabled: true\n  budget:\n    per-hour: 1000\n    per-commit: 100\n";

/** A's runs over 10 repos (a/r0..a/r9), each on its own commit; B's one run in b/r. */
function installations(github: FakeGitHub, runsOfA: number) {
  const a = Array.from({ length: runsOfA }, (_, i) => ({ repo: `a/r${i % 10}`, run: apiRun({ id: 10_000 + i, head_sha: `sha${i}`, created_at: recent(), pull_requests: [] }) }));
  for (let r = 0; r < 10; r++) {
    github.repo(`a/r${r}`, { config: CONFIG, runs: a.filter((x) => x.repo === `a/r${r}`).map((x) => x.run), permissions: { maint: "write" }, pulls: { 5: "pr-sha" } });
  }
  // The pull request's failed run, for a /rerun typed during the storm.
  github.repos.get("a/r0")!.runs.push(apiRun({ id: 19_999, head_sha: "pr-sha", created_at: recent() }));
  github.repo("b/r", { config: CONFIG, runs: [apiRun({ id: 20_000, head_sha: "shab", created_at: recent(), pull_requests: [] })] });
  return a;
}

const rerunAt = (github: FakeGitHub, repo: string, runId: number) =>
  github.requests.find((r) => r.method === "POST" && r.path === `/repos/${repo}/actions/runs/${runId}/rerun-failed-jobs` && !github.limits.some((l) => r.at < l.untilMs && l.path.test(r.path)))?.at;
const rerunsOfA = (github: FakeGitHub) => github.requests.filter((r) => r.method === "POST" && r.path.startsWith("/repos/a/") && r.path.endsWith("/rerun-failed-jobs")).length;

/** Sends A's storm, 20 webhooks at a time, spread over the given bots. */
async function sendStorm(bots: Bot[], a: ReturnType<typeof installations>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < a.length) {
        const i = next++;
        const event = inRepo(workflowRunEvent({ id: a[i].run.id, head_sha: `sha${i}`, pull_requests: [], created_at: recent() }), a[i].repo, A);
        expect(await bots[i % bots.length].send("workflow_run", event)).toBe(200);
      }
    }),
  );
}

async function sendB(bot: Bot): Promise<number> {
  const sent = Date.now();
  expect(await bot.send("workflow_run", inRepo(workflowRunEvent({ id: 20_000, head_sha: "shab", pull_requests: [], created_at: recent() }), "b/r", B))).toBe(200);
  return sent;
}

describe("fairness with the embedded queue", () => {
  const github = new FakeGitHub();
  const suite = botSuite(github);
  const bot = () => suite.bot(mkdtempSync(join(tmpdir(), "rerun-fair-")), { WORK_QUEUE: "file" });

  test("A has 100 failed runs queued; B's one failed run is re-run within seconds", async () => {
    const a = installations(github, 100);
    const b = await bot();
    await sendStorm([b], a);
    const sent = await sendB(b);
    await waitFor(() => rerunAt(github, "b/r", 20_000) !== undefined, 30_000);
    const waited = rerunAt(github, "b/r", 20_000)! - sent;
    expect(waited).toBeLessThan(5_000);
    expect(rerunsOfA(github)).toBeLessThan(50); // A's storm is far from done: B did not wait for it
  }, 60_000);

  test("/rerun typed during A's storm is re-run and answered within seconds", async () => {
    const a = installations(github, 100);
    const b = await bot();
    await sendStorm([b], a);
    const sent = Date.now();
    expect(await b.send("issue_comment", inRepo(commentEvent("/rerun", { id: 8_001 }), "a/r0", A))).toBe(200);
    await waitFor(() => rerunAt(github, "a/r0", 19_999) !== undefined && github.comments.length > 0, 30_000);
    expect(rerunAt(github, "a/r0", 19_999)! - sent).toBeLessThan(8_000);
    expect(rerunsOfA(github)).toBeLessThan(50);
  }, 60_000);

  test("A's writes meet a secondary limit (retry-after: 20) with 30 runs to re-run: A is parked, B goes on, all 30 are re-run once after", async () => {
    const a = installations(github, 30);
    const b = await bot();
    const limit = github.limit(/^\/repos\/a\//, Date.now() + 20_000, 20);
    await sendStorm([b], a);
    const sent = await sendB(b);
    await waitFor(() => rerunAt(github, "b/r", 20_000) !== undefined, 15_000);
    expect(rerunAt(github, "b/r", 20_000)! - sent).toBeLessThan(5_000);
    // While parked, A's work waits in the queue: only the calls already on their way met the limit.
    await waitFor(() => Date.now() > limit.untilMs, 25_000);
    const whileParked = github.requests.filter((r) => r.path.startsWith("/repos/a/") && r.at < limit.untilMs).length;
    expect(limit.answered).toBeLessThanOrEqual(8);
    expect(whileParked).toBeLessThanOrEqual(30);
    await waitFor(() => a.every((x) => rerunAt(github, x.repo, x.run.id) !== undefined), 120_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const made = github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/rerun-failed-jobs") && r.at >= limit.untilMs && r.path.startsWith("/repos/a/"));
    expect(made).toHaveLength(30);
    expect(new Set(made.map((r) => r.path)).size).toBe(30);
  }, 180_000);
});

describeWithRedis("fairness with Redis and two instances", () => {
  const github = new FakeGitHub();
  const { bots } = twoInstancesOnRedis(github);

  test("A has 100 failed runs queued over both instances; B's one failed run is re-run within seconds", async () => {
    const a = installations(github, 100);
    await sendStorm(bots, a);
    const sent = await sendB(bots[1]);
    await waitFor(() => rerunAt(github, "b/r", 20_000) !== undefined, 30_000).catch((e) => {
      throw new Error(`${e.message}\n${bots[1].output().slice(-3000)}`);
    });
    expect(rerunAt(github, "b/r", 20_000)! - sent).toBeLessThan(5_000);
    expect(rerunsOfA(github)).toBeLessThan(50);
    expect(github.unknownRoutes).toEqual([]);
  }, 60_000);
});
