/**
 * A re-run that was decided to wait (a delay, an outage hold, GitHub's trouble) is due. What may
 * have changed since is asked again through the same decision and executor as a webhook
 * (execute/carry-out.ts): the run's attempt and state, the config, the breaker, the pull request's
 * head, the outage and the budget. The check run that promised the re-run always says how it ended.
 */
import type { ProbotOctokit } from "probot";
import { keys } from "../domain/keys.js";
import type { RunFacts } from "../domain/facts.js";
import { gitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import type { RerunWork } from "../queue/work-queue.js";
import { withClaim } from "../state/claims.js";
import type { Deps } from "../state/deps.js";
import { decideAndCarryOut, decisionStart, retryLater, type AutoRun } from "../execute/carry-out.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export async function handleDueRerun(octokit: Octokit, deps: Deps, work: RerunWork): Promise<void> {
  const gh = gitHubClient(octokit, work.owner, work.repo);
  const fullName = `${work.owner}/${work.repo}`;
  const owner = `scheduled:${work.runId}:${work.runAttempt}`;
  await withClaim(deps.store, keys.scheduledRerun(fullName, work.runId, work.runAttempt), owner, async (claim) => {
    const base = { deps, gh, installationId: work.installationId, claim, log: deps.log, work };
    let fresh: RunFacts;
    try {
      fresh = await gh.getRun(work.runId);
    } catch (err) {
      const error = explainGitHubError(err, deps.now().getTime());
      // Without the run as it was decided on (work queued by an older version), the queue retries.
      if (error.kind.kind !== "retry" || !work.run) throw err;
      return retryLater({ ...base, run: work.run, config: null }, error);
    }
    const loaded = await deps.configs.load(octokit, work.owner, work.repo);
    // Judged as it failed; GitHub's run now is what may have moved on.
    const run: RunFacts = work.run ?? { ...fresh, runAttempt: work.runAttempt };
    const x: AutoRun = { ...base, run, config: loaded.kind === "ok" ? loaded.config : null };
    const start = decisionStart(deps, run, loaded, work, work.installationId);
    await decideAndCarryOut(x, { ...start, current: fresh });
  });
}
