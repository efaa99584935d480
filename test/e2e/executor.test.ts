/**
 * One decision, one executor (issue 20), against the real server, its embedded queue and the fake
 * GitHub: a delayed re-run that GitHub refuses or keeps failing ends with a check run that says so
 * (never "scheduled" for ever), GitHub's trouble is waited out and the re-run made once, dry-run
 * decides exactly as the live bot, and `explain` prints the plan the bot would carry out.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { botSuite } from "./bot-suite.js";
import { apiJob, apiRun, workflowRunEvent } from "../helpers/events.js";
import { waitFor } from "../helpers/net.js";
import { explain } from "../../src/explain.js";

const github = new FakeGitHub();
const suite = botSuite(github);
const recent = () => new Date(Date.now() - 3_600_000).toISOString();
const dataDir = () => mkdtempSync(join(tmpdir(), "rerun-exec-"));
const reruns = (runId = 42) => github.requests.filter((r) => r.method === "POST" && r.path === `/repos/o/r/actions/runs/${runId}/rerun-failed-jobs`).length;
const check = () => github.checkRuns[0] as { output: { title: string; summary: string }; actions?: unknown[] } | undefined;
const titles: string[] = [];
/** Every title the check run showed, in order (the fake keeps only the latest). */
function watchTitles(): () => void {
  titles.length = 0;
  const timer = setInterval(() => {
    const t = check()?.output.title;
    if (t && titles.at(-1) !== t) titles.push(t);
  }, 20);
  return () => clearInterval(timer);
}
function opted(config: string, runs = [apiRun({ created_at: recent(), pull_requests: [{ number: 5 }] })]) {
  return github.repo("o/r", { config, runs, jobs: { 42: [apiJob()] }, pulls: { 5: "abc123" } });
}
const bot = (extra: Record<string, string> = {}) => suite.bot(dataDir(), { WORK_QUEUE: "file", RETRY_BASE_SECONDS: "1", ...extra });

describe("a delayed re-run always ends with a check run that says how", () => {
  test("GitHub refuses it (403) when due: the check run says it was not re-run, and offers the button", async () => {
    opted("auto:\n  enabled: true\n  delay: 2s\n");
    github.inject("POST", /rerun-failed-jobs$/, 403, { message: "This workflow run cannot be retried" }, { times: 5 });
    const b = await bot();
    expect(await b.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
    await waitFor(() => /^Re-run scheduled for/.test(check()?.output.title ?? ""), 10_000);
    await waitFor(() => /^Not re-run/.test(check()?.output.title ?? ""), 20_000);
    expect(check()!.output.title).toBe("Not re-run: GitHub refused");
    expect(check()!.output.summary).toContain("cannot be retried");
    expect(check()!.actions).toHaveLength(1);
    expect(reruns()).toBe(1); // a refusal is not asked again
  }, 40_000);

  test("GitHub answers 502 every time: it says so while it retries, then ends failed with the button", async () => {
    opted("auto:\n  enabled: true\n  delay: 1s\n");
    github.inject("POST", /rerun-failed-jobs$/, 502, { message: "Bad Gateway" }, { times: 1_000 });
    const stop = watchTitles();
    // Give up after ~8 s of trouble (RETRY_HOURS is hours in production).
    const b = await bot({ RETRY_HOURS: String(8 / 3600) });
    expect(await b.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
    await waitFor(() => /^Not re-run: GitHub failed for/.test(check()?.output.title ?? ""), 40_000).finally(stop);
    expect(titles.some((t) => /^GitHub answered 502: trying again at \d\d:\d\d UTC/.test(t))).toBe(true);
    expect(titles.some((t) => t.includes("scheduled"))).toBe(true);
    expect(check()!.actions).toHaveLength(1);
    expect(check()!.output.summary).toMatch(/GitHub kept failing .*The bot gave up: re-run it by hand \(or with the button/);
    expect(check()!.output.title).toMatch(/^Not re-run: GitHub failed for \d+ s \(\d+ tries\)$/);
    expect(reruns()).toBeGreaterThanOrEqual(2);
    // Given up is given up: nothing more is asked.
    const made = reruns();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(reruns()).toBe(made);
  }, 60_000);

  test("GitHub answers 502 for a while (an outage): the re-run is made once after it recovers, and the check run says what happened", async () => {
    const repo = opted("auto:\n  enabled: true\n");
    github.inject("POST", /rerun-failed-jobs$/, 502, { message: "Bad Gateway" }, { times: 1_000 });
    const stop = watchTitles();
    const b = await bot();
    expect(await b.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
    await waitFor(() => /^GitHub answered 502: trying again/.test(check()?.output.title ?? ""), 15_000);
    await new Promise((r) => setTimeout(r, 3_000));
    github.injected.length = 0; // GitHub is back
    await waitFor(() => /^Re-ran failed jobs/.test(check()?.output.title ?? ""), 30_000).finally(stop);
    const accepted = github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/rerun-failed-jobs")).length;
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(repo.runs[0].run_attempt).toBe(2); // made once: GitHub is at attempt 2
    expect(check()!.output.title).toMatch(/^Re-ran failed jobs: attempt 2 of 3 started$/);
    expect(titles.filter((t) => /^Re-ran/.test(t)).length).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe("dry-run decides and reports exactly as usual", () => {
  test("with delay: 1m it reports that the re-run would wait", async () => {
    opted("auto:\n  enabled: true\n  dry-run: true\n  delay: 1m\n");
    const b = await bot();
    expect(await b.send("workflow_run", workflowRunEvent({ created_at: recent() }))).toBe(200);
    await waitFor(() => check() !== undefined, 10_000);
    expect(check()!.output.title).toMatch(/^Dry run: re-run would be scheduled for \d\d:\d\d UTC \(attempt 2 of 3\)$/);
    expect(reruns()).toBe(0);
  }, 30_000);

  test("with a spent budget it reports the budget refusal", async () => {
    const runs = [1, 2].map((i) => apiRun({ id: 40 + i, created_at: recent(), pull_requests: [{ number: 5 }] }));
    github.repo("o/r", { config: "auto:\n  enabled: true\n  dry-run: true\n  budget:\n    per-commit: 1\n", runs, jobs: {}, pulls: { 5: "abc123" } });
    const b = await bot({ WORK_QUEUE: "inline" });
    expect(await b.send("workflow_run", workflowRunEvent({ id: 41, created_at: recent() }))).toBe(200);
    expect(await b.send("workflow_run", workflowRunEvent({ id: 42, created_at: recent() }))).toBe(200);
    const byRun = (id: number) => github.checkRuns.find((c) => c.external_id === String(id)) as { output: { title: string; summary: string } };
    await waitFor(() => github.checkRuns.length === 2, 10_000);
    expect(byRun(41).output.title).toMatch(/^Dry run: would re-run failed jobs/);
    expect(byRun(42).output.title).toBe("Not re-run: budget");
    expect(byRun(42).output.summary).toContain("auto.budget.per-commit");
    expect(reruns(41) + reruns(42)).toBe(0);
  }, 30_000);
});

describe("explain prints the plan the bot would carry out", () => {
  test("with delay: 2m it says the re-run would be scheduled two minutes later, and names each failed job", async () => {
    opted("auto:\n  enabled: true\n  delay: 2m\n");
    const out: string[] = [];
    const code = await explain({ owner: "o", repo: "r", runId: 42 }, { GITHUB_TOKEN: "t", GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: "http" }, (l) => out.push(l));
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/decision: would schedule the re-run 2 minutes later, at \S+Z, after the configured delay \(attempt 2 of 3\)/);
    // No rule asks about jobs, yet each failed job is named with its verdict.
    expect(text).toContain("  - test: no rule asks about jobs: counts as a flake");
    expect(text).toContain("breaker: not read");
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
