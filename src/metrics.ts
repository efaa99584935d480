/**
 * Prometheus metrics for operators, served at GET /metrics. Label values are bounded: event
 * names, outcomes, reasons, GitHub route templates and installation ids, never repo names.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Registry, Summary } from "prom-client";
import type { WorkQueue } from "./queue/work-queue.js";

export class Metrics {
  readonly registry = new Registry();
  readonly webhooks = new Counter({
    name: "rerunbot_webhooks_total",
    help: "Webhooks received, by event and outcome (skipped: needed no action; handled; error).",
    labelNames: ["event", "outcome"] as const,
    registers: [this.registry],
  });
  readonly reruns = new Counter({
    name: "rerunbot_reruns_total",
    help: "Re-runs asked of GitHub, by trigger (auto, command, button) and result (ok, error, dry_run).",
    labelNames: ["trigger", "result"] as const,
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: "rerunbot_refusals_total",
    help: "Re-runs the bot refused before asking GitHub, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: "rerunbot_github_requests_total",
    help: "Calls to GitHub's API, by method, route template and HTTP status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  readonly flakyJobs = new Counter({
    name: "rerunbot_flaky_jobs_total",
    help: "Jobs that failed and then passed on a re-run the bot made.",
    registers: [this.registry],
  });
  readonly catches = new Counter({
    name: "rerunbot_flaky_catches_total",
    help: "Flaky jobs recorded in the ledger, by the evidence that made the re-run (infrastructure, rule, any, command).",
    labelNames: ["category"] as const,
    registers: [this.registry],
  });
  readonly breakerTrips = new Counter({
    name: "rerunbot_breaker_trips_total",
    help: "Jobs the breaker stopped (failed on every attempt of breaker.after runs in a row), by the evidence category of their re-runs.",
    labelNames: ["category"] as const,
    registers: [this.registry],
  });
  readonly dashboardWrites = new Counter({
    name: "rerunbot_dashboard_writes_total",
    help: "Dashboard issues created or edited.",
    registers: [this.registry],
  });

  readonly held = new Counter({
    name: "rerunbot_held_total",
    help: "Re-runs of infrastructure failures held during an outage (each hold counted).",
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: "rerunbot_rerun_retries_total",
    help: "Automatic re-runs asked for again later because GitHub failed or rate-limited (each try counted), by why.",
    labelNames: ["why"] as const,
    registers: [this.registry],
  });
  readonly gaveUp = new Counter({
    name: "rerunbot_reruns_given_up_total",
    help: "Automatic re-runs given up after GitHub kept failing past the retry bound (RETRY_HOURS).",
    registers: [this.registry],
  });
  readonly redeliveries = new Counter({
    name: "rerunbot_redeliveries_total",
    help: "Failed webhook deliveries the bot asked GitHub to send again (recovery of missed deliveries).",
    registers: [this.registry],
  });
  #queue: WorkQueue | null = null;
  readonly queueDepth = new Gauge({
    name: "rerunbot_queue_depth",
    help: "Accepted work waiting or running (webhooks queued for the workers, delayed re-runs).",
    registers: [this.registry],
    collect: async () => {
      this.queueDepth.set(this.#queue ? await this.#queue.depth().catch(() => -1) : 0);
    },
  });
  readonly queueBacklog = new Gauge({
    name: "rerunbot_queue_backlog",
    help: "Work waiting or running, by installation id.",
    labelNames: ["installation"] as const,
    registers: [this.registry],
    collect: async () => {
      this.queueBacklog.reset();
      for (const [id, n] of (await this.#queue?.backlog().catch(() => null)) ?? []) this.queueBacklog.set({ installation: String(id) }, n);
    },
  });
  readonly queueWait = new Summary({
    name: "rerunbot_queue_wait_seconds",
    help: "How long work waited in the queue after it was due, by installation id (last 10 minutes).",
    labelNames: ["installation"] as const,
    percentiles: [0.5, 0.99],
    maxAgeSeconds: 600,
    ageBuckets: 5,
    registers: [this.registry],
  });
  readonly parkedInstallations = new Gauge({
    name: "rerunbot_parked_installations",
    help: "Installations parked now because GitHub answered with a rate limit (their work waits until the time GitHub gave).",
    registers: [this.registry],
    collect: async () => {
      this.parkedInstallations.set(((await this.#queue?.parked().catch(() => null)) ?? new Map()).size);
    },
  });
  readonly parkedUntil = new Gauge({
    name: "rerunbot_parked_until_seconds",
    help: "When each parked installation may call GitHub again (Unix time), by installation id.",
    labelNames: ["installation"] as const,
    registers: [this.registry],
    collect: async () => {
      this.parkedUntil.reset();
      for (const [id, until] of (await this.#queue?.parked().catch(() => null)) ?? []) this.parkedUntil.set({ installation: String(id) }, Math.round(until / 1000));
    },
  });
  readonly givenUp = new Counter({
    name: "rerunbot_work_given_up_total",
    help: "Queued work that failed until the retry bound and was set aside (rerun-bot queue list / retry).",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });

  /** Reports the queue's depth, backlog, waits, parked installations and given-up work. */
  observeWork(queue: WorkQueue): void {
    this.#queue = queue;
    queue.observe({
      waited: (installation, seconds) => this.queueWait.observe({ installation: String(installation) }, seconds),
      gaveUp: (work) => this.givenUp.inc({ kind: work.kind }),
    });
  }

  /** Every GitHub call, reported by the Octokit plugin of this app's Octokit class. */
  readonly observeCall = (method: string, url: string, status: number | "error"): void => {
    this.githubRequests.inc({ method, route: routeTemplate(url), status: String(status) });
  };

  countRerun(trigger: "auto" | "command" | "button", ok: boolean, dryRun: boolean): void {
    this.reruns.inc({ trigger, result: !ok ? "error" : dryRun ? "dry_run" : "ok" });
  }

  #defaults = false;

  /** Process metrics (CPU, memory, event loop): only for a real server, not for every test app. */
  collectProcessMetrics(): void {
    if (this.#defaults) return;
    this.#defaults = true;
    collectDefaultMetrics({ register: this.registry, prefix: "rerunbot_" });
  }

  handler() {
    return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/metrics") return false;
      res.writeHead(200, { "content-type": this.registry.contentType }).end(await this.registry.metrics());
      return true;
    };
  }
}

/**
 * A bounded label for a call: Octokit passes route templates ("/repos/{owner}/{repo}/...") for most
 * calls but absolute URLs for pagination; those lose their host, query, names and ids.
 */
export function routeTemplate(url: string): string {
  if (url.startsWith("/") && url.includes("{")) return url.split("?")[0];
  const path = url.replace(/^https?:\/\/[^/]+/, "").replace(/^\/api\/v3/, "").split("?")[0];
  return path
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}")
    .replace(/\/\d+(?=\/|$)/g, "/{id}")
    .replace(/\/(collaborators|users)\/[^/]+/g, "/$1/{username}")
    .replace(/\/contents\/.*$/, "/contents/{path}");
}
