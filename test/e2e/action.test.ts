/**
 * The Action run on event files against the fake GitHub, as a workflow runs it: action.yml's `main`
 * (the bundled dist/action.js), copied into a folder with no node_modules, as a fresh checkout has.
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "./fake-github.js";
import { apiJob, apiRun, commentEvent, workflowRunEvent } from "../helpers/events.js";

const github = new FakeGitHub();
const dir = mkdtempSync(join(tmpdir(), "rerun-action-"));
const main = /^\s*main:\s*(\S+)/m.exec(readFileSync("action.yml", "utf8"))?.[1] ?? "";
/** A checkout of the action with only what git has: no node_modules anywhere above it. */
const checkout = mkdtempSync(join(tmpdir(), "rerun-action-checkout-"));
mkdirSync(join(checkout, "dist"));
copyFileSync(main, join(checkout, main));
const ACTION = join(checkout, main);

test("action.yml runs the bundled file on node24, with no install step", () => {
  const yml = readFileSync("action.yml", "utf8");
  expect(yml).toMatch(/^\s*using:\s*node24$/m);
  expect(main).toBe("dist/action.js");
  expect(yml).not.toMatch(/npm (ci|install)/);
  expect(existsSync(join(checkout, "node_modules"))).toBe(false);
});

beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => github.reset());
afterEach(() => expect(github.unknownRoutes).toEqual([]));

function runAction(name: string | undefined, payload: unknown, extra: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(payload));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_EVENT_PATH: file,
    GITHUB_API_URL: `http://127.0.0.1:${github.port}/api/v3`,
    GITHUB_RUN_ID: "1",
    INPUT_TOKEN: "ghs_workflow_token",
    LOG_LEVEL: "warn",
    ...(name ? { GITHUB_EVENT_NAME: name } : {}),
    ...extra,
  };
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [ACTION], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (d) => (output += d));
    proc.stderr.on("data", (d) => (output += d));
    proc.on("exit", (code) => resolve({ code, output }));
  });
}

const recent = () => new Date(Date.now() - 3_600_000).toISOString();

describe("run as a GitHub Action", () => {
  test("workflow_run: a failed run is re-run with the workflow's token, and the check run written", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n  jobs: ['test*']\n", runs: [apiRun({ created_at: recent() })], jobs: { 42: [apiJob()] }, pulls: { 5: "abc123" } });
    const { code, output } = await runAction("workflow_run", workflowRunEvent({ created_at: recent() }));
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
    expect(github.calls()).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      "GET /repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100",
      "GET /repos/o/r/pulls/5",
      // The per-commit budget, counted from GitHub's runs of the commit (nothing outlives the job).
      "GET /repos/o/r/actions/runs?head_sha=abc123&per_page=100",
      "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
      "POST /repos/o/r/check-runs",
    ]);
    expect(github.requests.every((r) => r.headers.authorization === "token ghs_workflow_token")).toBe(true);
  }, 30_000);

  test("a refusal in the Action offers no button: nothing could press it there", async () => {
    github.repo("o/r", { config: "auto:\n  enabled: true\n  max-attempts: 2\n", runs: [apiRun({ created_at: recent(), run_attempt: 2 })], jobs: { 42: [apiJob({ run_attempt: 2 })] }, pulls: { 5: "abc123" } });
    const { code } = await runAction("workflow_run", workflowRunEvent({ created_at: recent(), run_attempt: 2 }));
    expect(code).toBe(0);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0].output.title).toBe("Not re-run: max attempts");
    expect(github.checkRuns[0].actions ?? []).toEqual([]);
  }, 30_000);

  test("the per-commit budget binds in the Action, counted from GitHub's own runs of the commit", async () => {
    // The commit's runs were re-run 3 times already (run 41 at attempt 4), and per-commit is 3.
    const runs = [apiRun({ id: 41, created_at: recent(), run_attempt: 4, conclusion: "success" }), apiRun({ created_at: recent() })];
    github.repo("o/r", { config: "auto:\n  enabled: true\n  budget:\n    per-commit: 3\n", runs, jobs: { 42: [apiJob()] }, pulls: { 5: "abc123" } });
    const { code } = await runAction("workflow_run", workflowRunEvent({ created_at: recent() }));
    expect(code).toBe(0);
    expect(github.calls()).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(github.checkRuns[0].output.title).toBe("Not re-run: budget");
  }, 30_000);

  test("the author's allowance is not used in the Action (it cannot be counted between comments): refused with the reason, twice", async () => {
    github.repo("o/r", { config: "commands:\n  allow-author: true\n", runs: [apiRun({ created_at: recent() })], permissions: {}, pulls: { 5: "abc123" } });
    for (const id of [901, 902]) {
      const event = commentEvent("/rerun", { login: "author", id });
      (event.issue.user as { login: string }).login = "author";
      expect((await runAction("issue_comment", event)).code).toBe(0);
    }
    expect(github.calls()).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(github.comments.map((c) => c.body).every((b: string) => b.includes("cannot be counted in the Action"))).toBe(true);
    expect(github.comments).toHaveLength(2);
  }, 30_000);

  test("issue_comment: /rerun from a maintainer", async () => {
    github.repo("o/r", { runs: [apiRun({ created_at: recent() })], permissions: { maint: "write" }, pulls: { 5: "abc123" } });
    const { code } = await runAction("issue_comment", commentEvent("/rerun"));
    expect(code).toBe(0);
    expect(github.calls()).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(github.comments[0].body).toMatch(/^Re-running:/);
  }, 30_000);

  test("/rerun stats in the Action: it says the ledger needs the app, and reads nothing", async () => {
    github.repo("o/r", { config: null, permissions: { maint: "write" } });
    const { code } = await runAction("issue_comment", commentEvent("/rerun stats"));
    expect(code).toBe(0);
    expect(github.comments[0].body).toContain("need rerun-bot installed as a GitHub App");
    expect(github.calls().filter((c) => c.startsWith("GET /repos/o/r/") && !c.includes("contents") && !c.includes("permission"))).toEqual([]);
  });

  test("an event the action does not handle: exit 0, no call", async () => {
    const { code, output } = await runAction("push", { ref: "refs/heads/main" });
    expect(code).toBe(0);
    expect(output).toContain("nothing to do for push events");
    expect(github.requests).toEqual([]);
  }, 30_000);

  test("missing event or token: exit 1 with a message", async () => {
    const noEvent = await runAction(undefined, {});
    expect(noEvent.code).toBe(1);
    expect(noEvent.output).toContain("GITHUB_EVENT_NAME");
    const noToken = await runAction("workflow_run", workflowRunEvent(), { INPUT_TOKEN: "" });
    expect(noToken.code).toBe(1);
  }, 30_000);

  test("a GitHub error fails the step (exit 1)", async () => {
    github.repo("o/r", { runs: [] });
    github.inject("GET", /contents/, 500, { message: "boom" }, { times: 10 });
    const { code } = await runAction("workflow_run", workflowRunEvent({ created_at: recent() }));
    expect(code).toBe(1);
  }, 60_000);
});
