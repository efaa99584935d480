/**
 * The "Re-run failed jobs" button on the bot's own check run (`requested_action`) and GitHub's
 * own "Re-run" of that check (`rerequested`). Other apps' check runs cost no API call.
 */
import type { Context } from "probot";
import { gitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { executeActions } from "../github/reruns.js";
import { COMMAND_FAILED_CONCLUSIONS } from "../policy/command-plan.js";
import { githubRefusal } from "../policy/limits.js";
import { effectiveRole, mayUse } from "../policy/permission.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { RERUN_ACTION, type Outcome } from "../report/check-run.js";
import { keys, TTL, type Deps } from "../deps.js";

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
  // A press is one delivery; a redelivery of it must not press twice.
  if (!(await deps.store.claim(keys.button(fullName, context.id), TTL.claim))) return;

  const gh = gitHubClient(context.octokit, owner, repo);
  const loaded = await deps.configs.load(context.octokit, owner, repo);
  const needed = loaded.kind === "ok" ? loaded.config.commands.permission : "write";
  const dryRun = loaded.kind === "ok" && loaded.config.commands["dry-run"];
  const permission = await gh.getPermission(sender.login);
  const run = await gh.getRun(runId);
  let outcome: Outcome;
  if (!mayUse(permission, needed)) {
    const role = effectiveRole(permission);
    outcome = {
      kind: "refused",
      refusal: {
        reason: "permission",
        message: `${sender.login} pressed the button but needs the ${needed} role or higher (GitHub reports ${role ?? "no access"})`,
      },
    };
  } else {
    const refusal = githubRefusal(run, deps.now());
    if (refusal) outcome = { kind: "refused", refusal };
    else if (!COMMAND_FAILED_CONCLUSIONS.has(run.conclusion ?? "")) {
      outcome = { kind: "refused", refusal: { reason: "not-failed", message: `nothing failed (conclusion: ${run.conclusion ?? "none"})` } };
    } else {
      const [result] = await executeActions(gh, deps.store, [{ kind: "rerun-failed", run, debug: false }], dryRun);
      outcome = result.ok
        ? { kind: "rerun", trigger: "button", by: sender.login, attempt: run.runAttempt + 1, why: "a maintainer asked for it", dryRun }
        : { kind: "error", trigger: "button", by: sender.login, message: result.error.message };
    }
  }
  context.log.info({ repo: fullName, run: runId, user: sender.login, outcome: outcome.kind }, "re-run button");
  if (outcome.kind === "refused") deps.metrics.refusals.inc({ reason: outcome.refusal.reason });
  else deps.metrics.countRerun("button", outcome.kind === "rerun", dryRun);
  try {
    await writeCheckRun(gh, deps.store, run, outcome, null, checkRun.id);
  } catch (err) {
    context.log.error({ repo: fullName, err: explainGitHubError(err).message }, "could not update the check run");
  }
}
