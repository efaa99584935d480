/** `rerun-bot explain` end to end: the built CLI against the fake GitHub on 127.0.0.1 (via GHE_HOST). */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { apiJob, apiRun } from "../helpers/events.js";
import { parseTarget } from "../../src/explain.js";

const github = new FakeGitHub();
const CLI = join(process.cwd(), "lib", "cli.js");
const recent = () => new Date(Date.now() - 3_600_000).toISOString();

beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => github.reset());
afterEach(() => expect(github.unknownRoutes).toEqual([]));

function explain(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, "explain", ...args], {
      env: { PATH: process.env.PATH, GITHUB_TOKEN: "ghp_reader", GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: "http", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    proc.on("exit", (code) => resolve({ code, out }));
  });
}

const writes = () => github.requests.filter((r) => r.method !== "GET");

describe("rerun-bot explain", () => {
  test("a run the preset would re-run: each failed job, the evidence read, the calls, no write", async () => {
    github.repo("o/r", {
      config: "auto:\n  enabled: true\n  preset: infrastructure\n",
      runs: [apiRun({ created_at: recent(), pull_requests: [{ number: 5 }] })],
      jobs: { 42: [apiJob()] },
      annotations: { 100: [{ annotation_level: "failure", title: "", message: "The runner has received a shutdown signal." }] },
      pulls: { 5: "abc123" },
    });
    const { code, out } = await explain([`https://github.com/o/r/actions/runs/42`]);
    expect(code).toBe(0);
    expect(out).toContain("o/r run 42: CI #12, attempt 1, completed/failure");
    // Each failed job with its outcome and the quoted line that proved it (issue 21).
    expect(out).toContain('  - test: infrastructure (flake): infrastructure: the runner received a shutdown signal (preset infrastructure); annotation: "The runner has received a shutdown signal."; evidence read: annotations');
    expect(out).toContain("decision: would re-run the failed jobs (attempt 2 of 3)");
    expect(out).toMatch(/GitHub calls: 5 \(.*GET \/repos\/\{owner\}\/\{repo\}\/check-runs\/\{check_run_id\}\/annotations ×1.*\); nothing was changed/);
    expect(writes()).toEqual([]);
  }, 30_000);

  test("a real failure is refused, and says which evidence was read", async () => {
    github.repo("o/r", {
      config: "auto:\n  enabled: true\n  preset: infrastructure\n",
      runs: [apiRun({ created_at: recent() })],
      jobs: { 42: [apiJob()] },
      annotations: { 100: [{ annotation_level: "failure", title: "", message: "Process completed with exit code 1." }] },
      logs: { 100: "FAIL src/a.test.ts\nexpected 1 to be 2\n" },
    });
    const { code, out } = await explain(["o/r", "42"]);
    expect(code).toBe(0);
    expect(out).toContain("  - test: unknown: no signature matched; evidence read: annotations, log");
    expect(out).toContain('decision: not re-run (real-failure): job "test" is not proven a flake');
    expect(writes()).toEqual([]);
  }, 30_000);

  test("an invalid config: its errors, exit 1", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n  rules: [{ preset: everything }]\n", runs: [apiRun({ created_at: recent() })] });
    const { code, out } = await explain(["o/r", "42"]);
    expect(code).toBe(1);
    expect(out).toContain("config: .github/rerun.yml is invalid");
    expect(out).toContain("auto.rules[0].preset: must be one of: infrastructure");
    expect(writes()).toEqual([]);
  }, 30_000);

  test("no token, or no run: a clear message, exit 1", async () => {
    expect((await explain(["o/r", "42"], { GITHUB_TOKEN: "" })).out).toContain("GITHUB_TOKEN is required");
    github.repo("o/r", { config: null, runs: [] });
    const missing = await explain(["o/r", "43"]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain("404");
    expect((await explain(["not-a-run"])).code).toBe(1);
  }, 30_000);
});

describe("parseTarget", () => {
  test.each([
    [["https://github.com/o/r/actions/runs/42"], { owner: "o", repo: "r", runId: 42 }],
    [["https://github.com/o/r/actions/runs/42/attempts/2"], { owner: "o", repo: "r", runId: 42 }],
    [["https://ghe.example.com/o/r/actions/runs/7?pr=3"], { owner: "o", repo: "r", runId: 7 }],
    [["o/r", "42"], { owner: "o", repo: "r", runId: 42 }],
    [["o/r"], null],
    [["o/r", "x"], null],
    [["https://github.com/o/r/pull/5"], null],
  ])("%j", (args, expected) => {
    expect(parseTarget(args)).toEqual(expected);
  });
});
