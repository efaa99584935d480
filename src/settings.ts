/**
 * The server's settings, read from the environment once (main.ts, or app.ts for an app loaded
 * without one) into one object that every part is handed. Each group's bounds and defaults live
 * beside what it tunes; this is the one place that reads them. The Action and the CLI commands
 * (`explain`, `backtest`, `check`) read their own few variables: they are separate programs.
 */
import { configTtlMs } from "./config/ttl.js";
import { retrySettings, type RetrySettings } from "./policy/github-answer.js";
import { holdSettings, type HoldSettings } from "./policy/pacing.js";
import { recoverySettings } from "./intake/recovery.js";
import { queueSettings, type QueueSettings } from "./queue/create.js";
import { webSettings, type WebConfig } from "./web/settings.js";

export interface Settings {
  /** Our GitHub App's id (APP_ID): check runs of any other app are not ours. */
  appId: number | null;
  /** REDIS_URL: one store, queue, ledger and throttling for every instance. */
  redisUrl: string | null;
  /** DATA_DIR: the file queue, the ledger and the re-run marks without Redis. */
  dataDir: string;
  /** WORK_QUEUE, WORK_CONCURRENCY, WORK_* bounds. */
  queue: QueueSettings;
  /** CONFIG_TTL_SECONDS: how long a repo's parsed config is trusted without asking GitHub. */
  configTtlMs: number;
  hold: HoldSettings;
  retry: RetrySettings;
  recovery: { intervalMs: number; lookbackMs: number } | null;
  web: WebConfig;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const id = Number(env.APP_ID);
  return {
    appId: Number.isSafeInteger(id) && id > 0 ? id : null,
    redisUrl: env.REDIS_URL || null,
    dataDir: env.DATA_DIR || "data",
    queue: queueSettings(env),
    configTtlMs: configTtlMs(env),
    hold: holdSettings(env),
    retry: retrySettings(env),
    recovery: recoverySettings(env),
    web: webSettings(env),
  };
}
