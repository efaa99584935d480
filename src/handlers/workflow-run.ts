/**
 * `workflow_run.completed`: automatic re-runs of failed runs, and flaky jobs caught when a run
 * the bot re-ran passes. Decides from the payload first: most events cost no API call. Evidence is
 * read only as the rules ask for it (policy/rules.ts), and reading stops at the first real failure.
 */
import type { Context } from "probot";
import { isFailedRun } from "../domain/conclusions.js";
import type { RunFacts } from "../domain/facts.js";
import { keys } from "../domain/keys.js";
import { gitHubClient } from "../github/client.js";
import { runFacts } from "../github/payload.js";
import { decide } from "../policy/decide.js";
import { findFlaky } from "../policy/flaky.js";
import { afterCatch } from "../policy/notify.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { flakyLine } from "../report/check-run.js";
import { withClaim } from "../state/claims.js";
import { rerunEvidence } from "../state/reruns.js";
import { ledgerSettings, recordCatches } from "../execute/ledger.js";
import { commentOnPulls, decideAndCarryOut, decisionStart } from "../execute/carry-out.js";
import { mdLink, mdText } from "../util/markdown.js";
import type { Deps } from "../state/deps.js";

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
  if (loaded.kind === "invalid") context.log.warn({ repo: fullName, errors: loaded.errors }, "invalid .github/rerun.yml: no automatic re-run");
  const installationId = context.payload.installation?.id ?? null;
  const start = decisionStart(deps, run, loaded, null, installationId);
  // Most failed runs are decided from the payload alone (not opted in, filtered out): no claim, no call.
  const first = decide(start);
  if (first.kind === "nothing") {
    context.log.debug({ repo: fullName, run: run.id, why: first.why }, "no automatic re-run");
    return;
  }
  const gh = gitHubClient(context.octokit, owner, repo);
  // Redeliveries and racing deliveries of one run attempt act once (state/claims.ts).
  const fresh = await withClaim(deps.store, keys.autoEvent(fullName, run.id, run.runAttempt), context.id, (claim) =>
    decideAndCarryOut({ deps, gh, run, installationId, claim, log: context.log, config: loaded.kind === "ok" ? loaded.config : null, work: null }, start),
  );
  if (!fresh) context.log.info({ repo: fullName, run: run.id, attempt: run.runAttempt }, "duplicate workflow_run event ignored");
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
    await writeCheckRun(gh, deps.store, run, { kind: "flaky", flaky, attempt: run.runAttempt }, { at: deps.now().getTime() });
    context.log.info({ repo: fullName, run: run.id, flaky: flaky.map((f) => f.name) }, "run passed after re-run");
    deps.metrics.flakyJobs.inc(flaky.length);
    if (flaky.length === 0) return;
    const loaded = await deps.configs.load(context.octokit, owner, repo);
    // The ledger keeps every catch (also with an invalid config: the catch happened).
    const settings = ledgerSettings(loaded.kind === "ok" ? loaded.config : null);
    await recordCatches(deps, gh, run, flaky, allJobs, why, settings);
    if (afterCatch(flaky.length, loaded.kind === "ok" ? loaded.config.auto.notify : null).comment) {
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
