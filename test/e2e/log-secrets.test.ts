/**
 * What the logs hold (README, "Data and privacy"): the real server at LOG_LEVEL=trace, driven through
 * a re-run, a GitHub error, a command, a forged delivery and a recovery round against the fake
 * GitHub, never writes a credential: not the installation token GitHub issued, not the app's JWT, not
 * WEBHOOK_SECRET, not the private key, nor a credential a client sent in a header.
 */
import { mkdtempSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { privateKey, SECRET, startBot, type Bot } from "./server.js";
import { apiJob, apiRun, commentEvent, workflowRunEvent } from "../helpers/events.js";
import { waitFor } from "../helpers/net.js";

const github = new FakeGitHub();
let bot: Bot;

beforeAll(async () => {
  await github.start();
  github.installationToken = `ghs_${randomBytes(18).toString("hex")}`;
});

afterAll(async () => {
  await bot?.stop();
  await github.stop();
});

const recent = () => new Date(Date.now() - 3_600_000).toISOString();

test("a verbose run logs what happened and no credential", async () => {
  github.repo("o/r", {
    config: "auto:\n  enabled: true\n  log-patterns: ['ECONNRESET']\n",
    runs: [apiRun({ created_at: recent() }), apiRun({ id: 43, created_at: recent() })],
    jobs: { 42: [apiJob()], 43: [apiJob({ id: 301, run_id: 43 })] },
    logs: { 100: "npm ERR! ECONNRESET\n", 301: "npm ERR! ECONNRESET\n" },
    permissions: { maint: "write" },
    pulls: { 5: "abc123" },
  });
  // GitHub refuses the first check run (Octokit does not retry a 422): the error, with the request
  // that failed, goes to the log.
  github.inject("POST", /\/check-runs$/, 422, { message: "Validation Failed" });
  bot = await startBot(github.port, {
    LOG_LEVEL: "trace",
    WORK_QUEUE: "file",
    DATA_DIR: mkdtempSync(join(tmpdir(), "rerun-logs-")),
    RECOVERY_INTERVAL_MINUTES: "5", // a recovery round at start: GitHub asked with the app's JWT
  });
  const base = `http://127.0.0.1:${bot.port}`;

  expect(await bot.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
  expect(await bot.send("workflow_run", workflowRunEvent({ id: 43, created_at: recent() }))).toBe(200);
  expect(await bot.send("issue_comment", commentEvent("/rerun", { login: "maint" }))).toBe(200);
  expect(await bot.send("issue_comment", commentEvent("/rerun"), { signature: "sha256=00" })).toBe(400);
  // A client's credentials in headers (a metrics scraper's bearer token, a browser's session cookie).
  const clientToken = `scrape-${randomBytes(12).toString("hex")}`;
  const cookie = `session-${randomBytes(12).toString("hex")}`;
  const health = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${clientToken}`, cookie: `sid=${cookie}` } });
  expect(health.status).toBe(200);

  const reruns = () => github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/rerun-failed-jobs"));
  await waitFor(() => reruns().some((r) => r.path.includes("/runs/42/")) && reruns().some((r) => r.path.includes("/runs/43/")), 20_000);
  // Both runs' reports were written or refused (they follow the re-runs, as later work).
  const reports = () => github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/check-runs")).length;
  await waitFor(() => github.comments.length >= 1 && github.checkRuns.length >= 1 && reports() >= 2, 20_000).catch((e) => { console.log(github.calls(), bot.output().slice(-6000)); throw e; });
  await bot.stop();
  const logs = bot.output();

  // The logs were verbose: GitHub's calls, the failed one and the request lines are there.
  expect(logs).toMatch(/POST \S*\/repos\/o\/r\/actions\/runs\/42\/rerun-failed-jobs/);
  expect(logs).toMatch(/GET \/health 200/);
  expect(logs).toMatch(/Validation Failed/);
  expect(logs.length).toBeGreaterThan(5_000);

  // Every credential GitHub saw, as the bot sent it (the app's JWTs, the installation token).
  const sent = new Set(github.requests.map((r) => String(r.headers.authorization ?? "").replace(/^(bearer|token)\s+/i, "")).filter(Boolean));
  expect([...sent].some((c) => c.startsWith("ey"))).toBe(true); // a JWT was used
  expect(sent.has(github.installationToken)).toBe(true);
  const secrets = [...sent, SECRET, clientToken, cookie, ...keyLines()];
  expect(secrets.filter((s) => logs.includes(s))).toEqual([]);
  // The secret's first half too: nothing echoes part of it.
  expect(logs).not.toContain(SECRET.slice(0, 12));
}, 60_000);

/** The private key's base64 lines: any one of them in a log is the key leaking, escaped or not. */
function keyLines(): string[] {
  return privateKey()
    .split("\n")
    .filter((l) => l.length >= 40 && !l.startsWith("-----"));
}
