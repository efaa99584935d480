import type { ConfigLoader } from "../config/load.js";
import type { Store } from "../state/store.js";
import type { Ledger } from "../state/ledger.js";
import type { Metrics } from "../metrics.js";
import type { RerunWork } from "../queue/work-queue.js";
import type { HoldSettings } from "../policy/pacing.js";

/**
 * Everything the handlers share, built once per app by the composition root (app.ts) and replaced
 * in tests. No handler reaches for module state: the clock, randomness, caches and counters are here.
 */
export interface Deps {
  /** Our GitHub App id: check runs from any other app are not ours. */
  appId: number | null;
  store: Store;
  /** The flaky-jobs ledger (a file per repo under DATA_DIR, or Redis). */
  ledger: Ledger;
  configs: ConfigLoader;
  now: () => Date;
  random: () => number;
  metrics: Metrics;
  /** Queues a re-run for later (auto.delay); absent without a queue (inline, the Action). */
  schedule?: (work: RerunWork, delayMs: number) => Promise<void>;
  /** Where work that must not fail a delivery (the dashboard) reports trouble. */
  log?: { warn: (obj: object, msg: string) => void };
  /** When re-runs of infrastructure failures are held for an outage. */
  hold: HoldSettings;
}
