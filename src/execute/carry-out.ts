/**
 * The one executor of an automatic plan (policy/decide.ts), for a webhook and for due work alike:
 * it makes the re-run (or, in a dry run, does everything but the call), schedules what must wait,
 * reads GitHub's answer through the one classification, and then updates the claim, the ledger,
 * the metrics and the run's one check run. Transient trouble (5xx, a timeout, a rate limit) is
 * asked again later with backoff, up to a bound of hours, and said so on the check run; giving up
 * is never silent.
 */
import type { RerunConfig } from "../config/schema.js";
import type { RunFacts } from "../domain/facts.js";
import { isFailedRun } from "../domain/conclusions.js";
import { runFacts } from "../github/payload.js";
import { keys } from "../domain/keys.js";
import type { GitHubClient } from "../github/client.js";
import { explainGitHubError, type ExplainedError } from "../github/errors.js";
import type { LoadedConfig } from "../config/load.js";
import type { DecisionFacts, Plan, PlanBody } from "../policy/decide.js";
import { gatherAndDecide } from "../facts/gather.js";
import { githubSources } from "../facts/sources.js";
import { nextTryAt } from "../policy/github-answer.js";
import { afterRefusal } from "../policy/notify.js";
import type { Refusal } from "../policy/limits.js";
import type { RerunWork } from "../queue/work-queue.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { renderCheckRun, type Outcome } from "../report/check-run.js";
import type { Claim } from "../state/claims.js";
import type { Deps } from "../state/deps.js";
import { rememberRerun, rerunEvidence } from "../state/reruns.js";
import { mdLink } from "../util/markdown.js";
import { ledgerSettings, recordResets, recordStayedRed } from "./ledger.js";
import { requestRerun } from "./rerun-call.js";

interface Log {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One failed run being acted on automatically. */
export interface AutoRun {
  deps: Deps;
  gh: GitHubClient;
  run: RunFacts;
  installationId: number | null;
  claim: Claim;
  log: Log;
  /** null: the config is invalid. */
  config: RerunConfig | null;
  /** The queued work this plan was decided for (a delayed, held or retried re-run); null for a webhook. */
  work: RerunWork | null;
}

const NO_BODY: PlanBody = { jobs: null, verdicts: [], attempt: 0, maxAttempts: 0, why: "", evidence: { category: "any", evidence: "" }, resets: [] };

/** The facts every automatic decision starts from: the run, its config, the clock and the bot's setup. */
export function decisionStart(
  deps: Deps,
  run: RunFacts,
  config: LoadedConfig,
  work: RerunWork | null,
  installationId: number | null,
): DecisionFacts {
  const canSchedule = Boolean(deps.schedule) && installationId !== null;
  const prejudged = work?.judged ? { maxAttempts: work.maxAttempts, why: work.why, infrastructure: work.infrastructure ?? false, evidence: work.evidence ?? { category: "any" as const, evidence: work.why } } : undefined;
  return { run, config, now: deps.now(), delayWaited: work?.delayWaited ?? false, prejudged, holds: work?.holds ?? 0, promised: work !== null, canSchedule, hold: deps.hold };
}

/**
 * Gathers the facts the decision asks for, decides, and carries the plan out. GitHub's transient
 * trouble on the way (reading the jobs, the re-run call, a report) is asked again later.
 */
export async function decideAndCarryOut(x: AutoRun, start: DecisionFacts): Promise<void> {
  const { deps, gh, run } = x;
  try {
    const ownRerun = await deps.marks.has(keys.rerunIntent(`${gh.owner}/${gh.repo}`, run.id, run.runAttempt));
    const sources = githubSources({
      gh,
      run,
      ledger: deps.ledger,
      breakerAfter: x.config?.breaker.after ?? 0,
      store: deps.store,
      hold: deps.hold,
      installationId: x.installationId,
      now: deps.now,
      // Due work's failure was counted toward an outage when it was first decided on.
      mode: x.work ? "look" : "count",
      spent: x.work?.spent,
      oneShot: deps.oneShot,
    });
    const { plan } = await gatherAndDecide({ ...start, ownRerun }, sources);
    await carryOut(plan, x);
  } catch (err) {
    const error = explainGitHubError(err, deps.now().getTime());
    if (error.kind.kind !== "retry" || !deps.schedule || x.installationId === null) throw err;
    await retryLater(x, error);
  }
}

export async function carryOut(plan: Plan, x: AutoRun): Promise<void> {
  const { deps, run } = x;
  const repo = `${x.gh.owner}/${x.gh.repo}`;
  if (plan.kind === "nothing") {
    x.log.info({ repo, run: run.id, why: plan.why }, "no automatic re-run");
    return;
  }
  const settings = ledgerSettings(x.config);
  if (plan.resets.length > 0) await recordResets(deps, x.gh, run, plan.resets, settings);
  const dryRun = x.config?.auto["dry-run"] ?? false;
  const report = (outcome: Outcome) => reportOn(x, outcome, plan);

  switch (plan.kind) {
    case "refuse":
      return refuse(x, plan, plan.configErrors ? { kind: "config-invalid", errors: plan.configErrors } : { kind: "refused", refusal: plan.refusal });
    case "rerun-at": {
      // Decided now, made later: the work is queued (durably) before the check run says so.
      const full = await schedule(x, { ...plan }, plan.at, { holds: plan.holds, tries: 0, firstFailedAt: undefined, delayWaited: true, judged: true });
      if (full) return refuse(x, plan, { kind: "refused", refusal: backlogRefusal(full) });
      if (plan.for === "hold") deps.metrics.held.inc();
      x.log.info({ repo, run: run.id, at: plan.at.toISOString(), for: plan.for, dryRun }, plan.for === "hold" ? "re-run held for an outage" : "re-run scheduled");
      const windowMinutes = Math.round(deps.hold.windowMs / 60_000);
      await report(
        plan.for === "hold"
          ? { kind: "held", at: plan.at, attempt: plan.attempt, maxAttempts: plan.maxAttempts, failures: plan.failures, windowMinutes, dryRun }
          : { kind: "scheduled", at: plan.at, attempt: plan.attempt, maxAttempts: plan.maxAttempts, why: plan.why, dryRun },
      );
      return;
    }
    case "rerun-now": {
      if (!plan.made) {
        // Marked before the call: after a crash between the call and the report, the next try
        // sees that GitHub's new attempt is the bot's own (DecisionFacts.ownRerun), not someone else's.
        if (!dryRun) await deps.marks.set(keys.rerunIntent(repo, run.id, run.runAttempt));
        const result = await requestRerun(x.gh, deps.store, { run, debug: false }, { dryRun, now: deps.now().getTime(), evidence: plan.evidence, asksAgainLater: Boolean(deps.schedule) });
        if (!result.ok) return answered(x, plan, result.error);
      } else {
        await rememberRerun(deps.store, repo, run.id, plan.evidence);
      }
      await x.claim.accepted();
      x.log.info({ repo, run: run.id, attempt: plan.attempt, dryRun, made: plan.made }, "re-ran failed jobs");
      deps.metrics.countRerun("auto", true, dryRun);
      const outcome: Outcome = { kind: "rerun", trigger: "auto", attempt: plan.attempt, maxAttempts: plan.maxAttempts, why: plan.why, dryRun };
      // Re-runs first: with a queue the report is handed to later work (durably, at the lowest
      // priority), so in a storm this worker takes the next re-run at once and the reports follow.
      if (deps.deferReport && x.installationId !== null) {
        const check = renderCheckRun(run, outcome, plan.jobs, plan.verdicts, deps.appId !== null);
        await deps.deferReport({ installationId: x.installationId, owner: x.gh.owner, repo: x.gh.repo, runId: run.id, check, at: deps.now().getTime() });
      } else await report(outcome);
      return;
    }
  }
}

/** GitHub did not accept the re-run: someone was first, a refusal for good, or trouble worth waiting out. */
async function answered(x: AutoRun, plan: PlanBody, error: ExplainedError): Promise<void> {
  const repo = `${x.gh.owner}/${x.gh.repo}`;
  if (error.kind.kind === "already-running") {
    return refuse(x, plan, { kind: "refused", refusal: { reason: "already-running", message: "GitHub says the run is already running: someone re-ran it first" } });
  }
  if (error.kind.kind === "retry") return retryLater(x, error, plan);
  x.log.error({ repo, run: x.run.id, status: error.status }, `re-run refused: ${error.message}`);
  x.deps.metrics.countRerun("auto", false, false);
  await reportOn(x, { kind: "error", trigger: "auto", message: error.message }, plan);
}

/**
 * Transient trouble, from the re-run call or from reading the facts: ask again later, with backoff,
 * and say so; past the bound, give up with a failed check run that offers the button. Without a
 * queue (inline, the Action) nothing can ask later: the claim is given back for a redelivery.
 */
export async function retryLater(x: AutoRun, error: ExplainedError, decided?: PlanBody): Promise<void> {
  const { deps, run } = x;
  // With a plan in hand (the re-run call failed) the retry keeps its verdict, its wait and its budget
  // spend; trouble while reading the facts (no plan yet) decides afresh next time.
  const plan = decided ?? NO_BODY;
  const repo = `${x.gh.owner}/${x.gh.repo}`;
  const now = deps.now().getTime();
  const rateLimited = error.kind.kind === "retry" && error.kind.why === "rate-limit";
  const retryAfterMs = error.kind.kind === "retry" ? error.kind.retryAfterMs : null;
  const attempt = plan.attempt || run.runAttempt + 1;
  const maxAttempts = plan.maxAttempts || x.work?.maxAttempts || x.config?.auto["max-attempts"] || attempt;
  deps.metrics.countRerun("auto", false, false);
  if (!deps.schedule) {
    await x.claim.retryable();
    await reportOn(x, { kind: "error", trigger: "auto", message: error.message }, plan).catch(() => 0);
    return;
  }
  const tries = (x.work?.tries ?? 0) + 1;
  const firstFailedAt = x.work?.firstFailedAt ?? now;
  const at = nextTryAt(tries, firstFailedAt, now, retryAfterMs, deps.retry);
  if (at === null) {
    const ms = now - firstFailedAt;
    const took = ms >= 3_600_000 ? `${Math.round(ms / 360_000) / 10} h` : ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
    x.log.error({ repo, run: run.id, tries, status: error.status }, `gave up re-running after GitHub failed ${tries} times: ${error.message}`);
    deps.metrics.gaveUp.inc();
    await reportOn(x, { kind: "error", trigger: "auto", message: error.message, gaveUpAfter: `${took} (${tries} tries)` }, plan);
    return;
  }
  deps.metrics.retries.inc({ why: error.kind.kind === "retry" ? error.kind.why : "server" });
  if (rateLimited && x.installationId !== null) await deps.park?.(x.installationId, at);
  const spent = decided !== undefined || (x.work?.spent ?? false);
  const judged = decided !== undefined || (x.work?.judged ?? false);
  const delayWaited = decided !== undefined || (x.work?.delayWaited ?? false);
  const full = await schedule(x, { ...plan, attempt, maxAttempts }, new Date(at), { holds: x.work?.holds ?? 0, tries, firstFailedAt, spent, delayWaited, judged });
  if (full) return refuse(x, plan, { kind: "refused", refusal: backlogRefusal(full) });
  x.log.info({ repo, run: run.id, tries, at: new Date(at).toISOString(), status: error.status }, `GitHub trouble: re-run asked for again later (${error.message})`);
  const problem = error.status ? `GitHub answered ${error.status}` : error.message;
  // Rate-limited, this write may be refused too: the next try reports either way.
  await reportOn(x, { kind: "retrying", at: new Date(at), problem, rateLimited, attempt, maxAttempts, since: new Date(firstFailedAt) }, plan).catch((err) => x.log.error({ repo, run: run.id, err: String(err) }, "could not report the retry"));
}

/** Queues the re-run for `at`, under a key of its own, and lets the next look claim it. */
async function schedule(
  x: AutoRun,
  plan: Pick<PlanBody, "maxAttempts" | "why" | "evidence" | "verdicts" | "attempt">,
  at: Date,
  o: { holds: number; tries: number; firstFailedAt: number | undefined; spent?: boolean; delayWaited: boolean; judged: boolean },
): Promise<string | null> {
  const { deps, run } = x;
  if (!deps.schedule || x.installationId === null) throw new Error("no queue to schedule a re-run on");
  const infrastructure = plan.verdicts.some((v) => v.kind === "flake" && v.category === "infrastructure");
  const work: RerunWork = {
    kind: "rerun",
    installationId: x.installationId,
    owner: x.gh.owner,
    repo: x.gh.repo,
    runId: run.id,
    runAttempt: run.runAttempt,
    maxAttempts: plan.maxAttempts || x.work?.maxAttempts || 1,
    why: plan.why || x.work?.why || "",
    holds: o.holds,
    infrastructure: plan.verdicts.length > 0 ? infrastructure : (x.work?.infrastructure ?? false),
    evidence: plan.verdicts.length > 0 ? plan.evidence : (x.work?.evidence ?? plan.evidence),
    delayWaited: o.delayWaited,
    judged: o.judged,
    tries: o.tries,
    firstFailedAt: o.firstFailedAt,
    spent: o.spent,
    run: x.work?.run ?? run,
  };
  const added = await deps.schedule(work, Math.max(at.getTime() - deps.now().getTime(), 0));
  // Due work holds the claim of its own key: the next look is new work under the same key.
  if (x.work) await x.claim.retryable();
  return added.status === "accepted" ? null : (added.reason ?? "the installation's backlog is full");
}

/** The installation's backlog was full: the re-run could not be queued for later, and the check run says so. */
function backlogRefusal(why: string): Refusal {
  return { reason: "backlog", message: `${why}, so the re-run could not be queued for later (WORK_BACKLOG_PER_INSTALLATION); re-run it by hand or with the button` };
}

/** A refusal on the check run, and for a run the bot gave up on, the ledger and the one optional PR comment. */
async function refuse(x: AutoRun, plan: PlanBody, outcome: Extract<Outcome, { kind: "refused" | "config-invalid" }>): Promise<void> {
  const { deps, gh, run } = x;
  const repo = `${gh.owner}/${gh.repo}`;
  const reason = outcome.kind === "refused" ? outcome.refusal.reason : "config-invalid";
  x.log.info({ repo, run: run.id, reason }, "automatic re-run refused");
  deps.metrics.refusals.inc({ reason });
  await reportOn(x, outcome, plan);
  if (reason !== "max-attempts" && reason !== "real-failure") return;
  const why = run.runAttempt > 1 ? await rerunEvidence(deps.store, repo, run.id) : null;
  const next = afterRefusal(reason, why !== null, x.config?.auto.notify ?? null);
  // A run the bot re-ran that ends red: the jobs that failed on every attempt go to the ledger (the breaker counts them).
  if (next.recordRed && why) await recordStayedRed(deps, gh, run, await gh.listJobs(run.id, "all"), why, ledgerSettings(x.config));
  if (next.comment) {
    await commentOnPulls(
      gh,
      run,
      `${mdLink(`${run.name} #${run.runNumber}`, run.htmlUrl)} failed on all ${run.runAttempt} attempts; rerun-bot will not re-run it again: the failure looks real.`,
    );
  }
}

/** The run's one check run; a button only where a press reaches the bot (the app, not the Action). */
function reportOn(x: AutoRun, outcome: Outcome, plan: Pick<PlanBody, "jobs" | "verdicts">): Promise<number> {
  return writeCheckRun(x.gh, x.deps.store, x.run, outcome, { jobs: plan.jobs, verdicts: plan.verdicts, button: x.deps.appId !== null, at: x.deps.now().getTime() });
}

export async function commentOnPulls(gh: GitHubClient, run: RunFacts, body: string): Promise<void> {
  // Runs from forks list no pull request; the check run still carries the report.
  for (const number of run.pullRequests.slice(0, 3)) await gh.createComment(number, body);
}

/**
 * Queued work the queue gave up on after its own retry bound (an error the executor could not
 * classify, thrown again and again): a failed run's check run says so and offers the button, so
 * nothing given up is silent. Work about anything else (a comment) is only logged, by the queue.
 */
export async function reportGivenUp(gh: GitHubClient, deps: Deps, work: RerunWork | { kind: "webhook"; name: string; payload: unknown }, err: unknown): Promise<boolean> {
  let run: RunFacts | null = null;
  if (work.kind === "rerun") run = work.run ?? null;
  else if (work.name === "workflow_run") {
    const payload = work.payload as { workflow_run?: Record<string, unknown>; repository?: { full_name?: string } };
    if (payload.workflow_run) run = runFacts(payload.workflow_run, payload.repository?.full_name);
  }
  if (!run || !run.id || !isFailedRun(run)) return false;
  const message = explainGitHubError(err, deps.now().getTime()).message;
  deps.metrics.gaveUp.inc();
  await writeCheckRun(gh, deps.store, run, { kind: "error", trigger: "auto", message, gaveUpAfter: "the queue's retry bound (WORK_RETRY_HOURS)" }, { button: deps.appId !== null, at: deps.now().getTime() });
  return true;
}
