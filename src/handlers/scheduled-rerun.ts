/**
 * A delayed re-run, due now (auto.delay / a rule's delay). The decision was made when the run
 * failed; what may have changed since is asked of GitHub again: the run's attempt and state, and the
 * pull request's head. Then one re-run, and the same check run updated.
 */
import type { ProbotOctokit } from "probot";
import { isFailedRun } from "../domain/conclusions.js";
import { keys } from "../domain/keys.js";
import { currentPullHead, gitHubClient } from "../github/client.js";
import { explainGitHubError } from "../github/errors.js";
import { checkStillWanted } from "../policy/auto-rerun.js";
import { alreadyRunning, type Refusal } from "../policy/limits.js";
import type { RerunWork } from "../queue/work-queue.js";
import { writeCheckRun } from "../report/check-run-writer.js";
import { withClaim } from "../state/claims.js";
import { rememberRerun } from "../state/reruns.js";
import type { Deps } from "./deps.js";
import { holdDelayMs } from "../policy/pacing.js";
import { holdRerun, infraFailures, spendBudget } from "./pacing.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

export async function runScheduledRerun(octokit: Octokit, deps: Deps, work: RerunWork): Promise<void> {
  const gh = gitHubClient(octokit, work.owner, work.repo);
  const fullName = `${work.owner}/${work.repo}`;
  const owner = `scheduled:${work.runId}:${work.runAttempt}`;
  await withClaim(deps.store, keys.scheduledRerun(fullName, work.runId, work.runAttempt), owner, async (claim) => {
    const run = await gh.getRun(work.runId);
    const refuse = (refusal: Refusal) => {
      deps.metrics.refusals.inc({ reason: refusal.reason });
      return writeCheckRun(gh, deps.store, run, { kind: "refused", refusal }).then(() => {});
    };
    if (run.runAttempt !== work.runAttempt || run.status !== "completed" || !isFailedRun(run)) {
      return refuse({
        reason: "no-longer-needed",
        message: `while the re-run waited, the run ${run.runAttempt !== work.runAttempt ? `was re-run (it is at attempt ${run.runAttempt})` : run.status !== "completed" ? "started again" : `ended ${run.conclusion ?? "without a conclusion"}`}`,
      });
    }
    // Still an outage? Hold again (spaced), up to a bound; then re-run.
    const holds = work.holds ?? 0;
    const schedule = deps.schedule;
    if (work.infrastructure && schedule && holds > 0) {
      const failures = await infraFailures(deps, work.installationId);
      const holdMs = holdDelayMs(failures, holds, deps.hold);
      if (holdMs > 0) {
        await claim.retryable(); // the next look is a new piece of work under the same key
        await holdRerun({ ...deps, schedule }, gh, run, { ...work, holds: holds + 1 }, holdMs, failures);
        return;
      }
    }
    const pullHead = await currentPullHead(gh, run);
    const still = checkStillWanted(run, null, pullHead);
    if (still.kind === "refuse") return refuse(still.refusal);
    const budget = await deps.configs.load(octokit, work.owner, work.repo);
    const spent = budget.kind === "ok" ? await spendBudget(deps, fullName, run.headSha, budget.config.auto.budget) : null;
    if (spent) return refuse(spent);
    try {
      await gh.rerunFailedJobs(run.id, false);
    } catch (err) {
      const explained = explainGitHubError(err);
      // Someone re-ran it while it waited: the same answer as on the direct path, not an error.
      const first = alreadyRunning(explained.message);
      if (first) return refuse(first);
      if (!explained.refused) throw err; // the queue tries again later
      deps.metrics.countRerun("auto", false, false);
      await writeCheckRun(gh, deps.store, run, { kind: "error", trigger: "auto", message: explained.message });
      return;
    }
    await claim.accepted();
    await rememberRerun(deps.store, fullName, run.id, work.evidence ?? { category: work.infrastructure ? "infrastructure" : "any", evidence: work.why });
    deps.metrics.countRerun("auto", true, false);
    await writeCheckRun(gh, deps.store, run, { kind: "rerun", trigger: "auto", attempt: run.runAttempt + 1, maxAttempts: work.maxAttempts, why: work.why });
  });
}
