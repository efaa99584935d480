/**
 * `workflow_run.completed`: automatic re-runs of failed runs, and flaky jobs caught when a run
 * the bot re-ran passes. Decides from the payload first: most events cost no API call. Evidence is
 * read only as the rules ask for it (policy/rules.ts), and reading stops at the first real failure.
 */
import type { Context } from "probot";
import { isFailedRun } from "../domain/conclusions.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import { keys } from "../domain/keys.js";
import { currentPullHead, gitHubClient, type GitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { runFacts } from "../github/payload.js";
import { checkStillWanted, screenRun } from "../policy/auto-rerun.js";
import { findFlaky } from "../policy/flaky.js";
import { alreadyRunning, type Refusal } from "../policy/limits.js";
import { rerunDelayMs, type JobVerdict, type Rule } from "../policy/rules.js";
import { holdDelayMs } from "../policy/pacing.js";
import { countInfraFailure, holdRerun, spendBudget } from "./pacing.js";
import { judgeWithEvidence } from "./evidence.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { flakyLine } from "../report/check-run.js";
import { withClaim, type Claim } from "../state/claims.js";
import { rememberRerun, rerunEvidence, type RerunEvidence } from "../state/reruns.js";
import { checkBreaker, ledgerSettings, recordCatches, recordStayedRed, repoTrips, tripsOf, type LedgerSettings } from "./ledger.js";
import { mdLink, mdText } from "../util/markdown.js";
import type { AutoConfig } from "../config/schema.js";
import type { Deps } from "./deps.js";

export async function handleWorkflowRun(context: Context<"workflow_run.completed">, deps: Deps): Promise<void> {
  const payload = context.payload;
  const workflowRun = payload.workflow_run as unknown as Record<string, unknown> | undefined;
  const repository = payload.repository;
  if (!workflowRun || !repository?.owner?.login || !repository.name) return;
  const run = runFacts(workflowRun, repository.full_name);
  if (!run.id) return;

  if (isFailedRun(run)) {
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
    await withClaim(deps.store, claimKey, context.id, () =>
      writeCheckRun(gh, deps.store, run, { kind: "config-invalid", errors: loaded.errors }).then(() => {}),
    );
    return;
  }
  const auto = loaded.config.auto;
  const screen = screenRun(run, auto, deps.now());
  if (screen.kind === "ignore") {
    context.log.debug({ repo: fullName, run: run.id, why: screen.why }, "no automatic re-run");
    return;
  }
  // Redeliveries and racing deliveries of one run attempt act once (state/claims.ts).
  const settings = ledgerSettings(loaded.config);
  const fresh = await withClaim(deps.store, claimKey, context.id, async (claim) => {
    if (screen.kind === "refuse") return refuse(context, deps, gh, run, auto, screen.refusal, null, [], settings);
    let jobs: JobFacts[] | null = null;
    let why = "no rule asks about jobs, so every failure counts as a flake";
    let maxAttempts = auto["max-attempts"];
    let verdicts: JobVerdict[] = [];
    // The rules that decided: those that matched a failed job, or every rule that applies when no job was read.
    let deciding: Rule[] = screen.rules;
    const stale = (why: string) => context.log.info({ repo: fullName, run: run.id, why }, "stale delivery: no re-run");
    // The breaker needs the failed jobs' names only while one of this workflow's jobs is tripped
    // (known from the ledger, not from GitHub): otherwise a failed run costs no extra call for it.
    const trips = await repoTrips(deps, fullName, settings.breakerAfter);
    if (screen.needJobs || tripsOf(trips, run.name).length > 0) {
      jobs = await gh.listJobs(run.id);
      // The latest attempt's jobs say which attempt GitHub is at: a newer one makes this delivery stale.
      const atNow = checkStillWanted(run, { runAttempt: Math.max(run.runAttempt, ...jobs.map((j) => j.runAttempt ?? 1)), status: "completed" }, null);
      if (atNow.kind === "stale") return stale(atNow.why);
      const broken = await checkBreaker(deps, gh, run, jobs, trips, settings);
      if (broken) return refuse(context, deps, gh, run, auto, broken, jobs, [], settings);
    }
    if (screen.needJobs && jobs) {
      const verdict = await judgeWithEvidence(gh, run, jobs, screen.rules, auto);
      verdicts = verdict.verdicts;
      if (verdict.kind === "refuse") return refuse(context, deps, gh, run, auto, verdict.refusal, jobs, verdicts, settings);
      ({ why, maxAttempts } = verdict);
      deciding = verdict.verdicts.flatMap((v) => (v.kind === "flake" ? [v.rule] : []));
    }
    // Just before the call: GitHub's current attempt (unless the jobs said it), and for a pull
    // request run, whether the PR has moved on. One read each, only when a re-run is about to happen.
    const current = jobs ? null : await gh.getRun(run.id);
    const pullHead = await currentPullHead(gh, run);
    const still = checkStillWanted(run, current, pullHead);
    if (still.kind === "stale") return stale(still.why);
    if (still.kind === "refuse") return refuse(context, deps, gh, run, auto, still.refusal, jobs, verdicts, settings);
    const installationId = context.payload.installation?.id;
    const schedule = auto["dry-run"] ? undefined : deps.schedule;
    if (installationId && schedule) {
      const infrastructure = verdicts.some((v) => v.kind === "flake" && v.category === "infrastructure");
      const delayMs = rerunDelayMs(deciding, run.runAttempt);
      const work = { kind: "rerun", installationId, owner, repo, runId: run.id, runAttempt: run.runAttempt, maxAttempts, why, infrastructure, evidence: evidenceOf(verdicts, why) } as const;
      // An outage: many infrastructure failures at once. Hold the re-run, and release it spaced out.
      const failures = infrastructure ? await countInfraFailure(deps, installationId) : 0;
      const holdMs = holdDelayMs(failures, 0, deps.hold);
      if (holdMs > 0) {
        const at = await holdRerun({ ...deps, schedule }, gh, run, { ...work, holds: 1 }, Math.max(holdMs, delayMs), failures, jobs, verdicts);
        context.log.info({ repo: fullName, run: run.id, failures, at: at.toISOString() }, "re-run held for an outage");
        return;
      }
      if (delayMs > 0) {
        // Decided now, made later: the work is queued (durably) before the check run says so.
        await schedule(work, delayMs);
        const at = new Date(deps.now().getTime() + delayMs);
        context.log.info({ repo: fullName, run: run.id, at: at.toISOString() }, "re-run scheduled");
        await writeCheckRun(gh, deps.store, run, { kind: "scheduled", at, attempt: run.runAttempt + 1, maxAttempts, why }, jobs, verdicts);
        return;
      }
    }
    await rerun(context, deps, gh, claim, run, auto, { jobs, verdicts, why, maxAttempts }, settings);
  });
  if (!fresh) context.log.info({ repo: fullName, run: run.id, attempt: run.runAttempt }, "duplicate workflow_run event ignored");
}

interface Decision {
  jobs: JobFacts[] | null;
  verdicts: JobVerdict[];
  why: string;
  maxAttempts: number;
}

/** Why the bot re-runs: kept with the run, so a catch or a red run is recorded with its evidence. */
export function evidenceOf(verdicts: JobVerdict[], why: string): RerunEvidence {
  const flakes = verdicts.flatMap((v) => (v.kind === "flake" ? [v] : []));
  if (flakes.length === 0) return { category: "any", evidence: why };
  const jobs = Object.fromEntries(flakes.map((v) => [v.job.name, [v.category, `${v.evidence} (${v.rule.label})`] as [typeof v.category, string]]));
  const first = flakes.find((v) => v.category === "infrastructure") ?? flakes[0];
  return { category: first.category, evidence: `${first.evidence} (${first.rule.label})`, jobs };
}

async function rerun(context: Context, deps: Deps, gh: GitHubClient, claim: Claim, run: RunFacts, auto: AutoConfig, d: Decision, settings: LedgerSettings) {
  const fullName = `${gh.owner}/${gh.repo}`;
  const dryRun = auto["dry-run"];
  const spent = dryRun ? null : await spendBudget(deps, fullName, run.headSha, auto.budget);
  if (spent) return refuse(context, deps, gh, run, auto, spent, d.jobs, d.verdicts, settings);
  try {
    if (!dryRun) await gh.rerunFailedJobs(run.id, false);
  } catch (err) {
    const explained = explainGitHubError(err);
    // Someone re-ran it first: nothing to do, and nothing went wrong.
    const first = alreadyRunning(explained.message);
    if (first) return refuse(context, deps, gh, run, auto, first, d.jobs, d.verdicts, settings);
    context.log.error({ repo: fullName, run: run.id, status: explained.status }, `re-run failed: ${explained.message}`);
    // A refusal will not change on redelivery; a transient error may: let a redelivery try again.
    if (!explained.refused) await claim.retryable();
    deps.metrics.countRerun("auto", false, dryRun);
    await writeCheckRun(gh, deps.store, run, { kind: "error", trigger: "auto", message: explained.message }, d.jobs, d.verdicts);
    return;
  }
  await claim.accepted();
  context.log.info({ repo: fullName, run: run.id, attempt: run.runAttempt + 1, dryRun }, "re-ran failed jobs");
  if (!dryRun) await rememberRerun(deps.store, fullName, run.id, evidenceOf(d.verdicts, d.why));
  deps.metrics.countRerun("auto", true, dryRun);
  await writeCheckRun(
    gh,
    deps.store,
    run,
    { kind: "rerun", trigger: "auto", attempt: run.runAttempt + 1, maxAttempts: d.maxAttempts, why: d.why, dryRun },
    d.jobs,
    d.verdicts,
  );
}

/** A refusal on the check run, and for a run the bot gave up on, the one optional PR comment. */
async function refuse(
  context: Context,
  deps: Deps,
  gh: GitHubClient,
  run: RunFacts,
  auto: AutoConfig,
  refusal: Refusal,
  jobs: JobFacts[] | null,
  verdicts: JobVerdict[],
  settings: LedgerSettings,
): Promise<void> {
  const fullName = `${gh.owner}/${gh.repo}`;
  context.log.info({ repo: fullName, run: run.id, reason: refusal.reason }, "automatic re-run refused");
  deps.metrics.refusals.inc({ reason: refusal.reason });
  await writeCheckRun(gh, deps.store, run, { kind: "refused", refusal }, jobs, verdicts);
  const gaveUp = refusal.reason === "max-attempts" || refusal.reason === "real-failure";
  const why = gaveUp && run.runAttempt > 1 ? await rerunEvidence(deps.store, fullName, run.id) : null;
  // A run the bot re-ran that ends red: the jobs that failed on every attempt go to the ledger (the breaker counts them).
  if (why) await recordStayedRed(deps, gh, run, await gh.listJobs(run.id, "all"), why, settings);
  if (refusal.reason === "max-attempts" && auto.notify === "pr-comment") {
    if (why) {
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
  const why = await rerunEvidence(deps.store, fullName, run.id);
  if (!why) return;
  await withClaim(deps.store, keys.autoEvent(fullName, run.id, run.runAttempt), context.id, async () => {
    const gh = gitHubClient(context.octokit, owner, repo);
    const allJobs = await gh.listJobs(run.id, "all");
    const flaky = findFlaky(allJobs);
    await writeCheckRun(gh, deps.store, run, { kind: "flaky", flaky, attempt: run.runAttempt });
    context.log.info({ repo: fullName, run: run.id, flaky: flaky.map((f) => f.name) }, "run passed after re-run");
    deps.metrics.flakyJobs.inc(flaky.length);
    if (flaky.length === 0) return;
    const loaded = await deps.configs.load(context.octokit, owner, repo);
    // The ledger keeps every catch (also with an invalid config: the catch happened).
    const settings = ledgerSettings(loaded.kind === "ok" ? loaded.config : null);
    await recordCatches(deps, gh, run, flaky, allJobs, why, settings);
    if (loaded.kind === "ok" && loaded.config.auto.notify === "pr-comment") {
      await commentOnPulls(
        gh,
        run,
        `${mdLink(`${run.name} #${run.runNumber}`, run.htmlUrl)} passed on attempt ${run.runAttempt} after rerun-bot re-ran it. ${mdText(
          `Flaky job${flaky.length === 1 ? "" : "s"}:`,
        )}\n\n${flaky.map((f) => `- ${flakyLine(f)}`).join("\n")}`,
      );
    }
  });
}
