/**
 * End to end: the real server process (Probot's HTTP server, signature checks, env handling, the
 * real Octokit with auth, retries and throttling) against the fake GitHub on 127.0.0.1.
 */
import { FakeGitHub, routeCount } from "./fake-github.js";
import { E2E_APP_ID, env, freePort, sign, spawnMain, startBot, type Bot } from "./server.js";
import { apiJob, apiRun, buttonEvent, commentEvent, workflowRunEvent } from "../helpers/events.js";
import { examples } from "../helpers/examples.js";
import { waitFor } from "../helpers/net.js";

const github = new FakeGitHub();
let bot: Bot;

beforeAll(async () => {
  await github.start();
  bot = await startBot(github.port);
}, 30_000);

afterAll(async () => {
  await bot?.stop();
  await github.stop();
});

/** One server serves every test: a push of the config file drops its cached config, as in production. */
beforeEach(async () => {
  github.reset();
  const push = {
    ref: "refs/heads/main",
    repository: { name: "r", full_name: "o/r", default_branch: "main", owner: { login: "o", name: "o" } },
    commits: [{ modified: [".github/rerun.yml"] }],
    installation: { id: 1 },
  };
  expect(await bot.send("push", push)).toBe(200);
});

afterEach(() => {
  // Any call the bot made to a route GitHub does not have is a bug, whatever the test checked.
  expect(github.unknownRoutes).toEqual([]);
});

const recent = () => new Date(Date.now() - 86_400_000).toISOString();
const failedRun = (over: Record<string, unknown> = {}) => apiRun({ created_at: recent(), ...over });
const event = (over: Record<string, unknown> = {}) => workflowRunEvent({ created_at: recent(), ...over } as never);

describe("the server", () => {
  test("the fake knows GitHub's route list", () => {
    expect(routeCount).toBeGreaterThan(900);
  });

  test("a failed run in an opted-in repo is re-run, and the check run reports it", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun()], pulls: { 5: "abc123" } });
    expect(await bot.send("workflow_run", event())).toBe(200);
    expect(github.calls()).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      "GET /repos/o/r/actions/runs/42",
      "GET /repos/o/r/pulls/5",
      "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
      "POST /repos/o/r/check-runs",
    ]);
    expect(github.checkRuns[0]).toMatchObject({ name: "rerun-bot (CI)", head_sha: "abc123", external_id: "42" });
    // The bot authenticated as an installation, with a token from the app's JWT.
    expect(github.requests.find((r) => r.path.includes("access_tokens"))!.headers.authorization).toMatch(/^bearer /i);
    expect(github.requests.at(-1)!.headers.authorization).toBe("token ghs_fake");
  });

  test("log patterns: the log is fetched through GitHub's 302 redirect, tail only", async () => {
    github.repo("o/r", {
      config: "auto:\n  enabled: true\n  log-patterns: ['ECONNRESET']\n",
      runs: [failedRun({ id: 43 })],
      jobs: { 43: [apiJob({ id: 300, run_id: 43 })] },
      logs: { 300: "x".repeat(200_000) + "\nnpm ERR! ECONNRESET\n" },
    });
    expect(await bot.send("workflow_run", event({ id: 43 }))).toBe(200);
    expect(github.calls()).toContain("POST /repos/o/r/actions/runs/43/rerun-failed-jobs");
    const logFetch = github.requests.find((r) => r.path === "/_logs/300")!;
    expect(logFetch.headers.range).toBe("bytes=-65536");
  });

  test("/rerun and /rerun job: from a maintainer", async () => {
    github.repo("o/r", {
      runs: [failedRun()],
      jobs: { 42: [apiJob({ id: 100, name: "test (ubuntu, 20)" })] },
      permissions: { maint: "maintain" },
      pulls: { 5: "abc123" },
    });
    expect(await bot.send("issue_comment", commentEvent("/rerun job:test (ubuntu, 20)"))).toBe(200);
    expect(github.calls()).toContain("POST /repos/o/r/actions/jobs/100/rerun");
    expect(github.comments[0].body).toContain("job `test (ubuntu, 20)`");
    // The run is now queued again: a second /rerun is explained, not sent to GitHub.
    github.requests.length = 0;
    expect(await bot.send("issue_comment", commentEvent("/rerun", { id: 901 }))).toBe(200);
    expect(github.calls().filter((c) => c.startsWith("POST /repos/o/r/actions"))).toEqual([]);
    expect(github.comments[1].body).toContain("still in progress");
  });

  test("/rerun from a reader is refused", async () => {
    github.repo("o/r", { runs: [failedRun()], permissions: { reader: "read" }, pulls: { 5: "abc123" } });
    expect(await bot.send("issue_comment", commentEvent("/rerun", { login: "reader", id: 902 }))).toBe(200);
    expect(github.calls().some((c) => c.includes("/actions/"))).toBe(false);
    expect(github.comments[0].body).toContain("needs the write role or higher");
  });

  test("the button on the bot's check run", async () => {
    github.repo("o/r", { runs: [failedRun()], permissions: { maint: "write" } });
    expect(await bot.send("check_run", buttonEvent({ appId: E2E_APP_ID }))).toBe(200);
    expect(github.calls()).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(github.calls()).toContain("POST /repos/o/r/check-runs");
  });

  test("a run too old is refused before GitHub is asked", async () => {
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 50, created_at: old })] });
    expect(await bot.send("workflow_run", event({ id: 50, created_at: old }))).toBe(200);
    expect(github.calls()).toEqual(["GET /repos/o/r/contents/.github/rerun.yml", "POST /repos/o/r/check-runs"]);
    expect(github.checkRuns[0].output.title).toBe("Not re-run: too old");
  });
});

describe("hardening", () => {
  test("unsigned and wrongly signed deliveries: 4xx and no GitHub call", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun()] });
    const payload = event();
    const statuses: number[] = [
      await bot.send("workflow_run", payload, { signature: null }),
      await bot.send("workflow_run", payload, { signature: sign(JSON.stringify(payload), "wrong-secret") }),
      await bot.send("workflow_run", payload, { signature: "sha256=00" }),
      await bot.send("workflow_run", payload, { signature: sign(JSON.stringify({ ...payload, action: "x" })) }),
    ];
    // Events the bot ignores are answered early, but never before their signature is checked.
    const quiet = workflowRunEvent({ conclusion: "success" });
    statuses.push(await bot.send("workflow_run", quiet, { signature: null }));
    statuses.push(await bot.send("workflow_run", quiet, { signature: sign(JSON.stringify(quiet), "wrong-secret") }));
    statuses.push(await bot.send("issue_comment", commentEvent("LGTM"), { signature: "sha256=00" }));
    for (const s of statuses) expect(s).toBeGreaterThanOrEqual(400);
    for (const s of statuses) expect(s).toBeLessThan(500);
    expect(github.requests).toEqual([]);
  });

  test("every published example payload: never a 5xx, and not one GitHub call", async () => {
    let tried = 0;
    for (const { name, examples: list } of examples) {
      for (const payload of list) {
        const status = await bot.send(name, payload);
        expect({ name, action: payload.action, status }).toEqual({ name, action: payload.action, status: 200 });
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(300);
    expect(github.requests).toEqual([]);
    expect(bot.proc.exitCode).toBeNull();
  }, 60_000);

  test("the same delivery twice, and two deliveries of one event at once: one re-run", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 44 })] });
    const payload = event({ id: 44 });
    await bot.send("workflow_run", payload, { id: "same" });
    await bot.send("workflow_run", payload, { id: "same" });
    await Promise.all([bot.send("workflow_run", payload, { id: "a" }), bot.send("workflow_run", payload, { id: "b" })]);
    expect(github.calls().filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });

  test("GitHub 5xx on the re-run: retried a bounded number of times, then reported", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 45 })] });
    github.inject("POST", /rerun-failed-jobs$/, 502, { message: "Bad Gateway" }, { times: 10 });
    expect(await bot.send("workflow_run", event({ id: 45 }))).toBeLessThan(500);
    await waitFor(() => github.checkRuns.length === 1, 30_000);
    const attempts = github.calls().filter((c) => c.includes("rerun-failed-jobs")).length;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(github.checkRuns[0].output.summary).toContain("HTTP 502");
  }, 40_000);

  test("a 403 refusal is reported and not retried", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 46 })] });
    github.inject("POST", /rerun-failed-jobs$/, 403, { message: "This workflow run cannot be retried" });
    expect(await bot.send("workflow_run", event({ id: 46 }))).toBe(200);
    expect(github.calls().filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
    expect(github.checkRuns[0].output.summary).toContain("cannot be retried");
  });

  test("secondary rate limit: retry-after is honoured once", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 47 })] });
    github.inject("POST", /rerun-failed-jobs$/, 403, { message: "You have exceeded a secondary rate limit" }, { headers: { "retry-after": "1" } });
    const started = Date.now();
    expect(await bot.send("workflow_run", event({ id: 47 }))).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(github.calls().filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(2);
    expect(github.checkRuns[0].output.title).toBe("Re-ran failed jobs: attempt 2 of 3 started");
  });

  let configCase = 0;
  test.each([
    ["invalid YAML", "auto: [unclosed\n", /invalid YAML/],
    ["wrong types", "auto:\n  enabled: yes please\n  max-attempts: many\n", /auto\.enabled: must be boolean/],
    ["a 1 MB file", `auto:\n  enabled: true\n  jobs:\n${"    - x\n".repeat(140_000)}`, /must NOT have more than 50 items/],
    ["a pattern built to backtrack", "auto:\n  enabled: true\n  log-patterns: ['(a+)+$']\n", null],
  ])("config: %s gets a clear error or bounded work", async (name, yaml, error) => {
    const id = 60 + ++configCase; // a run of its own per case: the bot remembers the runs it saw
    github.repo("o/r", {
      config: yaml,
      runs: [failedRun({ id })],
      jobs: { [id]: [apiJob({ id: 400, run_id: id })] },
      logs: { 400: "a".repeat(60_000) + "b" },
    });
    const started = Date.now();
    expect(await bot.send("workflow_run", event({ id }))).toBe(200);
    expect(Date.now() - started).toBeLessThan(8_000);
    if (error) expect(github.checkRuns[0].output.summary).toMatch(error);
    else expect(github.checkRuns[0].output.title).toBe("Not re-run: real failure");
    expect(name).toBeTruthy();
  });
});

describe("dry-run", () => {
  test("auto.dry-run and commands.dry-run: reported as usual, no re-run endpoint called", async () => {
    github.repo("o/r", {
      config: "auto:\n  enabled: true\n  dry-run: true\ncommands:\n  dry-run: true\n",
      runs: [failedRun({ id: 98 })],
      permissions: { maint: "write" },
      pulls: { 5: "abc123" },
    });
    expect(await bot.send("workflow_run", event({ id: 98 }))).toBe(200);
    expect(await bot.send("issue_comment", commentEvent("/rerun", { id: 903 }))).toBe(200);
    expect(github.calls().filter((c) => c.startsWith("POST") && c.includes("rerun"))).toEqual([]);
    expect(github.checkRuns[0].output.title).toBe("Dry run: would re-run failed jobs (attempt 2 of 3)");
    expect(github.comments[0].body).toMatch(/^Dry run, would re-run:/);
  });
});

describe("operators", () => {
  test("GET /metrics: webhooks by outcome, re-runs by trigger and result, refusals, GitHub calls by status", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 95 })] });
    await bot.send("workflow_run", event({ id: 95 }));
    await bot.send("workflow_run", event({ id: 96, conclusion: "success" }));
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await bot.send("workflow_run", event({ id: 97, created_at: old }));
    const res = await fetch(`http://127.0.0.1:${bot.port}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}()[\].*+?^$|\\]/g, "\\$&")} (\\d+)`, "m").exec(text)?.[1] ?? 0);
    expect(value('rerunbot_webhooks_total{event="workflow_run",outcome="skipped"}')).toBeGreaterThan(0);
    expect(value('rerunbot_webhooks_total{event="workflow_run",outcome="handled"}')).toBeGreaterThan(0);
    expect(value('rerunbot_reruns_total{trigger="auto",result="ok"}')).toBeGreaterThan(0);
    expect(value('rerunbot_refusals_total{reason="too-old"}')).toBeGreaterThan(0);
    expect(value('rerunbot_github_requests_total{method="POST",route="/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs",status="201"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^rerunbot_process_resident_memory_bytes \d+/m);
    expect(text).not.toContain("o/r"); // no repo names in labels
  });

  test("GET /health without Redis", async () => {
    expect(await (await fetch(`http://127.0.0.1:${bot.port}/health`)).json()).toEqual({ ok: true, redis: "not configured" });
  });
});

describe("config refresh", () => {
  test("after the TTL the config is asked for conditionally: 304, no rate limit spent, same config", async () => {
    const own = await startBot(github.port, { CONFIG_TTL_SECONDS: "0" });
    try {
      github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [90, 91, 92].map((id) => failedRun({ id })) });
      for (const id of [90, 91, 92]) expect(await own.send("workflow_run", event({ id }))).toBe(200);
      const reads = github.requests.filter((r) => r.path.startsWith("/repos/o/r/contents/"));
      expect(reads.map((r) => r.headers["if-none-match"] === undefined)).toEqual([true, false, false]);
      expect(github.calls().filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(3);
    } finally {
      await own.stop();
    }
  }, 30_000);
});

describe("startup and shutdown", () => {
  test.each([
    ["APP_ID", { APP_ID: undefined }, "APP_ID is missing"],
    ["the private key", { PRIVATE_KEY: undefined }, "PRIVATE_KEY (or PRIVATE_KEY_PATH) is missing"],
    ["a real WEBHOOK_SECRET", { WEBHOOK_SECRET: "development" }, "WEBHOOK_SECRET is missing or is Probot's default"],
    ["any WEBHOOK_SECRET", { WEBHOOK_SECRET: undefined }, "WEBHOOK_SECRET is missing"],
  ])("production without %s exits non-zero, naming it", async (_name, extra, message) => {
    const { exit, output } = spawnMain(env(github.port, await freePort(), extra));
    expect(await exit).toBe(1);
    expect(output()).toContain(message);
  });

  test("SIGTERM lets in-flight deliveries finish, then exits 0", async () => {
    const own = await startBot(github.port);
    github.repo("o/r", { config: "auto:\n  enabled: true\n", runs: [failedRun({ id: 49 })] });
    github.inject("POST", /rerun-failed-jobs$/, 0, {}, { delayMs: 1_500 }); // slow GitHub, then the real answer
    const delivery = own.send("workflow_run", event({ id: 49 }));
    await waitFor(() => github.calls().some((c) => c.includes("rerun-failed-jobs")), 10_000);
    own.proc.kill("SIGTERM");
    expect(await delivery).toBe(200);
    expect(await own.stop()).toBe(0);
    expect(github.checkRuns).toHaveLength(1);
  }, 20_000);
});

