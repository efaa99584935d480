import type { ConfigLoader } from "../config/load.js";
import type { Store } from "./store.js";
import type { Ledger } from "./ledger.js";
import type { Marks } from "./marks.js";
import type { Metrics } from "../metrics.js";
import type { AddResult, ReportWork, RerunWork } from "../queue/work-queue.js";
import type { HoldSettings } from "../policy/pacing.js";
import type { RetrySettings } from "../policy/github-answer.js";

export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Everything the handlers share, built once per app by the composition root (app.ts) and replaced
 * in tests. No handler reaches for module state: the clock, randomness, caches and counters are here.
 */
export interface Deps {
  /** Our GitHub App id: check runs from any other app are not ours. */
  appId: number | null;
  store: Store;
  /** Marks that outlive a crash: the bot's intent before each re-run call (state/marks.ts). */
  marks: Marks;
  /** The flaky-jobs ledger (a file per repo under DATA_DIR, or Redis). */
  ledger: Ledger;
  configs: ConfigLoader;
  now: () => Date;
  random: () => number;
  metrics: Metrics;
  /** Queues a re-run for later (auto.delay); absent without a queue (inline, the Action). */
  schedule?: (work: RerunWork, delayMs: number) => Promise<AddResult>;
  /**
   * Nothing outlives one event (the Action): counts the store would keep between events are read
   * from what GitHub records instead, or refused where GitHub records nothing to count with.
   */
  oneShot: boolean;
  /** The app's one logger (Probot's). */
  log: Log;
  /** When re-runs of infrastructure failures are held for an outage. */
  hold: HoldSettings;
  /** How long, and how often, a re-run GitHub failed transiently is asked for again. */
  retry: RetrySettings;
  /** Hands a re-run's check-run report to later work (absent without a queue: reported at once). */
  deferReport?: (report: Omit<ReportWork, "kind">) => Promise<void>;
  /** Pauses an installation's queued work until GitHub's rate limit lifts (absent without a queue). */
  park?: (installationId: number, untilMs: number) => Promise<void>;
}
