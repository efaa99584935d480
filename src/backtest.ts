/**
 * `rerun-bot backtest <owner/repo> [--days N] [--config FILE] [--workflow NAME] [--json]`: the bot's
 * own decision replayed over a repo's failed runs of the last N days, against what people's re-runs
 * showed. Reads with GITHUB_TOKEN (GHE_HOST as for `explain`), writes nothing to GitHub, obeys
 * GitHub's rate limits (Octokit's throttling plugin waits out `retry-after` and `x-ratelimit-reset`)
 * and counts every request it sends.
 */
import { readFileSync } from "node:fs";
import { ProbotOctokit } from "probot";
import { parse } from "yaml";
import { ConfigLoader, CONFIG_PATH, type LoadedConfig } from "./config/load.js";
import { validateConfig } from "./config/validate.js";
import { workflowNames } from "./domain/facts.js";
import { apiBaseUrl } from "./explain.js";
import { completedRuns, replayRun } from "./facts/history.js";
import { gitHubClient } from "./github/client.js";
import { explainGitHubError } from "./github/errors.js";
import { routeTemplate } from "./metrics.js";
import { firstAttemptFailed, summarise, type ReplayedRun } from "./policy/backtest.js";
import { progressBar, renderBacktest, type BacktestHeader } from "./report/backtest.js";

export const BACKTEST_USAGE =
  "usage: rerun-bot backtest <owner/repo> [--days N] [--config FILE] [--workflow NAME] [--json]   (token: GITHUB_TOKEN; GitHub Enterprise: GHE_HOST)";

/** GitHub keeps logs 90 days by default: past that the evidence the decision reads is gone. */
export const MAX_DAYS = 90;
/** Retries of one request that GitHub keeps rate-limiting, before the backtest gives up. */
export const MAX_RATE_LIMIT_RETRIES = 10;

export interface BacktestArgs {
  owner: string;
  repo: string;
  days: number;
  configFile: string | null;
  workflow: string | null;
  json: boolean;
}

/** The arguments, or what is wrong with them. */
export function parseBacktestArgs(args: string[]): BacktestArgs | { error: string } {
  const out: BacktestArgs = { owner: "", repo: "", days: 30, configFile: null, workflow: null, json: false };
  const rest = [...args];
  while (rest.length > 0) {
    const a = rest.shift()!;
    const value = (name: string) => {
      const v = rest.shift();
      if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
      return v;
    };
    try {
      if (a === "--json") out.json = true;
      else if (a === "--days") {
        const v = value("--days");
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_DAYS) return { error: `--days must be a whole number from 1 to ${MAX_DAYS} (GitHub keeps logs ${MAX_DAYS} days by default), not ${v}` };
        out.days = Number(v);
      } else if (a === "--config") out.configFile = value("--config");
      else if (a === "--workflow") out.workflow = value("--workflow");
      else if (a.startsWith("--")) return { error: `unknown option ${a}` };
      else if (out.owner) return { error: `one repository only (got ${a} too)` };
      else {
        const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(a);
        if (!m) return { error: `not owner/repo: ${a}` };
        [out.owner, out.repo] = [m[1], m[2]];
      }
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  return out.owner ? out : { error: "which repository? owner/repo is required" };
}

/** The config file `--config` names, checked as the bot checks the repo's. */
function configFromFile(path: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (err) {
    return { kind: "invalid", errors: [`${path}: ${(err as Error).message}`] };
  }
  const v = validateConfig(raw ?? {});
  return v.ok ? { kind: "ok", config: v.config } : { kind: "invalid", errors: v.errors };
}

type Out = (line: string) => void;
type ErrStream = { isTTY?: boolean; write(s: string): unknown };

/** Runs the backtest and prints its report (or JSON); returns the exit code (1: bad config or GitHub failed). */
export async function backtest(a: BacktestArgs, env: NodeJS.ProcessEnv, print: Out = console.log, stderr: ErrStream = process.stderr): Promise<number> {
  const warn = (line: string) => stderr.write(`${line}\n`);
  const token = env.GITHUB_TOKEN;
  if (!token) {
    warn("rerun-bot backtest: GITHUB_TOKEN is required (a token that can read the repo's actions, checks and contents)");
    return 1;
  }
  const calls = new Map<string, number>();
  // Counted at the wire: every request sent, rate-limit retries included.
  const countingFetch: typeof fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const key = `${init?.method ?? "GET"} ${routeTemplate(url)}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return fetch(input, init);
  };
  const onLimit = (kind: string) => (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
    if (retryCount >= MAX_RATE_LIMIT_RETRIES) {
      warn(`GitHub's ${kind} rate limit on ${options.method} ${options.url}: giving up after ${retryCount} retries`);
      return false;
    }
    warn(`GitHub's ${kind} rate limit on ${options.method} ${options.url}: waiting ${retryAfter} s as GitHub asks, then retrying`);
    return true;
  };
  const octokit = new ProbotOctokit({
    auth: { token },
    baseUrl: apiBaseUrl(env),
    request: { fetch: countingFetch },
    throttle: { onRateLimit: onLimit("primary"), onSecondaryRateLimit: onLimit("secondary") },
    // Rate limits are the throttle's to wait out (it reads GitHub's headers); 5xx are retried with backoff.
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  } as never);
  const gh = gitHubClient(octokit, a.owner, a.repo);
  const progress = progressBar(stderr);
  try {
    const loaded = a.configFile ? configFromFile(a.configFile) : await new ConfigLoader({ ttlMs: 0 }).load(octokit, a.owner, a.repo);
    const source = a.configFile ?? `${a.owner}/${a.repo}'s ${CONFIG_PATH}`;
    if (loaded.kind === "invalid") {
      warn(`rerun-bot backtest: the config (${source}) is invalid:`);
      for (const e of loaded.errors) warn(`  - ${e}`);
      return 1;
    }
    // The backtest asks what the bot would do if it were on: a repo trying it first has it off.
    const config: LoadedConfig = { kind: "ok", config: { ...loaded.config, auto: { ...loaded.config.auto, enabled: true } } };
    const to = Math.floor(Date.now() / 1000) * 1000;
    const from = to - a.days * 86_400_000;
    const listed = await completedRuns(gh, from, to, (n) => progress.update(n, n, "runs listed"));
    const runs = a.workflow ? listed.filter((r) => workflowNames(r).includes(a.workflow!)) : listed;
    const candidates = runs.filter((r) => firstAttemptFailed(r, null) !== false);
    const replayed: ReplayedRun[] = [];
    const vanished: number[] = [];
    for (const [i, run] of candidates.entries()) {
      progress.update(i, candidates.length, "runs replayed");
      try {
        const r = await replayRun(gh, run, config);
        if (r) replayed.push(r);
      } catch (err) {
        // A run deleted since it was listed costs that run, not the whole backtest.
        if (![404, 410].includes((err as { status?: number }).status ?? 0)) throw err;
        vanished.push(run.id);
      }
    }
    progress.done();
    const summary = summarise(replayed);
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const header: BacktestHeader = {
      repo: `${a.owner}/${a.repo}`,
      from: stamp(from),
      to: stamp(to),
      days: a.days,
      config: `${source}${loaded.config.auto.enabled ? "" : " (auto.enabled is off there; replayed as if on)"}`,
      workflow: a.workflow,
      runs: runs.length,
      vanished,
    };
    const total = [...calls.values()].reduce((x, y) => x + y, 0);
    if (a.json) {
      print(JSON.stringify({ ...header, ...summary, calls: { total, byRoute: Object.fromEntries(calls) } }, null, 2));
    } else {
      for (const line of renderBacktest(header, summary)) print(line);
      print("");
      print(`GitHub calls: ${total} (${[...calls].map(([k, n]) => `${k} ×${n}`).join("; ")}); nothing was changed`);
    }
    return 0;
  } catch (err) {
    progress.done();
    warn(`rerun-bot backtest: ${explainGitHubError(err).message}`);
    return 1;
  }
}
