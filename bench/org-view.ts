/**
 * `npm run bench:dashboard`: how long the org view takes on a large org (500 repos with 50 jobs each,
 * ORG_REPOS and ORG_JOBS to change), side by side with baselines in the same run:
 * - in process: the overview (summarise every repo, rank, render HTML and SVG) at 500 repos and at
 *   1 repo, a repo page, and the dashboard issue's Markdown for one repo (the renderer the bot had);
 * - end to end: GET /dashboard and GET /api/v1/repos against the real server with a file ledger on
 *   disk, signed in through the fake GitHub (which lists the 500 repos in pages of 100).
 * Prints a Markdown table.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { LedgerEntry } from "../src/domain/ledger.js";
import { trippedJobs } from "../src/policy/breaker.js";
import { summarize } from "../src/policy/flaky-stats.js";
import { DEFAULT_THRESHOLDS } from "../src/policy/job-health.js";
import { orgView, repoView } from "../src/policy/org-view.js";
import { renderDashboard } from "../src/report/dashboard.js";
import { FileLedger, MemoryLedger } from "../src/state/ledger.js";
import { overviewPage, repoPage } from "../src/web/pages.js";
import { FakeGitHub } from "../test/e2e/fake-github.js";
import { E2E_APP_ID, startBot } from "../test/e2e/server.js";
import { orgViewEnv, signIn } from "../test/e2e/org-view-fixture.js";

const REPOS = Number(process.env.ORG_REPOS ?? 500);
const JOBS = Number(process.env.ORG_JOBS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const DAY = 86_400_000;
const now = Date.now();

/** Each job: 1 to 4 catches in 30 days, one in ten also with red runs, one in fifty stopped by the breaker. */
function ledgerOf(repo: string): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  let run = 1;
  for (let j = 0; j < JOBS; j++) {
    const job = `test (shard ${j}) <${j % 7 === 0 ? "b" : "i"}>`;
    const add = (kind: LedgerEntry["kind"], daysAgo: number) =>
      out.push({
        id: `${kind}:${run}:2:${job}`,
        kind,
        at: now - daysAgo * DAY - j * 1000,
        workflow: j % 3 === 0 ? "Nightly" : "CI",
        workflowId: j % 3,
        job,
        runId: run,
        runNumber: run++,
        attempt: 2,
        sha: `sha${run}`,
        url: `https://github.com/${repo}/actions/runs/${run}`,
        category: (["infrastructure", "rule", "any", "command"] as const)[j % 4],
        evidence: "runner lost",
        costSeconds: 120 + j,
      });
    for (let c = 0; c <= j % 4; c++) add("catch", 1 + ((c * 7 + j) % 28));
    if (j % 10 === 0) add("stayed-red", 2);
    if (j % 50 === 0) for (let r = 0; r < 3; r++) add("stayed-red", 1);
  }
  return out.sort((a, b) => a.at - b.at);
}

const names = Array.from({ length: REPOS }, (_, i) => `acme/service-${String(i).padStart(3, "0")}`);

/** CPU milliseconds per round (this process, or the server's), beside the wall time: other work on a shared machine inflates only the wall time. */
const cpu: Map<number[], number[]> = new Map();

function time(fn: () => unknown): number[] {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  fn(); // warm up
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    fn();
    const used = process.cpuUsage(c);
    ms.push(performance.now() - t);
    cpuMs.push((used.user + used.system) / 1000);
  }
  cpu.set(ms, cpuMs);
  return ms;
}

async function timeAsync(fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms;
}

/** The server process's CPU seconds so far (/proc, in clock ticks of 10 ms). */
function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Times `rounds` requests; the server's CPU per request (averaged: /proc counts in 10 ms ticks) goes beside them. */
async function timeServer(pid: number, fn: () => Promise<unknown>, rounds = ROUNDS): Promise<number[]> {
  const before = procCpuMs(pid);
  const ms = await timeAsync(fn, rounds);
  cpu.set(ms, [(procCpuMs(pid) - before) / rounds]);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(...xs);

async function main() {
  const rows: [string, number[], string][] = [];
  const ledgers = new Map(names.map((n) => [n, ledgerOf(n)]));
  const entries = [...ledgers.values()].reduce((s, l) => s + l.length, 0);
  console.error(`${REPOS} repos x ${JOBS} jobs: ${entries} ledger entries`);

  const overview = (repos: string[]) => () =>
    overviewPage(orgView(repos.map((n) => repoView(n, ledgers.get(n)!, now, DEFAULT_THRESHOLDS))), "alice", now, DEFAULT_THRESHOLDS);
  let size = 0;
  rows.push([`overview, ${REPOS} repos (summarise, rank, render)`, time(() => (size = overview(names)().length)), `${Math.round(size / 1024)} KiB of HTML`]);
  rows.push(["overview, 1 repo (baseline)", time(overview(names.slice(0, 1))), ""]);
  const one = ledgers.get(names[0])!;
  rows.push([`repo page, ${JOBS} jobs`, time(() => repoPage(repoView(names[0], one, now), one, "alice", now)), ""]);
  rows.push([
    `dashboard issue, 1 repo (the existing renderer, baseline)`,
    time(() => renderDashboard({ repo: names[0], summary: summarize(one, now), trips: [...trippedJobs(one, 3).values()], runs30: new Map(), now: new Date(now) })),
    "",
  ]);
  const memory = new MemoryLedger();
  for (const [n, l] of ledgers) await memory.add(n, l);
  rows.push([`overview from a memory ledger, ${REPOS} repos (reads included)`, await timeAsync(async () => overviewPage(orgView(await Promise.all(names.map(async (n) => repoView(n, await memory.list(n), now)))), "a", now, DEFAULT_THRESHOLDS)), ""]);

  // End to end: the real server, a file ledger on disk, a person who can see every repo.
  const dir = mkdtempSync(join(tmpdir(), "bench-orgview-"));
  const github = new FakeGitHub();
  await github.start();
  try {
    const fileLedger = new FileLedger(dir);
    for (const [n, l] of ledgers) await fileLedger.add(n, l);
    github.person("alice");
    github.installations.push({ id: 1, app_id: E2E_APP_ID, account: "acme", repos: names.map((n) => ({ full_name: n, private: true, readers: ["alice"] })) });
    const bot = await startBot(github.port, orgViewEnv(github, dir));
    try {
      const { jar } = await signIn(bot, github, "alice");
      const get = async (path: string) => {
        const res = await jar.fetch(`http://127.0.0.1:${bot.port}${path}`);
        const text = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${text.slice(0, 200)}`);
        return text;
      };
      rows.push([`GET /dashboard, first (lists ${REPOS} repos from GitHub, reads ${REPOS} ledger files)`, await timeServer(bot.proc.pid!, () => get("/dashboard"), 1), `${github.requests.filter((r) => r.path.startsWith("/user/installations/")).length} pages from GitHub`]);
      rows.push([`GET /dashboard, ${REPOS} repos`, await timeServer(bot.proc.pid!, () => get("/dashboard")), ""]);
      rows.push([`GET /api/v1/repos, ${REPOS} repos`, await timeServer(bot.proc.pid!, () => get("/api/v1/repos")), ""]);
      rows.push([`GET /dashboard/repos/{repo}, ${JOBS} jobs`, await timeServer(bot.proc.pid!, () => get(`/dashboard/repos/${names[0]}`)), ""]);
    } finally {
      await bot.stop();
    }
  } finally {
    await github.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(`\n${REPOS} repos x ${JOBS} jobs (${entries} ledger entries); median and worst of ${ROUNDS} rounds\n`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (other work shares it)\n`);
  console.log("| what | median ms | worst ms | CPU ms (median) | note |\n| --- | ---: | ---: | ---: | --- |");
  for (const [what, ms, note] of rows) {
    const c = cpu.get(ms);
    console.log(`| ${what} | ${median(ms).toFixed(1)} | ${max(ms).toFixed(1)} | ${c ? median(c).toFixed(1) : ""} | ${note} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
