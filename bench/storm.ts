/**
 * `npm run bench:storm`: an outage fails many runs at once. N failed-run webhooks (BENCH_STORM_RUNS,
 * 200) sent C at a time (BENCH_STORM_CONCURRENCY, 50) to the real server, against the fake GitHub
 * on 127.0.0.1, in two designs side by side: the queue (accept, then work: the default) and
 * WORK_QUEUE=inline (each webhook worked off in its request: the first version, the baseline).
 * Reports the webhook answer times, the time until the last re-run, the re-runs made, and the
 * highest number of writes in any 60 s (GitHub's secondary limit: 80 content-creating requests a
 * minute per installation). Bounded by BENCH_STORM_SECONDS (900) per design; stops by itself.
 * BENCH_STORM_DESIGNS (queue,inline) picks the designs; WORK_CONCURRENCY is passed to the server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "../test/e2e/fake-github.js";
import { startBot } from "../test/e2e/server.js";
import { apiRun, workflowRunEvent } from "../test/helpers/events.js";

const N = Number(process.env.BENCH_STORM_RUNS ?? 200);
const C = Number(process.env.BENCH_STORM_CONCURRENCY ?? 50);
const LIMIT_S = Number(process.env.BENCH_STORM_SECONDS ?? 900);
const recent = () => new Date(Date.now() - 3_600_000).toISOString();

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function storm(github: FakeGitHub, mode: "queue" | "inline") {
  github.reset();
  // An outage fails runs of many commits at once (one commit's runs would hit auto.budget.per-commit);
  // the budget per repo-hour is raised so that all N may be re-run.
  const runs = Array.from({ length: N }, (_, i) => apiRun({ id: 90_000 + i, head_sha: `sha${i}`, created_at: recent() }));
  github.repo("o/r", { config: "auto:\n  enabled: true\n  budget:\n    per-hour: 1000\n", runs });
  const dataDir = mkdtempSync(join(tmpdir(), "rerun-storm-"));
  const bot = await startBot(github.port, { WORK_QUEUE: mode === "queue" ? "file" : "inline", DATA_DIR: dataDir, WORK_CONCURRENCY: process.env.WORK_CONCURRENCY });
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
    const reruns = () => github.requests.filter((r) => r.method === "POST" && r.path.endsWith("/rerun-failed-jobs")).length;
    const deadline = Date.now() + LIMIT_S * 1000;
    while (reruns() < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const lastRerun = Math.max(...github.requests.filter((r) => r.path.endsWith("/rerun-failed-jobs")).map((r) => r.at));
    const writes = github.requests.filter((r) => r.method !== "GET" && !r.path.includes("access_tokens")).map((r) => r.at).sort((a, b) => a - b);
    let maxPerMinute = 0;
    for (let i = 0, j = 0; i < writes.length; i++) {
      while (writes[i] - writes[j] >= 60_000) j++;
      maxPerMinute = Math.max(maxPerMinute, i - j + 1);
    }
    return {
      mode,
      p50: pct(answers, 50),
      p99: pct(answers, 99),
      max: Math.max(...answers),
      statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(" "),
      reruns: reruns(),
      lastRerunS: (lastRerun - (performance.timeOrigin + started)) / 1000,
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
  const designs = (process.env.BENCH_STORM_DESIGNS ?? "queue,inline").split(",").filter((d): d is "queue" | "inline" => d === "queue" || d === "inline");
  for (const mode of designs) {
    console.log(`storm: ${mode} ...`);
    rows.push(await storm(github, mode));
  }
  console.log(`\nStorm: ${N} failed runs, ${C} webhooks at a time, one installation, Node ${process.version}\n`);
  console.log("| design | answer p50 ms | p99 ms | max ms | answers | re-runs | last re-run after s | most writes in 60 s |");
  console.log("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(`| ${r.mode === "queue" ? "queue (default)" : "inline (first version)"} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} | ${r.statuses} | ${r.reruns} | ${r.lastRerunS.toFixed(0)} | ${r.maxPerMinute} |`);
  }
} finally {
  await github.stop();
}
