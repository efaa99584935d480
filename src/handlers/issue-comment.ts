/**
 * `/rerun` commands in pull request comments. Costs nothing unless the comment holds a command;
 * then: config (cached), reaction, permission, pull request, runs of its head commit, job lists
 * only for `job:`, the re-run calls, one reply.
 */
import type { Context } from "probot";
import { parseCommands, type Command } from "../commands/parse.js";
import { gitHubClient, type GitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { executeActions } from "./execute.js";
import type { JobFacts } from "../domain/facts.js";
import { keys, TTL } from "../domain/keys.js";
import { withClaim, type Claim } from "../state/claims.js";
import { latestRuns, needsJobs, planCommand } from "../policy/command-plan.js";
import { effectiveRole, mayUse } from "../policy/permission.js";
import { renderConfigInvalid, renderPermissionRefusal, renderReply, type CommandOutcome } from "../report/reply.js";
import { mdText } from "../util/markdown.js";
import type { Deps } from "./deps.js";

/** Job lists are read for at most this many workflow runs per command. */
export const MAX_RUNS_WITH_JOBS = 20;

const isBot = (user: { type?: string; login?: string } | null | undefined) =>
  !user || user.type === "Bot" || /\[bot\]$/.test(user.login ?? "");

export async function handleIssueComment(context: Context<"issue_comment.created">, deps: Deps): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (!comment || !issue?.pull_request || !repository?.owner?.login) return;
  if (!comment.user || isBot(comment.user) || isBot(context.payload.sender)) return;
  const commands = parseCommands(typeof comment.body === "string" ? comment.body : "");
  if (commands.length === 0) return;

  const login = comment.user.login;
  const { owner, repo } = context.repo();
  const fullName = `${owner}/${repo}`;
  const loaded = await deps.configs.load(context.octokit, owner, repo);
  if (loaded.kind === "ok" && !loaded.config.commands.enabled) return;
  // One comment acts once, however often it is delivered (state/claims.ts).
  await withClaim(deps.store, keys.comment(fullName, comment.id), TTL.claim, async (claim) => {
    const gh = gitHubClient(context.octokit, owner, repo);
    const reply = (body: string) => gh.createComment(issue.number, body);
    try {
      await gh.addReaction(comment.id, "eyes");
    } catch (err) {
      context.log.warn({ repo: fullName, err: explainGitHubError(err).message }, "could not react to the command");
    }
    if (loaded.kind === "invalid") {
      await reply(renderConfigInvalid(loaded.errors));
      return;
    }
    try {
      const permission = await gh.getPermission(login);
      const needed = loaded.config.commands.permission;
      if (!mayUse(permission, needed)) {
        context.log.info({ repo: fullName, user: login, needed }, "command refused: permission");
        deps.metrics.refusals.inc({ reason: "permission" });
        await reply(renderPermissionRefusal(login, needed, effectiveRole(permission)));
        return;
      }
      const dryRun = loaded.config.commands["dry-run"];
      const outcomes = await runCommands(gh, deps, issue.number, commands, dryRun, claim);
      await reply(renderReply(outcomes, dryRun));
    } catch (err) {
      const explained = explainGitHubError(err);
      context.log.error({ repo: fullName, status: explained.status }, `command failed: ${explained.message}`);
      // Nothing was re-run (or the claim is kept): a redelivery may try again after a transient error.
      if (!explained.refused) await claim.retryable();
      await reply(`Could not carry out the command: ${mdText(explained.message)}.`);
    }
  });
}

async function runCommands(
  gh: GitHubClient,
  deps: Deps,
  pullNumber: number,
  commands: Command[],
  dryRun: boolean,
  claim: Claim,
): Promise<CommandOutcome[]> {
  const lookups = commands.some((c) => c.kind !== "help" && c.kind !== "invalid");
  const runs = lookups ? await gh.listRunsForSha(await gh.getPullHeadSha(pullNumber)) : [];
  const jobsByRun = new Map<number, JobFacts[]>();
  if (commands.some(needsJobs)) {
    for (const run of latestRuns(runs).slice(0, MAX_RUNS_WITH_JOBS)) jobsByRun.set(run.id, await gh.listJobs(run.id));
  }
  const acted = new Set<string>();
  const outcomes: CommandOutcome[] = [];
  for (const command of commands) {
    const plan = planCommand(command, runs, deps.now(), jobsByRun);
    // Two commands of one comment never ask for the same re-run: the second call would be refused.
    const fresh = plan.actions.filter((a) => {
      const key = a.kind === "rerun-failed" ? `run:${a.run.id}` : `job:${a.job.id}`;
      if (acted.has(key) || acted.has(`run:${a.run.id}`)) return false;
      acted.add(key);
      return true;
    });
    const skipped = plan.actions.length - fresh.length;
    if (skipped > 0) plan.notes.push(`${skipped} re-run(s) already asked for by an earlier command in this comment`);
    const results = await executeActions(gh, deps.store, fresh, dryRun);
    if (results.some((r) => r.ok)) claim.accepted();
    for (const r of results) deps.metrics.countRerun("command", r.ok, dryRun);
    outcomes.push({ command, plan, results });
  }
  return outcomes;
}
