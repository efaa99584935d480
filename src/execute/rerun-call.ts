/**
 * The one place the bot asks GitHub for a re-run, for every trigger: the call (or, in a dry run,
 * none), GitHub's answer classified once (policy/github-answer.ts), and the mark that the bot re-ran
 * the run (state/reruns.ts) when GitHub accepted it.
 */
import type { JobFacts, RunFacts } from "../domain/facts.js";
import type { RerunEvidence } from "../domain/ledger.js";
import type { GitHubClient } from "../github/client.js";
import { explainGitHubError, type ExplainedError } from "../github/errors.js";
import { rememberRerun } from "../state/reruns.js";
import type { Store } from "../state/store.js";
import type { Action } from "../policy/command-plan.js";
import type { ActionResult } from "../report/reply.js";

export interface RerunTarget {
  run: Pick<RunFacts, "id">;
  /** One job (and its dependents); absent: the run's failed jobs. */
  job?: Pick<JobFacts, "id">;
  debug: boolean;
}

export type CallResult = { ok: true } | { ok: false; error: ExplainedError };

export async function requestRerun(
  gh: GitHubClient,
  store: Store,
  target: RerunTarget,
  o: { dryRun: boolean; now: number; evidence?: RerunEvidence; asksAgainLater?: boolean },
): Promise<CallResult> {
  if (o.dryRun) return { ok: true };
  const quick = !o.asksAgainLater;
  try {
    if (target.job) await gh.rerunJob(target.job.id, target.debug, quick);
    else await gh.rerunFailedJobs(target.run.id, target.debug, quick);
  } catch (err) {
    return { ok: false, error: explainGitHubError(err, o.now) };
  }
  await rememberRerun(store, `${gh.owner}/${gh.repo}`, target.run.id, o.evidence);
  return { ok: true };
}

/** A command's or the button's re-runs, one call at a time, each answer kept for the reply. */
export async function executeActions(gh: GitHubClient, store: Store, actions: Action[], o: { dryRun: boolean; now: number }): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    const target = action.kind === "rerun-failed" ? { run: action.run, debug: action.debug } : { run: action.run, job: action.job, debug: action.debug };
    const result = await requestRerun(gh, store, target, o);
    results.push(result.ok ? { action, ok: true } : { action, ok: false, error: result.error });
  }
  return results;
}
