/**
 * Where the bot's decision reads its facts (facts/gather.ts): GitHub through the narrow client, the
 * breaker's trips from the ledger, the outage count and the budget from the store. `spend` is the
 * live bot's: answering the budget spends it. Dry questions (`explain`) only peek.
 */
import type { RunFacts } from "../domain/facts.js";
import { currentPullHead, type GitHubClient } from "../github/client.js";
import { LOG_TAIL_BYTES } from "../policy/log-patterns.js";
import type { HoldSettings } from "../policy/pacing.js";
import type { Ledger } from "../state/ledger.js";
import type { Store } from "../state/store.js";
import { trippedJobs } from "../policy/breaker.js";
import { countInfraFailure, infraFailures, peekBudget, spendBudget } from "./pacing.js";
import type { Sources } from "./gather.js";

export interface SourceOptions {
  gh: GitHubClient;
  run: RunFacts;
  /** null: the breaker cannot be read here (explain without the bot's store). */
  ledger: Ledger | null;
  breakerAfter: number;
  /** null: the counts cannot be read here. */
  store: Store | null;
  hold: HoldSettings;
  installationId: number | null;
  now: () => Date;
  /** Count this failure toward an outage and spend the budget (the bot), or only look (`explain`). */
  mode: "count" | "look";
  /** The budget was spent for this re-run already (a retry): count it, do not spend again. */
  spent?: boolean;
  /** Nothing outlives the event (the Action): the per-commit budget is counted from GitHub's runs. */
  oneShot?: boolean;
}

/**
 * The Action keeps nothing between events, so it counts the per-commit budget from what GitHub
 * records: every re-run of every run of the commit (anyone's, so it errs on the side of fewer). The
 * per-hour budget has no such record and is not counted there (README, the Action's limits).
 */
async function budgetFromGitHub(gh: GitHubClient, run: RunFacts): Promise<{ repoHour: number; commit: number }> {
  const runs = await gh.listRunsForSha(run.headSha);
  return { repoHour: 1, commit: 1 + runs.reduce((n, r) => n + Math.max(r.runAttempt - 1, 0), 0) };
}

export function githubSources(o: SourceOptions): Sources {
  const repo = `${o.gh.owner}/${o.gh.repo}`;
  return {
    trips: async () => (o.ledger && o.breakerAfter > 0 ? trippedJobs(await o.ledger.list(repo), o.breakerAfter) : new Map()),
    jobs: () => o.gh.listJobs(o.run.id),
    annotations: (job) => o.gh.listAnnotations(job.id),
    log: (job) => o.gh.jobLogTail(job.id, LOG_TAIL_BYTES),
    current: () => o.gh.getRun(o.run.id),
    pullHead: () => currentPullHead(o.gh, o.run),
    infraFailures: async () => {
      if (!o.store || o.installationId === null) return 0;
      const now = o.now().getTime();
      return o.mode === "count"
        ? countInfraFailure(o.store, o.hold, now, o.installationId)
        : (await infraFailures(o.store, o.hold, now, o.installationId)) + 1;
    },
    budget: async () => {
      if (o.oneShot) return budgetFromGitHub(o.gh, o.run);
      if (!o.store) return { repoHour: 1, commit: 1 };
      const now = o.now().getTime();
      if (o.mode === "count" && !o.spent) return spendBudget(o.store, now, repo, o.run.headSha);
      return peekBudget(o.store, now, repo, o.run.headSha, o.spent ? 0 : 1);
    },
  };
}
