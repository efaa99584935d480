/**
 * The "Re-run failed jobs" button on the bot's own check run (`requested_action`) and GitHub's
 * own "Re-run" of that check (`rerequested`). Other apps' check runs cost no API call.
 */
import type { Context } from "probot";
import { keys } from "../domain/keys.js";
import { gitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { executeActions } from "../execute/rerun-call.js";
import { planButton } from "../policy/command-plan.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { RERUN_ACTION, type Outcome } from "../report/check-run.js";
import { withClaim } from "../state/claims.js";
import type { Deps } from "../state/deps.js";

type CheckRunContext = Context<"check_run.requested_action"> | Context<"check_run.rerequested">;

export async function handleCheckRun(context: CheckRunContext, deps: Deps): Promise<void> {
  const payload = context.payload;
  const checkRun = payload.check_run;
  if (!checkRun?.app || deps.appId === null || checkRun.app.id !== deps.appId) return;
  if (payload.action === "requested_action") {
    const identifier = (payload as { requested_action?: { identifier?: string } }).requested_action?.identifier;
    if (identifier !== RERUN_ACTION) return;
  }
  const runId = Number(checkRun.external_id);
  const sender = payload.sender;
  if (!Number.isSafeInteger(runId) || runId <= 0 || !sender?.login || sender.type === "Bot") return;

  const repository = payload.repository;
  if (!repository?.owner?.login) return;
  const owner = repository.owner.login;
  const repo = repository.name;
  const fullName = `${owner}/${repo}`;
  // A press is one delivery; a redelivery of it must not press twice (state/claims.ts).
  await withClaim(deps.store, keys.button(fullName, context.id), context.id, async (claim) => {
    const gh = gitHubClient(context.octokit, owner, repo);
    const loaded = await deps.configs.load(context.octokit, owner, repo);
    const needed = loaded.kind === "ok" ? loaded.config.commands.permission : "write";
    const dryRun = loaded.kind === "ok" && loaded.config.commands["dry-run"];
    const permission = await gh.getPermission(sender.login);
    const run = await gh.getRun(runId);
    const plan = planButton(run, sender.login, permission, needed, deps.now());
    let outcome: Outcome;
    if (plan.kind === "refuse") outcome = { kind: "refused", refusal: plan.refusal };
    else {
      const [result] = await executeActions(gh, deps.store, [plan.action], { dryRun, now: deps.now().getTime() });
      if (result.ok) {
        await claim.accepted();
        outcome = { kind: "rerun", trigger: "button", by: sender.login, attempt: run.runAttempt + 1, why: "a maintainer asked for it", dryRun };
      } else {
        // A transient answer (5xx): the same press, redelivered, may try again.
        if (!result.error.refused) await claim.retryable();
        outcome = { kind: "error", trigger: "button", by: sender.login, message: result.error.message };
      }
    }
    context.log.info({ repo: fullName, run: runId, user: sender.login, outcome: outcome.kind }, "re-run button");
    if (outcome.kind === "refused") deps.metrics.refusals.inc({ reason: outcome.refusal.reason });
    else deps.metrics.countRerun("button", outcome.kind === "rerun", dryRun);
    try {
      await writeCheckRun(gh, deps.store, run, outcome, { knownId: checkRun.id, at: deps.now().getTime() });
    } catch (err) {
      context.log.error({ repo: fullName, err: explainGitHubError(err).message }, "could not update the check run");
    }
  });
}
