/**
 * `rerun-bot backtest` end to end: the built CLI against the fake GitHub (via GHE_HOST) holding a
 * month of history: runner-lost flakes and network flakes people re-ran, real failures that stayed
 * red, failures nobody re-ran, runs older than the window, and one secondary rate limit part-way.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub, type RepoState } from "./fake-github.js";
import { apiJob, apiRun } from "../helpers/events.js";

const github = new FakeGitHub();
const CLI = join(process.cwd(), "lib", "cli.js");
const DAY = 86_400_000;

beforeAll(() => github.start());
afterAll(() => github.stop());
beforeEach(() => github.reset());
afterEach(() => expect(github.unknownRoutes).toEqual([]));

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [CLI, "backtest", ...args], {
      env: { PATH: process.env.PATH, GITHUB_TOKEN: "ghp_reader", GHE_HOST: `127.0.0.1:${github.port}`, GHE_PROTOCOL: "http", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (err += d));
    proc.on("exit", (code) => resolve({ code, out, err }));
  });
}

const RUNNER_LOST = "The self-hosted runner: ci-7 lost communication with the server. Anything in your workflow that terminates the runner process, starves it for CPU/Memory, or blocks its network access can cause this error.";
const EXIT_1 = "Process completed with exit code 1.";
const stamp = (at: number, line: string) => `${new Date(at).toISOString().replace("Z", "0000Z")} ${line}`;
const npmLog = (n: number) => `/home/runner/.npm/_logs/2026-11-${10 + n}T10_03_0${n}_123Z-debug-0.log`;

/** The failed job's texts and minutes, per kind of failure. */
const KINDS = {
  "runner-lost": { seconds: 12 * 60 + 10, annotation: RUNNER_LOST, log: (_n: number) => ["Run npm test", "> jest --ci"] },
  network: {
    seconds: 3 * 60 + 5,
    annotation: EXIT_1,
    log: (n: number) => [
      "Run npm ci",
      "npm ERR! code ETIMEDOUT",
      `npm ERR! network request to https://registry.npmjs.org/left-pad/-/left-pad-1.3.${n}.tgz failed, reason: connect ETIMEDOUT 104.16.${n}.35:443`,
      "npm ERR! A complete log of this run can be found in:",
      `npm ERR!     ${npmLog(n)}`,
      `##[error]${EXIT_1}`,
    ],
  },
  real: {
    seconds: 6 * 60,
    annotation: EXIT_1,
    log: (n: number) => [
      "Run npm test",
      "FAIL src/parser.test.ts",
      `  ● parser › reads dates (case ${n})`,
      "npm ERR! A complete log of this run can be found in:",
      `npm ERR!     ${npmLog(n)}`,
      `##[error]${EXIT_1}`,
    ],
  },
} as const;

type Kind = keyof typeof KINDS;

/**
 * A run created `daysAgo`, whose attempt 1 failed with `kind` (or passed: null) and that ended at
 * `attempts` with `conclusion`. Each attempt has a lint job that passed and a test job.
 */
function addRun(repo: RepoState, id: number, daysAgo: number, kind: Kind | null, attempts = 1, conclusion = kind ? "failure" : "success", status = "completed") {
  const created = Date.now() - daysAgo * DAY;
  repo.runs.push(apiRun({ id, run_number: id - 1000, created_at: new Date(created).toISOString(), html_url: `https://github.com/o/r/actions/runs/${id}`, run_attempt: attempts, conclusion: status === "completed" ? conclusion : null, status }));
  const jobs = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const base = id * 10 + attempt * 2;
    const started = created + attempt * 3_600_000;
    const seconds = kind ? KINDS[kind].seconds : 200;
    const failed = attempt === 1 ? kind !== null : attempt === attempts ? conclusion !== "success" : true;
    const at = (s: number) => new Date(started + s * 1000).toISOString();
    jobs.push(apiJob({ id: base, run_id: id, name: "lint", run_attempt: attempt, conclusion: "success", started_at: at(0), completed_at: at(50) }));
    jobs.push(
      apiJob({
        id: base + 1,
        run_id: id,
        name: "test",
        run_attempt: attempt,
        conclusion: failed ? "failure" : "success",
        started_at: at(0),
        completed_at: at(seconds),
        runner_name: kind === "runner-lost" ? "" : "GitHub Actions 3",
        steps: [
          { name: "Set up job", status: "completed", conclusion: "success", number: 1 },
          { name: "Run tests", status: "completed", conclusion: failed && kind !== "runner-lost" ? "failure" : "success", number: 2 },
        ],
      }),
    );
    if (attempt === 1 && kind) {
      repo.annotations[base + 1] = [{ annotation_level: "failure", title: "", message: KINDS[kind].annotation }];
      repo.logs[base + 1] = KINDS[kind].log(id % 10).map((l) => stamp(started + 1000, l)).join("\n") + "\n";
    }
  }
  repo.jobs[id] = jobs;
}

/** A month of history; the ids say what each run is. */
function history(repo: RepoState) {
  for (let i = 0; i < 120; i++) addRun(repo, 2000 + i, 0.1 + (i * 29.5) / 120, null); // passed at once
  // Runner-lost flakes people re-ran; one took two re-runs.
  addRun(repo, 1001, 28, "runner-lost", 2, "success");
  addRun(repo, 1002, 21, "runner-lost", 3, "success");
  addRun(repo, 1003, 14, "runner-lost", 2, "success");
  addRun(repo, 1004, 3, "runner-lost", 2, "success");
  // Network flakes people re-ran.
  addRun(repo, 1011, 25, "network", 2, "success");
  addRun(repo, 1012, 17, "network", 2, "success");
  addRun(repo, 1013, 9, "network", 2, "success");
  // Real failures people re-ran: they stayed red; and a runner loss that lasted (an outage).
  addRun(repo, 1021, 20, "real", 2, "failure");
  addRun(repo, 1022, 6, "real", 2, "failure");
  addRun(repo, 1023, 12, "runner-lost", 2, "failure");
  // Failures nobody re-ran.
  addRun(repo, 1031, 19, "real");
  addRun(repo, 1032, 8, "real");
  addRun(repo, 1033, 2, "runner-lost");
  // Attempt 1 passed and someone re-ran it anyway (a deploy): not a failed run.
  addRun(repo, 1041, 10, null, 2, "success");
  // Still running its re-run: not listed as completed.
  addRun(repo, 1042, 0.5, "runner-lost", 2, "success", "in_progress");
  // Older than the window, failures and re-runs among them.
  addRun(repo, 1051, 35, "runner-lost", 2, "success");
  addRun(repo, 1052, 40, "network", 2, "success");
  addRun(repo, 1053, 45, "real");
}

/** Preset-free on purpose: the preset's signatures may learn network errors; this rule will not. */
const RUNNER_RULE = "auto:\n  enabled: true\n  rules:\n    - name: runner lost\n      annotations: ['lost communication with the server']\n      log-patterns: ['Hash Sum mismatch']\n";

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "backtest-")), "rerun.yml");
  writeFileSync(path, text);
  return path;
}

describe("rerun-bot backtest", () => {
  test("a month of history: exact counts, the missed flakes' shared line as a rule, bounded calls, one 429 waited out, no write", async () => {
    const repo = github.repo("o/r", { config: "auto:\n  preset: infrastructure\n" });
    history(repo);
    // Part-way through, GitHub's secondary rate limit on one run's jobs.
    github.inject("GET", /^\/repos\/o\/r\/actions\/runs\/1012\/attempts\/1\/jobs$/, 429, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { headers: { "retry-after": "1" } });

    const { code, out, err } = await cli(["o/r", "--config", configFile(RUNNER_RULE), "--json"]);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect({ failedRuns: r.failedRuns, peopleReran: r.peopleReran, passedOnRerun: r.passedOnRerun, stayedRed: r.stayedRed, neverRerun: r.neverRerun, botWouldRerun: r.botWouldRerun }).toEqual({
      failedRuns: 13,
      peopleReran: 10,
      passedOnRerun: 7,
      stayedRed: 3,
      neverRerun: 3,
      botWouldRerun: 6,
    });
    expect(r.runs).toBe(134);
    expect(r.caught.map((x: { run: number }) => x.run).sort()).toEqual([1001, 1002, 1003, 1004]);
    expect(r.caught[0]).toMatchObject({ job: "test", why: "annotation matches /lost communication with the server/ (runner lost)", line: RUNNER_LOST });
    expect(r.missed.map((x: { run: number }) => x.run).sort()).toEqual([1011, 1012, 1013]);
    expect(r.missed[0]).toMatchObject({ job: "test", line: "npm ERR! code ETIMEDOUT" });
    expect(r.missed[0].why).toBe('not re-run (real-failure): job "test" is not proven a flake: no evidence matched');
    expect(r.rerunStayedRed.map((x: { run: number }) => x.run)).toEqual([1023]);
    expect(r.botOnlyRerun.map((x: { run: number }) => x.run)).toEqual([1033]);
    // Minutes: the test job of attempt 1, rounded up per job (runner lost 12:10 -> 13, network 3:05 -> 4, real 6).
    expect(r.minutes).toEqual({ people: { reruns: 11, minutes: 5 * 13 + 3 * 4 + 2 * 6 + 13 }, bot: { reruns: 6, minutes: 6 * 13 } });
    // The lines the network flakes share, generalised; npm's "complete log" line is also in runs that stayed red: left out.
    expect(r.suggestions).toEqual([
      { pattern: "npm ERR! code ETIMEDOUT", count: 3, in: "log", example: "npm ERR! code ETIMEDOUT" },
      {
        pattern: "npm ERR! network request to https://registry\\.npmjs\\.org/left-pad/-/left-pad-\\d+\\.\\d+\\.\\d+\\.tgz failed, reason: connect ETIMEDOUT \\d+\\.\\d+\\.\\d+\\.\\d+:\\d+",
        count: 3,
        in: "log",
        example: expect.stringMatching(/^npm ERR! network request to/),
      },
    ]);

    // Calls: 2 pages of runs, then per failed run its attempt-1 jobs and the evidence asked for.
    const calls = github.calls();
    expect(r.calls.total).toBe(calls.length);
    expect(r.calls.byRoute).toEqual({
      "GET /repos/{owner}/{repo}/actions/runs": 2,
      "GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{id}/jobs": 13 + 1 + 1, // 13 failed, 1 passed at attempt 1, 1 retry after the 429
      "GET /repos/{owner}/{repo}/check-runs/{id}/annotations": 13,
      "GET /repos/{owner}/{repo}/actions/jobs/{id}/logs": 7, // the runs the rule did not catch by annotation
    });
    const pages = calls.filter((c) => c.includes("/actions/runs?")).length;
    expect(r.calls.total).toBeLessThanOrEqual(1 + pages + 13 * (1 + 2) + 1 + 1);
    for (const c of calls.filter((x) => x.includes("/actions/runs?"))) expect(c).toMatch(/[?&]per_page=100\b.*created=|created=.*per_page=100/);
    expect(github.requests.every((q) => q.method === "GET")).toBe(true);

    // The 429 was waited out as GitHub asked (retry-after: 1), said so on stderr, and no progress bar (not a terminal).
    const limited = github.requests.filter((q) => q.path.startsWith("/repos/o/r/actions/runs/1012/attempts/1/jobs"));
    expect(limited).toHaveLength(2);
    expect(limited[1].at - limited[0].at).toBeGreaterThanOrEqual(950);
    expect(err).toContain("secondary rate limit on GET");
    expect(err).toContain("waiting 1 s");
    expect(err).not.toMatch(/\r|\[#/);
  }, 60_000);

  test("the human report, with the repo's own config (auto.enabled off there: replayed as if on)", async () => {
    history(github.repo("o/r", { config: "auto:\n  preset: infrastructure\n" }));
    const { code, out } = await cli(["o/r", "--days", "30"]);
    expect(code).toBe(0);
    expect(out).toContain("config: o/r's .github/rerun.yml (auto.enabled is off there; replayed as if on)");
    expect(out).toMatch(/failed at attempt 1: +13\n/);
    expect(out).toMatch(/re-run by people: +10\n/);
    // The preset catches every runner loss (whatever it learns about networks).
    expect(out).toMatch(/Flakes people re-ran that the bot would have caught \((4|7)\):/);
    for (const id of [1001, 1002, 1003, 1004]) expect(out).toContain(`https://github.com/o/r/actions/runs/${id}\n`);
    expect(out).toMatch(/GitHub calls: \d+ \(.*\); nothing was changed/);
    expect(github.requests.every((q) => q.method === "GET")).toBe(true);
  }, 60_000);

  test("GitHub lists at most 1,000 runs a query: the window is split by date and every run is read once; a spent primary limit is waited out", async () => {
    const repo = github.repo("o/r", { config: null });
    for (let i = 0; i < 1050; i++) addRun(repo, 3000 + i, 0.01 + (i * 29) / 1050, null);
    addRun(repo, 1001, 28, "runner-lost", 2, "success");
    addRun(repo, 1031, 1, "real");
    const reset = Math.ceil(Date.now() / 1000) + 1;
    github.inject("GET", /\/attempts\/1\/jobs$/, 403, { message: "API rate limit exceeded for installation ID 1." }, { headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) } });
    const { code, out, err } = await cli(["o/r", "--config", configFile(RUNNER_RULE), "--json"]);
    expect(code).toBe(0);
    expect(err).toContain("primary rate limit on GET");
    const limited = github.requests.filter((q) => q.path.includes("/attempts/1/jobs"));
    expect(limited[1].at).toBeGreaterThanOrEqual(reset * 1000);
    const r = JSON.parse(out);
    expect(r.runs).toBe(1052);
    expect(r.failedRuns).toBe(2);
    expect(r.caught.map((x: { run: number }) => x.run)).toEqual([1001]);
    const ranges = new Set(github.calls().filter((c) => c.includes("/actions/runs?")).map((c) => new URL(c.split(" ")[1], "http://x").searchParams.get("created")));
    expect(ranges.size).toBe(3); // the whole window (first page only), then its two halves
  }, 60_000);

  test("--workflow reads only that workflow's runs; bad arguments and a bad config get a clear answer", async () => {
    const repo = github.repo("o/r", { config: null });
    history(repo);
    repo.runs.filter((x) => x.id === 1021 || x.id === 1031).forEach((x) => Object.assign(x, { name: "Deploy", path: ".github/workflows/deploy.yml" }));
    const only = JSON.parse((await cli(["o/r", "--workflow", "deploy.yml", "--json", "--config", configFile(RUNNER_RULE)])).out);
    expect(only.failedRuns).toBe(2);
    // A run deleted between the list and its jobs is left out and named; the rest goes on.
    github.inject("GET", /^\/repos\/o\/r\/actions\/runs\/1021\/attempts\/1\/jobs$/, 404, { message: "Not Found" });
    const gone = await cli(["o/r", "--workflow", "Deploy", "--json", "--config", configFile(RUNNER_RULE)]);
    expect(gone.code).toBe(0);
    expect(JSON.parse(gone.out)).toMatchObject({ failedRuns: 1, vanished: [1021] });

    const bad = await cli(["o/r", "--config", configFile("auto:\n  enabled: true\n  rules: [{ annotations: ['(unclosed'] }]\n")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("is invalid");
    expect(bad.err).toContain("auto.rules[0].annotations[0]");
    for (const args of [[], ["o/r", "--days", "0"], ["o/r", "--days", "91"], ["o/r", "--wat"], ["not a repo"]]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.err).toContain("usage: rerun-bot backtest");
    }
    expect((await cli(["o/r"], { GITHUB_TOKEN: "" })).err).toContain("GITHUB_TOKEN is required");
  }, 60_000);
});
