/**
 * `npm run bench:storm`: an outage fails many runs at once. N failed-run webhooks (BENCH_STORM_RUNS,
 * 200) sent C at a time (BENCH_STORM_CONCURRENCY, 50) to the real server, against the fake GitHub
 * on 127.0.0.1, in two designs side by side: the queue (accept, then work: the default) and
 * WORK_QUEUE=inline (each webhook worked off in its request: the first version, the baseline).
 * Reports the webhook answer times, the time until the last re-run, the re-runs made, and the
 * highest number of writes in any 60 s (GitHub's secondary limit: 80 content-creating requests a
 * minute per installation). Bounded by BENCH_STORM_SECONDS (900) per design; stops by itself.
 * BENCH_STORM_DESIGNS (queue,inline) picks the designs; WORK_CONCURRENCY is passed to the server.
 * BENCH_STORM_BASELINE: the `lib/main.js` of an earlier build (e.g. today's design before issue 23),
 * run as the design `baseline` with the embedded queue. BENCH_STORM_RUNS may list sizes (100,200).
 * Also measured: the time to the last check run, and another installation's (B's) one failed run,
 * sent right after the storm: how long until its re-run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "../test/e2e/fake-github.js";
import { startBot } from "../test/e2e/server.js";
import { apiRun, inRepo, workflowRunEvent } from "../test/helpers/events.js";

const SIZES = (process.env.BENCH_STORM_RUNS ?? "200").split(",").map(Number);
const C = Number(process.env.BENCH_STORM_CONCURRENCY ?? 50);
const LIMIT_S = Number(process.env.BENCH_STORM_SECONDS ?? 900);
const recent = () => new Date(Date.now() - 3_600_000).toISOString();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

type Design = "queue" | "inline" | "baseline";

async function storm(github: FakeGitHub, mode: Design, N: number) {
  github.reset();
  // An outage fails runs of many commits at once (one commit's runs would hit auto.budget.per-commit);
  // the budget per repo-hour is raised so that all N may be re-run.
  const runs = Array.from({ length: N }, (_, i) => apiRun({ id: 90_000 + i, head_sha: `sha${i}`, created_at: recent() }));
  github.repo("o/r", { config: "auto:\n  enabled: true\n  budget:\n    per-hour: 1000\n", runs });
  // Another installation's one failed run, sent right after the storm.
  github.repo("b/r", { config: "auto:\n  enabled: true\n", runs: [apiRun({ id: 99_999, head_sha: "shab", created_at: recent() })] });
  const dataDir = mkdtempSync(join(tmpdir(), "rerun-storm-"));
  const script = mode === "baseline" ? process.env.BENCH_STORM_BASELINE : undefined;
  const bot = await startBot(github.port, { WORK_QUEUE: mode === "inline" ? "inline" : "file", DATA_DIR: dataDir, WORK_CONCURRENCY: process.env.WORK_CONCURRENCY }, script);
  const answers: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < N) {
          const i = next++;
          const t = performance.now();
          const status = await bot.send("workflow_run", workflowRunEvent({ id: runs[i].id, head_sha: `sha${i}`, pull_requests: [], created_at: recent() }));
          answers.push(performance.now() - t);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    const bSent = performance.now();
    void bot.send("workflow_run", inRepo(workflowRunEvent({ id: 99_999, head_sha: "shab", pull_requests: [], created_at: recent() }), "b/r", 2));
    const reruns = () => github.requests.filter((r) => r.method === "POST" && r.path.startsWith("/repos/o/r/") && r.path.endsWith("/rerun-failed-jobs")).length;
    const deadline = Date.now() + LIMIT_S * 1000;
    while (reruns() < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    // The reports follow the re-runs (handed to later work, they may not have started yet): wait
    // until every run has its check run, then until none has been written for 5 s.
    const checkRuns = () => github.requests.filter((r) => r.path.startsWith("/repos/o/r/check-runs") && r.method !== "GET").map((r) => r.at);
    const reported = () => new Set(github.checkRuns.map((c) => c.external_id).filter((id) => id !== "99999")).size;
    while (Date.now() < deadline && (reported() < N || Date.now() - Math.max(0, ...checkRuns()) < 5_000)) await new Promise((r) => setTimeout(r, 250));
    const lastRerun = Math.max(...github.requests.filter((r) => r.path.startsWith("/repos/o/r/") && r.path.endsWith("/rerun-failed-jobs")).map((r) => r.at));
    const bRerun = github.requests.find((r) => r.path === "/repos/b/r/actions/runs/99999/rerun-failed-jobs")?.at;
    const since = (at: number) => (at - (performance.timeOrigin + started)) / 1000;
    const writes = github.requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens")).map((r) => r.at).sort((a, b) => a - b);
    let maxPerMinute = 0;
    for (let i = 0, j = 0; i < writes.length; i++) {
      while (writes[i] - writes[j] >= 60_000) j++;
      maxPerMinute = Math.max(maxPerMinute, i - j + 1);
    }
    return {
      mode,
      N,
      lastCheckRunS: since(Math.max(...checkRuns())),
      bWaitS: bRerun === undefined ? null : (bRerun - (performance.timeOrigin + bSent)) / 1000,
      p50: pct(answers, 50),
      p99: pct(answers, 99),
      max: Math.max(...answers),
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" "),
      reruns: reruns(),
      lastRerunS: since(lastRerun),
      maxPerMinute,
    };
  } finally {
    await bot.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const github = new FakeGitHub();
await github.start();
try {
  const rows = [];
  const designs = (process.env.BENCH_STORM_DESIGNS ?? "queue,inline").split(",").filter((d): d is Design => d === "queue" || d === "inline" || (d === "baseline" && !!process.env.BENCH_STORM_BASELINE));
  for (const N of SIZES) {
    for (const mode of designs) {
      console.log(`storm: ${mode}, ${N} runs ...`);
      rows.push(await storm(github, mode, N));
    }
  }
  console.log(`\nStorm: failed runs of one installation, ${C} webhooks at a time, then one of another installation (B), Node ${process.version}\n`);
  console.log("| design | runs | answer p50 ms | p99 ms | answers | re-runs | last re-run after s | last check run after s | B's re-run waited s | most writes in 60 s |");
  console.log("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  const names: Record<Design, string> = { queue: "queue (this branch)", baseline: "queue (before: one FIFO)", inline: "inline (first version)" };
  for (const r of rows) {
    console.log(`| ${names[r.mode]} | ${r.N} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.statuses} | ${r.reruns} | ${r.lastRerunS.toFixed(0)} | ${r.lastCheckRunS.toFixed(0)} | ${r.bWaitS === null ? "none" : r.bWaitS.toFixed(1)} | ${r.maxPerMinute} |`);
  }
} finally {
  await github.stop();
}
