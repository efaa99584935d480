/** The store's keys and how long they live: one list, so no two features share a key by accident. */
const DAY = 24 * 60 * 60;

/**
 * Seconds. A claim is a short lease while its work runs (a dead holder frees it soon) and a day-long
 * mark once the work is done. Remembered ids outlive GitHub's 30-day re-run window.
 */
export const TTL = { lease: 5 * 60, claim: DAY, remember: 31 * DAY, configGeneration: 31 * DAY } as const;

export const keys = {
  autoEvent: (repo: string, runId: number, attempt: number) => `auto:${repo}:${runId}:${attempt}`,
  checkRun: (repo: string, runId: number) => `check:${repo}:${runId}`,
  checkReportedAt: (repo: string, runId: number) => `check-at:${repo}:${runId}`,
  reran: (repo: string, runId: number) => `reran:${repo}:${runId}`,
  rerunIntent: (repo: string, runId: number, attempt: number) => `rerun-intent:${repo}:${runId}:${attempt}`,
  comment: (repo: string, commentId: number) => `comment:${repo}:${commentId}`,
  button: (repo: string, deliveryId: string) => `button:${repo}:${deliveryId}`,
  authorBudget: (repo: string, sha: string, slot: number) => `author-budget:${repo}:${sha}:${slot}`,
  configCheck: (repo: string, sha: string) => `config-check:${repo}:${sha}`,
  scheduledRerun: (repo: string, runId: number, attempt: number) => `scheduled:${repo}:${runId}:${attempt}`,
  budgetHour: (repo: string, hour: number) => `budget:${repo}:h${hour}`,
  budgetCommit: (repo: string, sha: string) => `budget:${repo}:${sha}`,
  storm: (installation: number, window: number) => `storm:${installation}:${window}`,
  recoveryLock: () => "recovery:lock",
  recoverySince: () => "recovery:since",
  dashboardLease: (repo: string) => `dashboard-lease:${repo.toLowerCase()}`,
  workflowRuns: (repo: string, workflowId: number, day: string) => `workflow-runs:${repo.toLowerCase()}:${workflowId}:${day}`,
  /** A sign-in's state, once used (org view): a replayed callback finds it taken. */
  oauthState: (nonce: string) => `oauth-state:${nonce}`,
  config: (generation: string, repoKey: string) => `config:${generation}:${repoKey}`,
  configGeneration: (owner: string) => `config-gen:${owner.toLowerCase()}`,
};
