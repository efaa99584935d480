/**
 * `npm run bench:action`: how fast the Action starts. The time from process start to its first
 * GitHub call, on the same failed-run event against the fake GitHub on 127.0.0.1:
 * - the bundle: action.yml's `main` (dist/action.js) in a folder with no node_modules, as the runner has it;
 * - the old way (baseline): `npm ci` in a fresh copy of the repo (which builds lib/ through `prepare`),
 *   then `node lib/action.js`, as the composite action did on every event.
 * Bounded: BENCH_ACTION_RUNS (5) bundle runs, one install; stops by itself.
 */
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeGitHub } from "../test/e2e/fake-github.js";
import { apiJob, apiRun, workflowRunEvent } from "../test/helpers/events.js";

const RUNS = Number(process.env.BENCH_ACTION_RUNS ?? 5);
const recent = () => new Date(Date.now() - 3_600_000).toISOString();
const github = new FakeGitHub();
await github.start();
const work = mkdtempSync(join(tmpdir(), "rerun-bench-action-"));
const eventFile = join(work, "event.json");
writeFileSync(eventFile, JSON.stringify(workflowRunEvent({ created_at: recent() })));

/** Milliseconds from spawn to the first request the fake GitHub sees (and to exit). */
async function firstCall(script: string, cwd: string): Promise<{ first: number; exit: number }> {
  github.reset();
  github.repo("o/r", { config: "auto:\n  enabled: true\n  jobs: ['test*']\n", runs: [apiRun({ created_at: recent() })], jobs: { 42: [apiJob()] }, pulls: { 5: "abc123" } });
  const started = performance.now();
  const proc = spawn(process.execPath, [script], {
    cwd,
    stdio: "ignore",
    env: { PATH: process.env.PATH, GITHUB_EVENT_NAME: "workflow_run", GITHUB_EVENT_PATH: eventFile, GITHUB_API_URL: `http://127.0.0.1:${github.port}/api/v3`, INPUT_TOKEN: "ghs_x", LOG_LEVEL: "warn" },
  });
  let first = -1;
  const poll = setInterval(() => {
    if (first < 0 && github.requests.length > 0) first = performance.now() - started;
  }, 1);
  const code = await new Promise<number | null>((resolve) => proc.on("exit", resolve));
  clearInterval(poll);
  if (code !== 0 || !github.calls().some((c) => c.includes("rerun-failed-jobs"))) throw new Error(`${script} did not re-run (exit ${code})`);
  return { first, exit: performance.now() - started };
}

try {
  const bundleDir = join(work, "bundle");
  mkdirSync(join(bundleDir, "dist"), { recursive: true });
  copyFileSync("dist/action.js", join(bundleDir, "dist", "action.js"));
  const size = statSync("dist/action.js").size;
  const bundle = [];
  for (let i = 0; i < RUNS; i++) bundle.push(await firstCall(join(bundleDir, "dist", "action.js"), bundleDir));

  // The baseline: a fresh copy of the sources, installed as the composite action did.
  const copy = join(work, "install");
  mkdirSync(copy);
  for (const f of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "src", "schema", "tools"]) cpSync(f, join(copy, f), { recursive: true });
  const t0 = performance.now();
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: copy, stdio: "ignore" });
  const install = performance.now() - t0;
  const run = await firstCall(join(copy, "lib", "action.js"), copy);

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const f = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`\nAction start-up, ${RUNS} bundle runs (median) and one install, Node ${process.version}\n`);
  console.log("| way | install s | start to first GitHub call s | start to exit s | size |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  console.log(`| bundle (dist/action.js, node24 action) | 0 | ${f(median(bundle.map((b) => b.first)))} | ${f(median(bundle.map((b) => b.exit)))} | ${(size / 1024).toFixed(0)} KiB, one file |`);
  console.log(`| npm ci + lib/action.js (composite, before) | ${f(install)} | ${f(install + run.first)} | ${f(install + run.exit)} | node_modules |`);
  console.log(`\n**Speed-up to the first call: ${((install + run.first) / median(bundle.map((b) => b.first))).toFixed(0)}×**`);
} finally {
  await github.stop();
  rmSync(work, { recursive: true, force: true });
}
