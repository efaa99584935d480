/**
 * `rerun-bot explain <run URL | owner/repo run-id>`: what the bot would decide for a run, and why,
 * read with a token (GITHUB_TOKEN) and changing nothing. The same config loader, policy and
 * evidence loop as the bot (handlers/evidence.ts), so what it prints is what the bot does.
 * GitHub Enterprise Server: GHE_HOST (and GHE_PROTOCOL, default https).
 */
import { ProbotOctokit } from "probot";
import { ConfigLoader } from "./config/load.js";
import type { RunFacts } from "./domain/facts.js";
import { currentPullHead, gitHubClient } from "./github/client.js";
import { explainGitHubError } from "./github/errors.js";
import { judgeWithEvidence, type EvidenceRead } from "./handlers/evidence.js";
import { routeTemplate } from "./metrics.js";
import { checkStillWanted, screenRun } from "./policy/auto-rerun.js";
import type { JobVerdict } from "./policy/rules.js";

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

const verdictLine = (v: JobVerdict) =>
  v.kind === "flake" ? `flake: ${v.evidence} (${v.rule.label})` : v.kind === "real" ? `real failure: ${v.why}` : "not judged";

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
    const auto = loaded.config.auto;
    const screen = screenRun(run, auto, new Date());
    if (screen.kind === "ignore") {
      print(`decision: nothing (silent): ${screen.why}`);
      return finish(print, calls, 0);
    }
    if (screen.kind === "refuse") {
      print(`decision: not re-run (${screen.refusal.reason}): ${screen.refusal.message}`);
      return finish(print, calls, 0);
    }
    print(`rules: ${screen.rules.map((r) => r.label).join("; ")}`);
    let attempts = auto["max-attempts"];
    let jobsRead = false;
    if (screen.needJobs) {
      const jobs = await gh.listJobs(run.id);
      jobsRead = true;
      const reads: EvidenceRead[] = [];
      const verdict = await judgeWithEvidence(gh, run, jobs, screen.rules, auto, (r) => reads.push(r));
      print("failed jobs:");
      for (const v of verdict.verdicts) {
        const read = reads.filter((r) => r.jobId === v.job.id).map((r) => `${r.what}${r.found ? "" : " (none: no evidence)"}`);
        print(`  - ${v.job.name}: ${verdictLine(v)}; evidence read: ${read.length > 0 ? read.join(", ") : "the job list only"}`);
      }
      if (verdict.kind === "refuse") {
        print(`decision: not re-run (${verdict.refusal.reason}): ${verdict.refusal.message}`);
        return finish(print, calls, 0);
      }
      attempts = verdict.maxAttempts;
    }
    const still = await stillWanted(gh, run, jobsRead);
    if (still.kind === "stale") print(`decision: nothing: ${still.why}`);
    else if (still.kind === "refuse") print(`decision: not re-run (${still.refusal.reason}): ${still.refusal.message}`);
    else print(`decision: would re-run the failed jobs (attempt ${run.runAttempt + 1} of ${attempts})${auto["dry-run"] ? " (auto.dry-run is on: the bot would only report it)" : ""}`);
    return finish(print, calls, 0);
  } catch (err) {
    print(`rerun-bot explain: ${explainGitHubError(err).message}`);
    return finish(print, calls, 1);
  }
}

async function stillWanted(gh: ReturnType<typeof gitHubClient>, run: RunFacts, jobsRead: boolean) {
  const pullHead = await currentPullHead(gh, run);
  // The run was just read: it is the current attempt unless the jobs said otherwise.
  return checkStillWanted(run, jobsRead ? null : run, pullHead);
}

function finish(print: (line: string) => void, calls: Map<string, number>, code: number): number {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  print(`GitHub calls: ${total} (${[...calls].map(([k, n]) => `${k} ×${n}`).join("; ") || "none"}); nothing was changed`);
  return code;
}
