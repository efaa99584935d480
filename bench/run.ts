/**
 * `npm run bench`: the bot and an empty Probot app (same Probot install, same start-up) served the
 * same signed webhooks from loopback, in alternating rounds; then GitHub calls per event type,
 * counted by the fake GitHub. Bounded in time; prints a Markdown table.
 */
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "../test/e2e/fake-github.js";
import { E2E_APP_ID, startBot, type Bot } from "../test/e2e/server.js";
import { apiJob, apiRun, buttonEvent, commentEvent, workflowRunEvent } from "../test/helpers/events.js";
import { memoryTable, memoryUnderLoad } from "./memory.js";
import { noActionEvents, recent, sendAll, statusMiB } from "./load.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const PER_ROUND = Number(process.env.BENCH_EVENTS ?? 1500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const DEADLINE = Date.now() + Number(process.env.BENCH_MAX_SECONDS ?? 240) * 1000;

interface Round {
  seconds: number;
  latencies: number[];
  rss: number;
  errors: number;
}

async function round(target: Bot, events: [string, unknown][]): Promise<Round> {
  const started = performance.now();
  const { latencies, errors } = await sendAll(target, events, PER_ROUND, CONCURRENCY);
  return { seconds: (performance.now() - started) / 1000, latencies, rss: statusMiB(target.proc.pid!), errors };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function throughput(github: FakeGitHub) {
  const bot = await startBot(github.port);
  const empty = await startBot(github.port, {}, join(process.cwd(), "build-bench", "bench", "empty-app.js"));
  const events = noActionEvents();
  const results = { bot: [] as Round[], empty: [] as Round[] };
  try {
    // Warm both up (JIT, connection pools), then alternate which goes first.
    console.error("warming up");
    await round(bot, events);
    await round(empty, events);
    for (let i = 0; i < ROUNDS && Date.now() < DEADLINE; i++) {
      const order: ["bot" | "empty", Bot][] = i % 2 === 0 ? [["bot", bot], ["empty", empty]] : [["empty", empty], ["bot", bot]];
      for (const [name, target] of order) results[name].push(await round(target, events));
      console.error(`round ${i + 1}/${ROUNDS}`);
    }
  } finally {
    await bot.stop();
    await empty.stop();
  }
  const sum = (rs: Round[]) => {
    const events = rs.length * PER_ROUND;
    const seconds = rs.reduce((s, r) => s + r.seconds, 0);
    const latencies = rs.flatMap((r) => r.latencies);
    return {
      perSecond: events / seconds,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      rss: Math.max(...rs.map((r) => r.rss)),
      errors: rs.reduce((s, r) => s + r.errors, 0),
      rounds: rs.length,
    };
  };
  return { bot: sum(results.bot), empty: sum(results.empty), githubCalls: github.calls().length };
}

/**
 * GitHub calls per event, by type, counted by the fake (installation tokens apart). Writes go
 * through Probot's real throttling (one write per second per installation, three seconds for
 * comments), so the write-heavy rows send fewer events.
 */
async function callsPerEvent(github: FakeGitHub) {
  const bot = await startBot(github.port);
  const rows: { event: string; n: number; calls: number; detail: string }[] = [];
  const measure = async (event: string, n: number, send: (i: number) => Promise<void>) => {
    github.requests.length = 0;
    for (let i = 0; i < n; i++) await send(i);
    const calls = github.calls();
    const kinds = new Map<string, number>();
    for (const c of calls) {
      const kind = c
        .replace(/\?.*$/, "")
        .replace(/\/\d+/g, "/{id}")
        .replace(/\/collaborators\/[^/]+/, "/collaborators/{user}");
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const detail = [...kinds].map(([k, v]) => `${k} ×${(v / n).toFixed(2)}`).join("; ");
    rows.push({ event, n, calls: calls.length / n, detail: detail || "none" });
  };
  try {
    // The bench re-runs more than the default budgets allow a repo in an hour, or a commit.
    const BUDGET = "  budget:\n    per-hour: 1000\n    per-commit: 200\n";
    const repo = github.repo("o/r", { config: `auto:\n  enabled: true\n${BUDGET}`, permissions: { maint: "write" }, pulls: { 5: "abc123" } });
    await measure("successful run", 50, async (i) => {
      await bot.send("workflow_run", workflowRunEvent({ id: 10_000 + i, conclusion: "success", created_at: recent() }));
    });
    await measure("failed run (auto re-run, no rules about jobs)", 20, async (i) => {
      repo.runs.push(apiRun({ id: 20_000 + i, created_at: recent() }));
      await bot.send("workflow_run", workflowRunEvent({ id: 20_000 + i, created_at: recent() }));
    });
    await measure("failed run, attempt 2 of 3 (check run updated)", 10, async (i) => {
      // GitHub's state after attempt 2 failed too: completed, failure, attempt 2.
      Object.assign(repo.runs.find((r) => r.id === 20_000 + i)!, { status: "completed", conclusion: "failure", run_attempt: 2 });
      await bot.send("workflow_run", workflowRunEvent({ id: 20_000 + i, run_attempt: 2, created_at: recent() }));
    });
    // The infrastructure preset: calls per failed run by what the evidence shows.
    repo.config = `auto:\n  enabled: true\n  preset: infrastructure\n${BUDGET}`;
    await bot.send("push", { ref: "refs/heads/main", repository: { name: "r", full_name: "o/r", default_branch: "main", owner: { login: "o", name: "o" } }, commits: [{ modified: [".github/rerun.yml"] }], installation: { id: 1 } });
    const presetCase = async (name: string, base: number, job: (id: number) => Record<string, unknown>, evidence: (id: number) => void) => {
      await measure(name, 10, async (i) => {
        const id = base + i;
        repo.runs.push(apiRun({ id, created_at: recent() }));
        repo.jobs[id] = [apiJob({ id: id * 10, run_id: id, ...job(id * 10) }), apiJob({ id: id * 10 + 1, run_id: id, name: "lint", conclusion: "success", steps: [] })];
        evidence(id * 10);
        await bot.send("workflow_run", workflowRunEvent({ id, created_at: recent() }));
      });
    };
    const lostRunner = [{ name: "Set up job", conclusion: "success" }, { name: "Run tests", conclusion: null, status: "in_progress" }];
    await presetCase("preset, runner lost before any step failed", 61_000, () => ({ steps: lostRunner }), () => {});
    await presetCase("preset, runner lost (annotation), log gone", 62_000, () => ({}), (jobId) => {
      repo.annotations[jobId] = [{ path: ".github", annotation_level: "failure", title: "", message: "The hosted runner: GitHub Actions 9 lost communication with the server." }];
    });
    await presetCase("preset, billing block (no steps): one annotation read, not re-run", 64_000, () => ({ steps: [], runner_name: null }), (jobId) => {
      repo.annotations[jobId] = [{ path: ".github", annotation_level: "failure", title: "", message: "The job was not started because recent account payments have failed or your spending limit needs to be increased. Please check the 'Billing & plans' section in your settings" }];
    });
    await presetCase("preset, real failure (annotation, then log)", 63_000, () => ({}), (jobId) => {
      repo.annotations[jobId] = [{ path: ".github", annotation_level: "failure", title: "", message: "Process completed with exit code 1." }];
      repo.logs[jobId] = "FAIL src/a.test.ts\n  expected 1 to be 2\n";
    });
    await ledgerCases(bot, repo, measure);
    repo.config = "auto:\n  enabled: true\n";
    repo.pulls[5] = "abc123"; // the ledger's cases moved the PR's head
    await configChanged(bot);
    repo.runs = [apiRun({ id: 30_000, created_at: recent() })];
    await measure("/rerun (one failed workflow)", 4, async (i) => {
      Object.assign(repo.runs[0], { status: "completed", conclusion: "failure", run_attempt: 1 });
      await bot.send("issue_comment", commentEvent("/rerun", { id: 40_000 + i }));
    });
    await measure("plain comment", 50, async (i) => {
      await bot.send("issue_comment", commentEvent("Thanks, merging after CI.", { id: 50_000 + i }));
    });
    await measure("other app's check run", 50, async () => {
      await bot.send("check_run", buttonEvent({ appId: E2E_APP_ID + 1 }));
    });
  } finally {
    await bot.stop();
  }
  return rows;
}

type Measure = (event: string, n: number, send: (i: number) => Promise<void>) => Promise<void>;
type Repo = ReturnType<FakeGitHub["repo"]>;

/** A push that changes .github/rerun.yml: the bot reads the new config on its next event. */
async function configChanged(bot: Bot) {
  await bot.send("push", { ref: "refs/heads/main", repository: { name: "r", full_name: "o/r", default_branch: "main", owner: { login: "o", name: "o" } }, commits: [{ modified: [".github/rerun.yml"] }], installation: { id: 1 } });
}

/**
 * The ledger (issue 14): what a catch costs, with and without the dashboard issue; what a failed run
 * costs with the breaker on (nothing tripped, and a tripped job) against the breaker off.
 */
async function ledgerCases(bot: Bot, repo: Repo, measure: Measure) {
  let next = 70_000;
  const AUTO = "auto:\n  enabled: true\n  budget:\n    per-hour: 1000\n    per-commit: 200\n";
  /** A failed run of `job` on its own commit; the bot re-runs it (not measured). */
  const failed = async (job: string) => {
    const id = next++;
    const sha = `sha${id}`;
    repo.pulls[5] = sha;
    repo.runs.push(apiRun({ id, head_sha: sha, created_at: recent(), pull_requests: [{ number: 5 }] }));
    repo.jobs[id] = [apiJob({ id: id * 10, run_id: id, name: job }), apiJob({ id: id * 10 + 1, run_id: id, name: "lint", conclusion: "success", steps: [] })];
    return { id, sha, send: (over: Record<string, unknown> = {}) => bot.send("workflow_run", workflowRunEvent({ id, head_sha: sha, created_at: recent(), ...over } as never)) };
  };
  /** GitHub after the bot's re-run: attempt 2 ended `conclusion`, the job with it. */
  const attempt2 = (id: number, job: string, conclusion: "success" | "failure") => {
    Object.assign(repo.runs.find((r) => r.id === id)!, { status: "completed", conclusion, run_attempt: 2 });
    repo.jobs[id].push(apiJob({ id: id * 10 + 2, run_id: id, name: job, run_attempt: 2, conclusion }));
  };
  const catches = async (name: string, config: string) => {
    repo.config = config;
    await configChanged(bot);
    const runs: Awaited<ReturnType<typeof failed>>[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await failed(`flaky ${i % 3}`);
      await r.send();
      attempt2(r.id, `flaky ${i % 3}`, "success");
      runs.push(r);
    }
    await measure(name, runs.length, async (i) => void (await runs[i].send({ conclusion: "success", run_attempt: 2 })));
  };
  await catches("catch: a re-run passed (ledger only)", AUTO);
  await catches("catch, with dashboard: true", `${AUTO}dashboard: true\n`);

  const failedRuns = async (name: string, config: string, job: string) => {
    repo.config = config;
    await configChanged(bot);
    await measure(name, 10, async () => void (await (await failed(job)).send()));
  };
  await failedRuns("failed run, breaker off (after: 0)", `${AUTO}  max-attempts: 2\nbreaker:\n  after: 0\n`, "unit");
  await failedRuns("failed run, breaker on, nothing tripped", `${AUTO}  max-attempts: 2\n`, "unit");
  // Three runs of "e2e" stay red on both attempts: the breaker trips.
  const gaveUp: Awaited<ReturnType<typeof failed>>[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await failed("e2e");
    await r.send();
    attempt2(r.id, "e2e", "failure");
    gaveUp.push(r);
  }
  await measure("failed run, last attempt (gives up; red jobs to the ledger)", gaveUp.length, async (i) => void (await gaveUp[i].send({ conclusion: "failure", run_attempt: 2 })));
  await failedRuns("failed run, breaker on, the tripped job failed (no re-run)", `${AUTO}  max-attempts: 2\n`, "e2e");
  await failedRuns("failed run, breaker on, another job of its workflow tripped", `${AUTO}  max-attempts: 2\n`, "unit");
}

const github = new FakeGitHub();
await github.start();
try {
  const memory = await memoryUnderLoad(github);
  github.reset();
  const t = await throughput(github);
  github.reset();
  const rows = await callsPerEvent(github);
  const f = (x: number, d = 0) => x.toFixed(d);
  const cpu = cpus()[0]?.model ?? "unknown";
  console.log(`\nMachine: ${cpus().length} × ${cpu}, ${f(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Load: ${t.bot.rounds} alternating rounds × ${PER_ROUND} no-action webhooks each, ${CONCURRENCY} concurrent, signed, loopback\n`);
  console.log("| server | events/s | p50 ms | p99 ms | max RSS MiB | non-200 |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, r] of [["empty Probot app", t.empty], ["rerun-bot", t.bot]] as const) {
    console.log(`| ${name} | ${f(r.perSecond)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.rss, 1)} | ${r.errors} |`);
  }
  console.log(`| **ratio bot / empty** | **${f(t.bot.perSecond / t.empty.perSecond, 3)}** (target ≥ 0.95) | | | **${f(t.bot.rss / t.empty.rss, 3)}** (target ≤ 1.15) | |`);
  console.log(`\nGitHub calls made during the load: ${t.githubCalls}\n`);
  console.log(`${memoryTable(memory)}\n`);
  console.log("| event | events sent | GitHub calls per event | which |");
  console.log("| --- | ---: | ---: | --- |");
  for (const r of rows) console.log(`| ${r.event} | ${r.n} | ${f(r.calls, 2)} | ${r.detail} |`);
} finally {
  await github.stop();
}
