/**
 * `/rerun` (and `/retest`) commands in pull request comments. Costs nothing unless the comment
 * holds a command; then: config (cached), reaction, permission, pull request, runs of its head
 * commit, job lists only for `job:` and `help`, the re-run calls, other apps' suites when configured,
 * one reply, and one more reaction when the outcome is all or nothing.
 */
import type { Context } from "probot";
import { parseCommands, type Command } from "../commands/parse.js";
import type { CommandsConfig } from "../config/schema.js";
import { isFailedRun } from "../domain/conclusions.js";
import type { JobFacts, RunFacts } from "../domain/facts.js";
import { keys, TTL } from "../domain/keys.js";
import { gitHubClient, type GitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { authorMay, failedJobNames, isLedgerCommand, latestRuns, needsJobs, outcomeReaction, planCommand, type Action } from "../policy/command-plan.js";
import { effectiveRole } from "../policy/permission.js";
import { gateCommands, mayResetBreaker, type Asker } from "../policy/command-gate.js";
import { renderClosedPull, renderConfigInvalid, renderPermissionRefusal, renderReply, type CommandOutcome, type Rerequested } from "../report/reply.js";
import { withClaim, type Claim } from "../state/claims.js";
import type { Store } from "../state/store.js";
import { mdText } from "../util/markdown.js";
import { executeActions } from "../execute/rerun-call.js";
import { ledgerSettings, repoTrips, resetBreaker } from "../execute/ledger.js";
import type { RerunConfig } from "../config/schema.js";
import { trippedJobs } from "../policy/breaker.js";
import { summarize } from "../policy/flaky-stats.js";
import { renderStats } from "../report/dashboard.js";
import type { Deps } from "../state/deps.js";

/** Job lists are read for at most this many workflow runs per command. */
export const MAX_RUNS_WITH_JOBS = 20;
/** Other apps' check suites re-requested at most per comment. */
export const MAX_SUITES_REREQUESTED = 10;

const isBot = (user: { type?: string; login?: string } | null | undefined) =>
  !user || user.type === "Bot" || /\[bot\]$/.test(user.login ?? "");


export async function handleIssueComment(context: Context<"issue_comment.created">, deps: Deps): Promise<void> {
  const { comment, issue, repository } = context.payload;
  if (!comment || !issue || !repository?.owner?.login) return;
  if (!comment.user || isBot(comment.user) || isBot(context.payload.sender)) return;
  const parsed = parseCommands(typeof comment.body === "string" ? comment.body : "");
  // On an issue (the dashboard), only the ledger's commands mean something; anything else is not for us.
  const commands = issue.pull_request ? parsed : parsed.filter(isLedgerCommand);
  if (commands.length === 0) return;

  const login = comment.user.login;
  const { owner, repo } = context.repo();
  const fullName = `${owner}/${repo}`;
  const loaded = await deps.configs.load(context.octokit, owner, repo);
  if (loaded.kind === "ok" && !loaded.config.commands.enabled) return;
  // One comment acts once, however often it is delivered (state/claims.ts).
  await withClaim(deps.store, keys.comment(fullName, comment.id), context.id, async (claim) => {
    const gh = gitHubClient(context.octokit, owner, repo);
    const reply = (body: string) => gh.createComment(issue.number, body);
    const react = async (content: "eyes" | "rocket" | "confused") => {
      try {
        await gh.addReaction(comment.id, content);
      } catch (err) {
        context.log.warn({ repo: fullName, err: explainGitHubError(err).message }, "could not react to the command");
      }
    };
    await react("eyes");
    if (loaded.kind === "invalid") {
      await reply(renderConfigInvalid(loaded.errors));
      await react("confused");
      return;
    }
    const config = loaded.config.commands;
    const asksForRuns = commands.some((c) => c.kind !== "invalid" && !isLedgerCommand(c));
    const merged = Boolean((issue.pull_request as { merged_at?: string | null } | undefined)?.merged_at);
    // A closed pull request is answered before anyone's permission is read.
    const early = gateCommands({ config, asksForRuns, pullState: issue.state ?? null, merged, permission: null, commenterIsAuthor: false });
    if (early.kind === "closed") {
      await reply(renderClosedPull(early.merged));
      await react("confused");
      return;
    }
    try {
      const permission = await gh.getPermission(login);
      const gate = gateCommands({ config, asksForRuns, pullState: issue.state ?? null, merged, permission, commenterIsAuthor: issue.user?.login === login });
      if (gate.kind !== "proceed") {
        context.log.info({ repo: fullName, user: login, needed: config.permission }, "command refused: permission");
        deps.metrics.refusals.inc({ reason: "permission" });
        await reply(renderPermissionRefusal(login, config.permission, effectiveRole(permission)));
        await react("confused");
        return;
      }
      const asker = gate.asker;
      const dryRun = config["dry-run"];
      const ledgerCommands = commands.filter(isLedgerCommand);
      const runCommandList = commands.filter((c) => !isLedgerCommand(c));
      const ledgerText = await answerLedgerCommands(gh, deps, ledgerCommands, loaded.config, mayResetBreaker(asker) ? login : null);
      if (runCommandList.length === 0) {
        await reply(ledgerText.join("\n\n"));
        return;
      }
      const done = await runCommands(gh, deps, issue.number, runCommandList, { dryRun, claim, asker, config });
      await reply([renderReply(done.outcomes, dryRun, done.rerequested, done.jobNames), ...ledgerText].join("\n\n"));
      const reaction = outcomeReaction(done.asked, done.rerun, done.refused);
      if (reaction) await react(reaction);
    } catch (err) {
      const explained = explainGitHubError(err);
      context.log.error({ repo: fullName, status: explained.status }, `command failed: ${explained.message}`);
      // Nothing was re-run (or the claim is kept): a redelivery may try again after a transient error.
      if (!explained.refused) await claim.retryable();
      await reply(`Could not carry out the command: ${mdText(explained.message)}.`);
      await react("confused");
    }
  });
}

/** `/rerun stats` and `/rerun reset <job>`, answered from the ledger (no GitHub read). */
async function answerLedgerCommands(gh: GitHubClient, deps: Deps, commands: Command[], config: RerunConfig, resetBy: string | null): Promise<string[]> {
  const repo = `${gh.owner}/${gh.repo}`;
  const settings = ledgerSettings(config);
  const out: string[] = [];
  if (commands.length > 0 && !deps.ledger.kept) {
    return ["`/rerun stats` and `/rerun reset` need rerun-bot installed as a GitHub App: the Action keeps no ledger between jobs."];
  }
  for (const command of commands) {
    if (command.kind === "stats") {
      const entries = await deps.ledger.list(repo);
      out.push(renderStats(summarize(entries, deps.now().getTime()), [...trippedJobs(entries, settings.breakerAfter).values()]));
    } else if (command.kind === "reset") {
      if (resetBy === null) {
        out.push(`Only someone with the ${config.commands.permission} role can reset the breaker.`);
        continue;
      }
      const reset = await resetBreaker(deps, gh, command.name, resetBy, settings);
      if (reset.length > 0) {
        out.push(`Breaker reset for ${reset.map((t) => `${mdText(t.job, 100)} (${mdText(t.workflow, 60)})`).join(", ")}: automatic re-runs of it are back on.`);
      } else {
        const tripped = [...(await repoTrips(deps, repo, settings.breakerAfter)).values()].map((t) => mdText(t.job, 100));
        out.push(
          `No job named ${mdText(command.name, 100)} is stopped by the breaker${tripped.length > 0 ? `; stopped: ${tripped.slice(0, 10).join(", ")}` : ": none is"}.`,
        );
      }
    }
  }
  return out;
}

interface RunOptions {
  dryRun: boolean;
  claim: Claim;
  asker: Asker;
  config: CommandsConfig;
}

/** One budget slot per re-run, claimed atomically: two comments at once cannot overspend it. */
async function takeAuthorSlot(store: Store, repo: string, sha: string, budget: number): Promise<boolean> {
  for (let slot = 1; slot <= budget; slot++) {
    if (await store.claim(keys.authorBudget(repo, sha, slot), TTL.remember)) return true;
  }
  return false;
}

async function runCommands(gh: GitHubClient, deps: Deps, pullNumber: number, commands: Command[], o: RunOptions) {
  const lookups = commands.some((c) => c.kind !== "invalid");
  const sha = lookups ? await gh.getPullHeadSha(pullNumber) : "";
  const runs: RunFacts[] = lookups ? await gh.listRunsForSha(sha) : [];
  const jobsByRun = new Map<number, JobFacts[]>();
  const wantsHelp = commands.some((c) => c.kind === "help");
  if (commands.some(needsJobs) || wantsHelp) {
    // `help` lists the failed jobs' names: only failed runs' jobs are read for it.
    const targets = latestRuns(runs).filter((r) => commands.some(needsJobs) || isFailedRun(r));
    for (const run of targets.slice(0, MAX_RUNS_WITH_JOBS)) jobsByRun.set(run.id, await gh.listJobs(run.id));
  }
  const acted = new Set<string>();
  const outcomes: CommandOutcome[] = [];
  let asked = 0;
  let rerun = 0;
  let refused = 0;
  for (const command of commands) {
    const plan = planCommand(command, runs, deps.now(), jobsByRun);
    refused += plan.refused;
    // Two commands of one comment never ask for the same re-run: the second call would be refused.
    const fresh = plan.actions.filter((a) => {
      const key = a.kind === "rerun-failed" ? `run:${a.run.id}` : `job:${a.job.id}`;
      if (acted.has(key) || acted.has(`run:${a.run.id}`)) return false;
      acted.add(key);
      return true;
    });
    const skipped = plan.actions.length - fresh.length;
    if (skipped > 0) plan.notes.push(`${skipped} re-run(s) already asked for by an earlier command in this comment`);
    const allowed: Action[] = [];
    for (const action of fresh) {
      const why = o.asker.kind === "author" ? authorMay(action) : null;
      if (why) {
        plan.notes.push(why);
        refused++;
      } else if (o.asker.kind === "author" && deps.oneShot) {
        // The Action keeps nothing between comments, and GitHub records its re-runs as its own, not the author's.
        plan.notes.push(`the author's allowance (commands.allow-author) cannot be counted in the Action, so it is not used; someone with the ${o.config.permission} role can /rerun`);
        refused++;
      } else if (o.asker.kind === "author" && !o.dryRun && !(await takeAuthorSlot(deps.store, `${gh.owner}/${gh.repo}`, sha, o.asker.budget))) {
        plan.notes.push(`the author's budget of ${o.asker.budget} re-runs for this commit is used up; someone with the ${o.config.permission} role can /rerun`);
        refused++;
      } else allowed.push(action);
    }
    asked += fresh.length;
    const results = await executeActions(gh, deps.store, allowed, { dryRun: o.dryRun, now: deps.now().getTime() });
    if (results.some((r) => r.ok)) await o.claim.accepted();
    for (const r of results) deps.metrics.countRerun("command", r.ok, o.dryRun);
    rerun += results.filter((r) => r.ok).length;
    outcomes.push({ command, plan, results });
  }
  let rerequested: Rerequested[] = [];
  if (commands.some((c) => c.kind === "rerun-failed") && o.config["rerequest-apps"].length > 0) {
    if (o.asker.kind === "author") {
      outcomes.at(-1)?.plan.notes.push("other apps' checks are re-requested only for someone with the role");
    } else {
      rerequested = await rerequestApps(gh, sha, o.config["rerequest-apps"], o.dryRun);
      asked += rerequested.length;
      rerun += rerequested.filter((r) => r.ok).length;
    }
  }
  return { outcomes, rerequested, asked, rerun, refused, jobNames: wantsHelp ? failedJobNames(runs, jobsByRun) : null };
}

/** Failed check suites of the configured apps on the head commit: GitHub asks each app again. */
async function rerequestApps(gh: GitHubClient, sha: string, slugs: string[], dryRun: boolean): Promise<Rerequested[]> {
  const suites = (await gh.listCheckSuites(sha)).filter(
    (s) => s.appSlug !== null && slugs.includes(s.appSlug) && s.status === "completed" && (isFailedRun(s) || s.conclusion === "action_required"),
  );
  const out: Rerequested[] = [];
  for (const suite of suites.slice(0, MAX_SUITES_REREQUESTED)) {
    try {
      if (!dryRun) await gh.rerequestCheckSuite(suite.id);
      out.push({ app: suite.appName ?? suite.appSlug ?? "app", ok: true });
    } catch (err) {
      out.push({ app: suite.appName ?? suite.appSlug ?? "app", ok: false, message: explainGitHubError(err).message });
    }
  }
  return out;
}
