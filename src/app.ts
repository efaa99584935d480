import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { ConfigLoader, pushTouchesConfig } from "./config/load.js";
import { MemoryStore, type Store } from "./state/store.js";
import type { RedisStore } from "./state/redis-store.js";
import { handleWorkflowRun } from "./handlers/workflow-run.js";
import { handleIssueComment } from "./handlers/issue-comment.js";
import { handleCheckRun } from "./handlers/check-run.js";
import type { Deps } from "./deps.js";
import { skipEventsThatNeedNoAction } from "./prefilter.js";
import { Metrics, observeGitHubCalls } from "./metrics.js";

export interface AppOptions {
  appId?: number | null;
  store?: Store;
  configs?: ConfigLoader;
  now?: () => Date;
  metrics?: Metrics;
}

/** CONFIG_TTL_SECONDS: how long a repo's parsed config is trusted without asking GitHub (0..3600). */
export function configTtlMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.CONFIG_TTL_SECONDS ?? 600);
  return Number.isFinite(s) ? Math.min(Math.max(s, 0), 3600) * 1000 : 600_000;
}

/** Redis reconnects every few seconds while down: say so once a minute, not on every attempt. */
function redisErrorLogger(app: Probot) {
  let last = 0;
  return (err: Error) => {
    if (Date.now() - last < 60_000) return;
    last = Date.now();
    app.log.error({ err: err.message }, "Redis unreachable: no re-run until it is back (deliveries that need one fail and can be redelivered)");
  };
}

/** GET /health: 200 while the process serves; says whether the shared Redis answers. */
export function healthHandler(redis: RedisStore | null) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== "GET" || req.url?.split("?")[0] !== "/health") return false;
    const status = redis ? ((await redis.ping()) ? "ok" : "unreachable") : "not configured";
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, redis: status }));
    return true;
  };
}

function appIdFromEnv(): number | null {
  const id = Number(process.env.APP_ID);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * The Probot app. Every handler decides from the payload before calling GitHub; an error in one
 * delivery is logged with its repo and never takes the server down.
 */
export function rerunBot(options: AppOptions = {}): ApplicationFunction {
  return async (app: Probot, { addHandler }: Partial<ApplicationFunctionOptions> = {}) => {
    // One store for all instances when REDIS_URL is set (Probot then shares its throttling too).
    // Loaded only then: ioredis is a fifth of the process's memory, and one instance needs none of it.
    const redisUrl = options.store ? undefined : process.env.REDIS_URL;
    const redis = redisUrl
      ? new (await import("./state/redis-store.js")).RedisStore(redisUrl, redisErrorLogger(app))
      : null;
    const deps: Deps = {
      appId: options.appId !== undefined ? options.appId : appIdFromEnv(),
      store: options.store ?? redis ?? new MemoryStore(),
      configs: options.configs ?? new ConfigLoader({ ttlMs: configTtlMs(), shared: redis ?? undefined }),
      now: options.now ?? (() => new Date()),
      metrics: options.metrics ?? new Metrics(),
    };
    const { metrics } = deps;
    try {
      addHandler?.(healthHandler(redis));
      addHandler?.(metrics.handler());
      metrics.collectProcessMetrics();
    } catch {
      // Loaded without an HTTP server (probot.receive() in tests, Probot's own `receive`): no endpoints.
    }
    observeGitHubCalls((method, route, status) => metrics.githubRequests.inc({ method, route, status: String(status) }));
    const guard =
      <C extends Context>(name: string, fn: (context: C, deps: Deps) => Promise<void>) =>
      async (context: C) => {
        try {
          await fn(context, deps);
          metrics.webhooks.inc({ event: name, outcome: "handled" });
        } catch (err) {
          metrics.webhooks.inc({ event: name, outcome: "error" });
          const repo = (context.payload as { repository?: { full_name?: string } }).repository?.full_name;
          context.log.error({ err, repo, event: name, delivery: context.id }, `${name} handler failed`);
          throw err; // Probot answers 500, so the failed delivery shows in the app's settings for redelivery.
        }
      };

    skipEventsThatNeedNoAction(app.webhooks, deps.appId, (event) => metrics.webhooks.inc({ event, outcome: "skipped" }));
    app.on("workflow_run.completed", guard("workflow_run", handleWorkflowRun));
    app.on("issue_comment.created", guard("issue_comment", handleIssueComment));
    app.on(["check_run.requested_action", "check_run.rerequested"], guard("check_run", handleCheckRun));
    app.on("push", async (context) => {
      metrics.webhooks.inc({ event: "push", outcome: "handled" });
      const { repository } = context.payload;
      if (!repository?.owner || !pushTouchesConfig(context.payload)) return;
      const owner = repository.owner.login ?? repository.owner.name ?? "";
      if (repository.name === ".github") await deps.configs.invalidateOwner(owner);
      else await deps.configs.invalidateRepo(owner, repository.name);
    });
  };
}
