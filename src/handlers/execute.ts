/** Carries out a plan's re-run calls, one at a time, and keeps every GitHub answer for the report. */
import type { GitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import type { Action } from "../policy/command-plan.js";
import type { ActionResult } from "../report/reply.js";
import { rememberRerun } from "../state/reruns.js";
import type { Store } from "../state/store.js";

export async function executeActions(gh: GitHubClient, store: Store, actions: Action[], dryRun = false): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const action of actions) {
    try {
      if (!dryRun) {
        if (action.kind === "rerun-failed") await gh.rerunFailedJobs(action.run.id, action.debug);
        else await gh.rerunJob(action.job.id, action.debug);
        await rememberRerun(store, `${gh.owner}/${gh.repo}`, action.run.id);
      }
      results.push({ action, ok: true });
    } catch (err) {
      results.push({ action, ok: false, error: explainGitHubError(err) });
    }
  }
  return results;
}
