import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { ConfigLoader } from "./config/load.js";
import { MemoryStore, type Store } from "./state/store.js";
import type { RedisStore } from "./state/redis-store.js";
import { handleWorkflowRun } from "./handlers/workflow-run.js";
import { handleIssueComment } from "./handlers/issue-comment.js";
import { handleCheckRun } from "./handlers/check-run.js";
import type { Deps } from "./state/deps.js";
import { handleForkPullRequest, handlePush } from "./handlers/push.js";
import { recoverDeliveries } from "./intake/recovery.js";
import { handleDueRerun } from "./handlers/rerun-due.js";
import { reportGivenUp } from "./execute/carry-out.js";
import { gitHubClient } from "./github/client.js";
import { writeRendered } from "./report/check-run-writer.js";
import { explainGitHubError } from "./github/errors.js";
import type { HoldSettings } from "./policy/pacing.js";
import type { RetrySettings } from "./policy/github-answer.js";
import { readSettings, type Settings } from "./settings.js";
import { acceptWebhooks } from "./intake/prefilter.js";
import { priorityOf, type WorkQueue } from "./queue/work-queue.js";
import { personWaiting } from "./github/write-gate.js";
import type { Parking } from "./github/parking.js";
import type { SharedThrottling } from "./github/throttling.js";
import { RedisMarker } from "./state/redis-marker.js";
import { watchForDataLoss } from "./intake/data-loss.js";
import { MemoryLedger, type Ledger } from "./state/ledger.js";
import { storeMarks, type Marks } from "./state/marks.js";
import { Metrics } from "./metrics.js";
import { orgViewHandler } from "./web/routes.js";

export interface AppOptions {
  appId?: number | null;
  store?: Store;
  /** One event per process (the Action): see Deps.oneShot. */
  oneShot?: boolean;
  /** Marks that outlive a crash; default: the store (main.ts passes files under DATA_DIR without Redis). */
  marks?: Marks;
  /** The flaky-jobs ledger; default: Redis with REDIS_URL, else memory (main.ts passes a file one). */
  ledger?: Ledger;
  configs?: ConfigLoader;
  now?: () => Date;
  random?: () => number;
  /** The same Metrics the app's Octokit class reports its calls to (see main.ts). */
  metrics?: Metrics;
  /** Accept, then work: webhooks that may need action are queued and handled by workers. */
  queue?: WorkQueue | null;
  /** When re-runs of infrastructure failures are held for an outage (default: from the environment). */
  hold?: HoldSettings;
  /** How a re-run GitHub failed transiently is asked again (default: from the environment). */
  retry?: RetrySettings;
  /** Installations GitHub asked to wait, shared with the app's Octokit class (see main.ts). */
  parking?: Parking;
  /** Probot's throttling on Redis, rebuilt when Redis lost its data (shared with the Octokit class). */
  throttling?: SharedThrottling;
  /** The environment's settings, read once (main.ts); default: read from process.env here. */
  settings?: Settings;
  /** Ask GitHub to redeliver failed deliveries, on start and then periodically (a server only). */
  recovery?: { intervalMs: number; lookbackMs: number } | null;
}


/** Redis reconnects every few seconds while down: say so once a minute, not on every attempt. */
function redisErrorLogger(app: Probot, now: () => Date) {
  let last = 0;
  return (err: Error) => {
    if (now().getTime() - last < 60_000) return;
    last = now().getTime();
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


/**
 * The Probot app. Every handler decides from the payload before calling GitHub; an error in one
 * delivery is logged with its repo and never takes the server down.
 */
export function rerunBot(options: AppOptions = {}): ApplicationFunction {
  return async (app: Probot, { addHandler }: Partial<ApplicationFunctionOptions> = {}) => {
    // One store for all instances when REDIS_URL is set (Probot then shares its throttling too).
    // Loaded only then: ioredis is a fifth of the process's memory, and one instance needs none of it.
    const settings = options.settings ?? readSettings(process.env);
    const now = options.now ?? (() => new Date());
    const random = options.random ?? Math.random;
    const redisUrl = options.store ? undefined : settings.redisUrl;
    const redis = redisUrl
      ? new (await import("./state/redis-store.js")).RedisStore(redisUrl, redisErrorLogger(app, now))
      : null;
    const store = options.store ?? redis ?? new MemoryStore(50_000, () => now().getTime());
    const deps: Deps = {
      appId: options.appId !== undefined ? options.appId : settings.appId,
      store,
      marks: redis ? storeMarks(redis) : (options.marks ?? storeMarks(store)),
      oneShot: options.oneShot ?? false,
      ledger: redis
        ? new (await import("./state/redis-ledger.js")).RedisLedger(redis, () => now().getTime())
        : (options.ledger ?? new MemoryLedger(() => now().getTime())),
      log: app.log,
      configs:
        options.configs ??
        new ConfigLoader({ ttlMs: settings.configTtlMs, shared: redis ?? undefined, now: () => now().getTime(), random }),
      now,
      random,
      metrics: options.metrics ?? new Metrics(),
      hold: options.hold ?? settings.hold,
      retry: options.retry ?? settings.retry,
    };
    const { metrics } = deps;
    try {
      addHandler?.(healthHandler(redis));
      addHandler?.(metrics.handler());
      // The org view (/dashboard, /api/v1): on with GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and SESSION_SECRET.
      addHandler?.(orgViewHandler({ ledger: deps.ledger, store: deps.store, appId: deps.appId, now, log: app.log }, settings.web));
      metrics.collectProcessMetrics();
    } catch {
      // Loaded without an HTTP server (probot.receive() in tests, Probot's own `receive`): no endpoints.
    }
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

    const queue = options.queue ?? null;
    if (queue) {
      deps.park = (installationId, untilMs) => queue.park(installationId, untilMs);
      deps.schedule = async (work, delayMs) => {
        const added = await queue.add(`rerun:${work.owner}/${work.repo}:${work.runId}:${work.runAttempt}:${work.holds ?? 0}:${work.tries ?? 0}`, work, { delayMs });
        if (added.status !== "accepted") app.log.warn({ repo: `${work.owner}/${work.repo}`, run: work.runId, reason: added.reason }, `scheduled re-run ${added.status}`);
        return added;
      };
      // A rate-limited installation (seen by the Octokit class) holds its queued work too.
      options.parking?.onPark((installationId, until) => void queue.park(installationId, until).catch(() => {}));
      metrics.observeWork(queue);
      // Work the queue gives up on is never silent: the failed run's check run says so, with the button.
      queue.onGiveUp(async (work, err) => {
        if (work.kind === "report") return; // the re-run was made; only its report is lost, and logged
        const repository = work.kind === "rerun" ? null : (work.payload as { repository?: { owner?: { login?: string }; name?: string } }).repository;
        const [owner, repo] = work.kind === "rerun" ? [work.owner, work.repo] : [repository?.owner?.login, repository?.name];
        const installationId = work.installationId ?? 0;
        if (!owner || !repo || installationId <= 0) return;
        await reportGivenUp(gitHubClient((await app.auth(installationId)) as never, owner, repo), deps, work, err);
      });
      // Re-runs first: a report is handed to later work, at the lowest priority (execute/carry-out.ts).
      deps.deferReport = async (report) => {
        const added = await queue.add(`report:${report.owner}/${report.repo}:${report.runId}:${report.at}`, { kind: "report", ...report });
        if (added.status !== "accepted") throw new Error(`the report could not be queued: ${added.reason}`);
      };
    }
    acceptWebhooks(app.webhooks, deps.appId, { onSkip: (event) => metrics.webhooks.inc({ event, outcome: "skipped" }), queue });

    app.on("workflow_run.completed", guard("workflow_run", handleWorkflowRun));
    app.on("issue_comment.created", guard("issue_comment", handleIssueComment));
    app.on(["check_run.requested_action", "check_run.rerequested"], guard("check_run", handleCheckRun));
    app.on("push", guard("push", handlePush));
    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], guard("pull_request", handleForkPullRequest));
    if (queue) {
      // Last, once every handler is registered: work queued before a restart starts at once.
      // Workers hand each queued webhook to the same handlers, as Probot would in the request.
      queue.start((work) =>
        // A person's command: its writes go first at the installation's write gate.
        personWaiting.run(priorityOf(work) === "command", async () => {
          if (work.kind === "webhook") await app.webhooks.receive({ id: work.id, name: work.name, payload: work.payload } as never);
          else if (work.kind === "report") {
            const gh = gitHubClient((await app.auth(work.installationId)) as never, work.owner, work.repo);
            try {
              await writeRendered(gh, deps.store, work.runId, work.check, { at: work.at, late: true });
            } catch (err) {
              // GitHub's trouble: the queue asks again. A refusal (422) would only be refused again.
              const explained = explainGitHubError(err, deps.now().getTime());
              if (explained.kind.kind === "retry") throw err;
              app.log.error({ err, repo: `${work.owner}/${work.repo}`, run: work.runId }, `check run not written: ${explained.message}`);
            }
          } else await handleDueRerun((await app.auth(work.installationId)) as never, deps, work);
        }),
      );
    }
    if (redis) {
      // A Redis that lost its data: noticed from its marker within a second, rebuilt, replayed.
      const lookbackMs = options.recovery?.lookbackMs ?? 6 * 3_600_000;
      await watchForDataLoss({
        marker: new RedisMarker(redis.client),
        ready: () => redis.ready(),
        rebuild: async () => {
          await queue?.afterDataLoss?.();
          return options.throttling?.rebuild();
        },
        replay: options.recovery ? async (since) => recoverDeliveries(await app.auth(), deps, lookbackMs, since) : undefined,
        log: app.log,
        onReplayed: (asked) => metrics.redeliveries.inc(asked),
      });
    }
    if (options.recovery) {
      const { intervalMs, lookbackMs } = options.recovery;
      const round = async () => {
        try {
          const asked = (await recoverDeliveries(await app.auth(), deps, lookbackMs)) ?? 0;
          if (asked > 0) app.log.info({ asked }, "asked GitHub to redeliver missed webhooks");
          metrics.redeliveries.inc(asked);
        } catch (err) {
          app.log.warn({ err: err instanceof Error ? err.message : String(err) }, "could not check for missed deliveries");
        }
      };
      setTimeout(round, 1_000).unref();
      setInterval(round, intervalMs).unref();
    }
  };
}
