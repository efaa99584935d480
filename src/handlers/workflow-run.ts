/**
 * `workflow_run.completed`: automatic re-runs of failed runs, and flaky jobs caught when a run
 * the bot re-ran passes. Decides from the payload first: most events cost no API call.
 */
import type { Context } from "probot";
import { gitHubClient, type GitHubClient } from "../github/client.js";
import { runFacts, type JobFacts, type RunFacts } from "../github/facts.js";
import { explainGitHubError } from "../github/errors.js";
import { judgeJobs, judgeLogs, screenRun } from "../policy/auto-rerun.js";
import { compilePatterns, findPattern, LOG_TAIL_BYTES } from "../policy/log-patterns.js";
import { findFlaky } from "../policy/flaky.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { rememberRerun, wasRerun } from "../state/reruns.js";
import { flakyLine, type Outcome } from "../report/check-run.js";
import { mdLink, mdText } from "../util/markdown.js";
import { keys, TTL, type Deps } from "../deps.js";
import type { AutoConfig } from "../config/schema.js";

/** Conclusions any config could count; the rest are decided without reading the config. */
const MAYBE_FAILED = new Set(["failure", "timed_out", "cancelled"]);
/** Failed jobs whose logs are read at most, when log-patterns are set. */
export const MAX_LOGS_READ = 20;

export async function handleWorkflowRun(context: Context<"workflow_run.completed">, deps: Deps): Promise<void> {
  const payload = context.payload;
  const workflowRun = payload.workflow_run as unknown as Record<string, unknown> | undefined;
  const repository = payload.repository;
  if (!workflowRun || !repository?.owner?.login || !repository.name) return;
  const run = runFacts(workflowRun, repository.full_name);
  if (!run.id) return;

  if (run.conclusion && MAYBE_FAILED.has(run.conclusion)) {
    await onFailedRun(context, deps, run);
  } else if (run.conclusion === "success" && run.runAttempt > 1) {
    await onPassedRerun(context, deps, run);
  }
}

async function onFailedRun(context: Context<"workflow_run.completed">, deps: Deps, run: RunFacts): Promise<void> {
  const { owner, repo } = context.repo();
  const fullName = `${owner}/${repo}`;
  const loaded = await deps.configs.load(context.octokit, owner, repo);
  const gh = gitHubClient(context.octokit, owner, repo);
  const claimKey = keys.autoEvent(fullName, run.id, run.runAttempt);

  if (loaded.kind === "invalid") {
    context.log.warn({ repo: fullName, errors: loaded.errors }, "invalid .github/rerun.yml: no automatic re-run");
    deps.metrics.refusals.inc({ reason: "config-invalid" });
    if (await deps.store.claim(claimKey, TTL.claim)) {
      await writeCheckRun(gh, deps.store, run, { kind: "config-invalid", errors: loaded.errors });
    }
    return;
  }
  const auto = loaded.config.auto;
  const screen = screenRun(run, auto, deps.now());
  if (screen.kind === "ignore") {
    context.log.debug({ repo: fullName, run: run.id, why: screen.why }, "no automatic re-run");
    return;
  }
  // Redeliveries and racing deliveries of one run attempt act once.
  if (!(await deps.store.claim(claimKey, TTL.claim))) {
    context.log.info({ repo: fullName, run: run.id, attempt: run.runAttempt }, "duplicate workflow_run event ignored");
    return;
  }
  try {
    if (screen.kind === "refuse") {
      await report(context, deps, gh, run, auto, { kind: "refused", refusal: screen.refusal }, null);
      return;
    }
    let jobs: JobFacts[] | null = null;
    let why = "no job rule is configured, so every failure counts as a flake";
    if (screen.needJobs) {
      jobs = await gh.listJobs(run.id);
      const verdict = judgeJobs(jobs, auto);
      if (verdict.kind === "refuse") {
        await report(context, deps, gh, run, auto, { kind: "refused", refusal: verdict.refusal }, jobs);
        return;
      }
      why = `every failed job (${verdict.failed.map((j) => j.name).join(", ")}) passes the job and step rules`;
      if (verdict.kind === "check-logs") {
        const patterns = compilePatterns(auto["log-patterns"]);
        const matched = new Map<number, string | null>();
        for (const job of verdict.failed.slice(0, MAX_LOGS_READ)) {
          const found = findPattern(patterns, await gh.jobLogTail(job.id, LOG_TAIL_BYTES));
          matched.set(job.id, found);
          if (!found) break; // one real failure decides it: read no more logs
        }
        const logs = judgeLogs(verdict.failed, matched);
        if (logs.kind === "refuse") {
          await report(context, deps, gh, run, auto, { kind: "refused", refusal: logs.refusal }, jobs);
          return;
        }
        why += `, and each log matches a known flaky pattern (${[...new Set(matched.values())].join(", ")})`;
      }
    }
    const dryRun = auto["dry-run"];
    try {
      if (!dryRun) await gh.rerunFailedJobs(run.id, false);
    } catch (err) {
      const explained = explainGitHubError(err);
      context.log.error({ repo: fullName, run: run.id, status: explained.status }, `re-run failed: ${explained.message}`);
      // A refusal will not change on redelivery; a transient error may: let a redelivery try again.
      if (!explained.refused) await deps.store.release(claimKey);
      deps.metrics.countRerun("auto", false, dryRun);
      await writeCheckRun(gh, deps.store, run, { kind: "error", trigger: "auto", message: explained.message }, jobs);
      return;
    }
    context.log.info({ repo: fullName, run: run.id, attempt: run.runAttempt + 1, dryRun }, "re-ran failed jobs");
    if (!dryRun) await rememberRerun(deps.store, fullName, run.id);
    deps.metrics.countRerun("auto", true, dryRun);
    await writeCheckRun(
      gh,
      deps.store,
      run,
      { kind: "rerun", trigger: "auto", attempt: run.runAttempt + 1, maxAttempts: auto["max-attempts"], why, dryRun },
      jobs,
    );
  } catch (err) {
    await deps.store.release(claimKey);
    throw err;
  }
}

/** A refusal on the check run, and for a run the bot gave up on, the one optional PR comment. */
async function report(
  context: Context,
  deps: Deps,
  gh: GitHubClient,
  run: RunFacts,
  auto: AutoConfig,
  outcome: Outcome & { kind: "refused" },
  jobs: JobFacts[] | null,
): Promise<void> {
  context.log.info({ repo: `${gh.owner}/${gh.repo}`, run: run.id, reason: outcome.refusal.reason }, "automatic re-run refused");
  deps.metrics.refusals.inc({ reason: outcome.refusal.reason });
  await writeCheckRun(gh, deps.store, run, outcome, jobs);
  if (outcome.refusal.reason === "max-attempts" && auto.notify === "pr-comment") {
    if (await wasRerun(deps.store, `${gh.owner}/${gh.repo}`, run.id)) {
      await commentOnPulls(
        gh,
        run,
        `${mdLink(`${run.name} #${run.runNumber}`, run.htmlUrl)} failed on all ${run.runAttempt} attempts; rerun-bot will not re-run it again: the failure looks real.`,
      );
    }
  }
}

async function commentOnPulls(gh: GitHubClient, run: RunFacts, body: string): Promise<void> {
  // Runs from forks list no pull request; the check run still carries the report.
  for (const number of run.pullRequests.slice(0, 3)) await gh.createComment(number, body);
}

async function onPassedRerun(context: Context<"workflow_run.completed">, deps: Deps, run: RunFacts): Promise<void> {
  const { owner, repo } = context.repo();
  const fullName = `${owner}/${repo}`;
  // Only runs the bot re-ran: anything else costs nothing.
  if (!(await wasRerun(deps.store, fullName, run.id))) return;
  if (!(await deps.store.claim(keys.autoEvent(fullName, run.id, run.runAttempt), TTL.claim))) return;
  const gh = gitHubClient(context.octokit, owner, repo);
  const flaky = findFlaky(await gh.listJobs(run.id, "all"));
  await writeCheckRun(gh, deps.store, run, { kind: "flaky", flaky, attempt: run.runAttempt });
  context.log.info({ repo: fullName, run: run.id, flaky: flaky.map((f) => f.name) }, "run passed after re-run");
  deps.metrics.flakyJobs.inc(flaky.length);
  if (flaky.length === 0) return;
  const loaded = await deps.configs.load(context.octokit, owner, repo);
  if (loaded.kind === "ok" && loaded.config.auto.notify === "pr-comment") {
    await commentOnPulls(
      gh,
      run,
      `${mdLink(`${run.name} #${run.runNumber}`, run.htmlUrl)} passed on attempt ${run.runAttempt} after rerun-bot re-ran it. ${mdText(
        `Flaky job${flaky.length === 1 ? "" : "s"}:`,
      )}\n\n${flaky.map((f) => `- ${flakyLine(f)}`).join("\n")}`,
    );
  }
}
