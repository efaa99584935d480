/**
 * `rerun-bot explain <run URL | owner/repo run-id>`: what the bot would decide for a run, and why,
 * read with a token (GITHUB_TOKEN) and changing nothing. The same config loader, decision and
 * fact-gathering loop as the bot (policy/decide.ts, facts/gather.ts), so what it prints is the plan
 * the bot would carry out, if the webhook came now (with a queue, as the server runs).
 * GitHub Enterprise Server: GHE_HOST (and GHE_PROTOCOL, default https).
 */
import { ProbotOctokit } from "probot";
import { ConfigLoader } from "./config/load.js";
import { isFailedRun } from "./domain/conclusions.js";
import type { JobFacts, RunFacts } from "./domain/facts.js";
import { gitHubClient, type GitHubClient } from "./github/client.js";
import { explainGitHubError } from "./github/errors.js";
import { gatherAndDecide, type EvidenceRead } from "./facts/gather.js";
import { githubSources } from "./facts/sources.js";
import { routeTemplate } from "./metrics.js";
import type { DecisionFacts, Plan } from "./policy/decide.js";
import { holdSettings } from "./policy/pacing.js";
import { sortJobs, type JobVerdict } from "./policy/rules.js";
import { verdictText } from "./report/verdict.js";
import { FileLedger, type Ledger } from "./state/ledger.js";
import type { Store } from "./state/store.js";

export const EXPLAIN_USAGE = "usage: rerun-bot explain <run URL | owner/repo run-id>   (token: GITHUB_TOKEN; GitHub Enterprise: GHE_HOST)";

export interface RunTarget {
  owner: string;
  repo: string;
  runId: number;
}

/** `https://github.com/o/r/actions/runs/42[/attempts/2][?...]`, or `o/r 42`. */
export function parseTarget(args: string[]): RunTarget | null {
  const url = /^https?:\/\/[^/]+\/([^/\s]+)\/([^/\s]+)\/actions\/runs\/(\d+)(?:[/?#].*)?$/.exec(args[0] ?? "");
  if (url && args.length === 1) return { owner: url[1], repo: url[2], runId: Number(url[3]) };
  const pair = /^([^/\s]+)\/([^/\s]+)$/.exec(args[0] ?? "");
  if (pair && args.length === 2 && /^\d+$/.test(args[1])) return { owner: pair[1], repo: pair[2], runId: Number(args[1]) };
  return null;
}

export function apiBaseUrl(env: NodeJS.ProcessEnv): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
}


/** The bot's store and ledger, when DATA_DIR or REDIS_URL point at them: the breaker and the budget. */
async function botState(env: NodeJS.ProcessEnv): Promise<{ store: Store | null; ledger: Ledger | null; where: string; close: () => Promise<void> }> {
  if (env.REDIS_URL) {
    const { RedisStore } = await import("./state/redis-store.js");
    const { RedisLedger } = await import("./state/redis-ledger.js");
    const redis = new RedisStore(env.REDIS_URL, () => {});
    return { store: redis, ledger: new RedisLedger(redis), where: "Redis (REDIS_URL)", close: () => redis.close() };
  }
  if (env.DATA_DIR) {
    // Without Redis the bot keeps its budget counts in memory: only the ledger is on disk.
    return { store: null, ledger: new FileLedger(env.DATA_DIR), where: `DATA_DIR ${env.DATA_DIR}`, close: async () => {} };
  }
  return { store: null, ledger: null, where: "", close: async () => {} };
}

function planLine(plan: Plan, now: Date, dryRun: boolean): string {
  const dry = dryRun ? " (auto.dry-run is on: the bot would only report it)" : "";
  switch (plan.kind) {
    case "nothing":
      return `decision: nothing (silent): ${plan.why}`;
    case "refuse":
      return `decision: not re-run (${plan.refusal.reason}): ${plan.refusal.message}`;
    case "rerun-now":
      return `decision: would re-run the failed jobs (attempt ${plan.attempt} of ${plan.maxAttempts})${dry}`;
    case "rerun-at": {
      const minutes = Math.round((plan.at.getTime() - now.getTime()) / 60_000);
      const why = plan.for === "hold" ? `held for an outage (${plan.failures} infrastructure failures in the window)` : "after the configured delay";
      return `decision: would schedule the re-run ${minutes} minute${minutes === 1 ? "" : "s"} later, at ${plan.at.toISOString().replace(/\.\d+Z$/, "Z")}, ${why} (attempt ${plan.attempt} of ${plan.maxAttempts})${dry}`;
    }
  }
}

/** Prints the explanation; returns the exit code (0 explained, 1 the config is invalid or GitHub failed). */
export async function explain(target: RunTarget, env: NodeJS.ProcessEnv, print: (line: string) => void = console.log): Promise<number> {
  const token = env.GITHUB_TOKEN;
  if (!token) {
    print("rerun-bot explain: GITHUB_TOKEN is required (a token that can read the repo's actions and contents)");
    return 1;
  }
  const calls = new Map<string, number>();
  const octokit = new ProbotOctokit({ auth: { token }, baseUrl: apiBaseUrl(env), throttle: { enabled: false }, retry: { enabled: false } } as never);
  octokit.hook.before("request", (options) => {
    const key = `${options.method} ${routeTemplate(options.url)}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
  });
  const { owner, repo, runId } = target;
  const gh = gitHubClient(octokit, owner, repo);
  const state = await botState(env);
  try {
    const loaded = await new ConfigLoader({ ttlMs: 0 }).load(octokit, owner, repo);
    const run = await gh.getRun(runId);
    print(`${owner}/${repo} run ${run.id}: ${run.name} #${run.runNumber}, attempt ${run.runAttempt}, ${run.status}/${run.conclusion ?? "none"}, event ${run.event}, branch ${run.headBranch ?? "(none)"}`);
    if (loaded.kind === "invalid") {
      print("config: .github/rerun.yml is invalid, so the bot does nothing automatic:");
      for (const e of loaded.errors) print(`  - ${e}`);
      return finish(print, calls, 1);
    }
    print("config: ok");
    const now = new Date();
    const hold = holdSettings(env);
    const start: DecisionFacts = { run, config: loaded, now, delayWaited: false, holds: 0, promised: false, canSchedule: true, hold, current: run };
    const sources = githubSources({
      gh,
      run,
      ledger: state.ledger,
      breakerAfter: loaded.config.breaker.after,
      store: state.store,
      hold,
      installationId: state.store ? await installationOf(octokit, owner, repo) : null,
      now: () => now,
      mode: "look",
    });
    const { plan, facts, reads } = await gatherAndDecide(start, sources);
    if (plan.kind !== "nothing" || isFailedRun(run)) await printJobs(gh, run, facts.jobs ?? null, plan.kind === "nothing" ? [] : plan.verdicts, reads, print);
    print(`breaker: ${state.ledger ? `read from ${state.where}` : "not read (set DATA_DIR or REDIS_URL to the bot's to see it): the bot may refuse a job its breaker stopped"}`);
    print(`budget: ${state.store ? `read from ${state.where}` : "not read (only REDIS_URL holds the bot's budget counts): the bot may refuse for a spent budget"}`);
    print(planLine(plan, now, loaded.config.auto["dry-run"]));
    return finish(print, calls, 0);
  } catch (err) {
    print(`rerun-bot explain: ${explainGitHubError(err).message}`);
    return finish(print, calls, 1);
  } finally {
    await state.close();
  }
}

/** Each failed job with its verdict; read for that alone when no rule asked for the job list. */
async function printJobs(gh: GitHubClient, run: RunFacts, read: JobFacts[] | null, verdicts: JobVerdict[], reads: EvidenceRead[], print: (line: string) => void) {
  const jobs = read ?? (await gh.listJobs(run.id));
  const failed = sortJobs(jobs).judged;
  if (failed.length === 0) return;
  const byJob = new Map(verdicts.map((v) => [v.job.id, v]));
  print("failed jobs:");
  for (const job of failed) {
    const v = byJob.get(job.id);
    const evidence = reads.filter((r) => r.jobId === job.id).map((r) => `${r.what}${r.found ? "" : ` (none: ${r.status ? `GitHub answered ${r.status}` : "no evidence"})`}`);
    const verdict = v && v.kind !== "need" ? verdictText(v) : read ? "not judged (judging stopped at an earlier job)" : "no rule asks about jobs: counts as a flake";
    print(`  - ${job.name}: ${verdict}; evidence read: ${evidence.length > 0 ? evidence.join(", ") : "the job list only"}`);
  }
}

/** The installation's id keys the outage count; a token that cannot read it gets none. */
async function installationOf(octokit: InstanceType<typeof ProbotOctokit>, owner: string, repo: string): Promise<number | null> {
  try {
    return (await octokit.request("GET /repos/{owner}/{repo}/installation", { owner, repo })).data.id;
  } catch {
    return null;
  }
}

function finish(print: (line: string) => void, calls: Map<string, number>, code: number): number {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  print(`GitHub calls: ${total} (${[...calls].map(([k, n]) => `${k} ×${n}`).join("; ") || "none"}); nothing was changed`);
  return code;
}
