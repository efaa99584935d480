import type { ConfigLoader } from "./config/load.js";
import type { Store } from "./state/store.js";
import type { Metrics } from "./metrics.js";

/** What the handlers share; built once at startup (see app.ts), replaced in tests. */
export interface Deps {
  /** Our GitHub App id: check runs from any other app are not ours. */
  appId: number | null;
  store: Store;
  configs: ConfigLoader;
  now: () => Date;
  metrics: Metrics;
}

const DAY = 24 * 60 * 60;
/** How long dedupe claims and remembered ids live: past GitHub's 30-day re-run window. */
export const TTL = { claim: DAY, remember: 31 * DAY } as const;

export const keys = {
  autoEvent: (repo: string, runId: number, attempt: number) => `auto:${repo}:${runId}:${attempt}`,
  checkRun: (repo: string, runId: number) => `check:${repo}:${runId}`,
  reran: (repo: string, runId: number) => `reran:${repo}:${runId}`,
  comment: (repo: string, commentId: number) => `comment:${repo}:${commentId}`,
  button: (repo: string, deliveryId: string) => `button:${repo}:${deliveryId}`,
};
