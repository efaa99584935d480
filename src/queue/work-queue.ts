/**
 * Work accepted from GitHub and done later, by workers: the one interface both engines implement
 * (file-queue.ts, the embedded default; bullmq-queue.ts with REDIS_URL).
 *
 * The guarantee: once `add` resolves `accepted`, the work survives a crash or restart of the process
 * (SIGTERM or kill -9) and is done at least once; the handlers' claims and their check of the run's
 * current attempt turn "at least once" into "exactly one re-run per decision".
 *
 * How work is shared (issue 23): commands before automatic work before the recovery sweep; within a
 * class, installations take turns (the one served least recently first, by its oldest waiting item),
 * and one installation has at most `perInstallation` jobs in flight per process, so another's first
 * job finds a free worker. A parked installation (GitHub's rate limit) starts nothing until its
 * time, then one job (a probe) until one succeeds.
 */
import type { RerunEvidence } from "../domain/ledger.js";
import type { RunFacts } from "../domain/facts.js";
import type { CheckRunWrite } from "../github/client.js";

/** A webhook, verified and screened, to be handled as Probot would have in the request. */
export interface WebhookWork {
  kind: "webhook";
  id: string;
  name: string;
  payload: unknown;
  /** The payload's installation.id (0 when it has none), for turns, bounds and parking. */
  installationId?: number;
}

/** A re-run decided earlier and due now (auto.delay): checked again against GitHub, then made. */
export interface RerunWork {
  kind: "rerun";
  installationId: number;
  owner: string;
  repo: string;
  runId: number;
  /** The attempt that failed; if GitHub is past it when the work is due, someone re-ran it meanwhile. */
  runAttempt: number;
  maxAttempts: number;
  why: string;
  /** Held for an outage this many times so far (policy/pacing.ts); absent for a plain delay. */
  holds?: number;
  /** Whether infrastructure signatures decided it: only those count toward and wait for an outage. */
  infrastructure?: boolean;
  /** Why, per job, for the flaky-jobs ledger when the re-run later passes (state/reruns.ts). */
  evidence?: RerunEvidence;
  /** The delay was waited out by the time this is due (a delay or a hold scheduled it). */
  delayWaited?: boolean;
  /** The jobs were judged already (maxAttempts, why, infrastructure, evidence hold the verdict). */
  judged?: boolean;
  /** Times GitHub failed this re-run transiently so far, and when it first did (ms). */
  tries?: number;
  firstFailedAt?: number;
  /** The budget was spent for this re-run already (a retry does not spend it again). */
  spent?: boolean;
  /** The run as it was decided on: reported on even when GitHub cannot be read when the work is due. */
  run?: RunFacts;
}

/**
 * A check run's report handed to later work by the executor after a re-run (execute/carry-out.ts):
 * in a storm the worker takes the next re-run at once, and reports follow at the lowest priority.
 */
export interface ReportWork {
  kind: "report";
  installationId: number;
  owner: string;
  repo: string;
  runId: number;
  /** The check run as rendered when the re-run was made. */
  check: CheckRunWrite;
  /** When it was decided (ms): a report older than the run's last one is not written. */
  at: number;
}

export type Work = WebhookWork | RerunWork | ReportWork;

/**
 * Served in this order: a person asked, then automatic work, then what the recovery sweep brought
 * back, then the reports of re-runs already made.
 */
export type WorkPriority = "command" | "auto" | "recovery" | "report";
export const PRIORITY_RANK: Record<WorkPriority, number> = { command: 0, auto: 1, recovery: 2, report: 3 };

export interface AddOptions {
  delayMs?: number;
  /** Default: from the work (commands for issue_comment and check_run webhooks, else auto). */
  priority?: WorkPriority;
}

/**
 * What became of an `add`:
 * - accepted: queued, durably;
 * - deferred: the installation's backlog is full; a webhook is answered with an error, so GitHub
 *   keeps the delivery as failed and the recovery sweep asks for it again later;
 * - dropped: the backlog is full and nothing will bring the work back (a re-run scheduled by the bot
 *   itself): the caller says so on the run's check run.
 */
export interface AddResult {
  status: "accepted" | "deferred" | "dropped";
  reason?: string;
}

/** Work that was retried up to the bound and set aside: listable, and replayable by `queue retry`. */
export interface FailedWork {
  id: string;
  key: string;
  work: Work;
  attempts: number;
  error: string;
  failedAt: number;
}

/** What the queue reports to metrics. */
export interface QueueObserver {
  /** A job started, `seconds` after it was due (first attempts only). */
  waited(installationId: number, seconds: number): void;
  gaveUp(work: Work): void;
}

export interface WorkQueue {
  /** Durable once resolved `accepted`. A key already queued is one job (a redelivery while it waits). */
  add(key: string, work: Work, options?: AddOptions): Promise<AddResult>;
  /**
   * Starts the workers. A handler that throws is retried with backoff for up to the retry bound
   * (hours); one that throws `RetryAt` (or fails while its installation is parked) is tried again
   * then, without counting an attempt.
   */
  start(handler: (work: Work) => Promise<void>): void;
  /** Stops taking work and waits up to `graceMs` for work in flight; the rest stays queued. */
  stop(graceMs: number): Promise<void>;
  /** Jobs waiting or running, for metrics. */
  depth(): Promise<number>;
  /** Jobs waiting or running per installation id. */
  backlog(): Promise<Map<number, number>>;
  /** Starts none of the installation's work before `untilMs` (every worker; with Redis every instance). */
  park(installationId: number, untilMs: number): Promise<void>;
  /** Installations parked now, with the time each is parked until. */
  parked(): Promise<Map<number, number>>;
  /** Called once for work given up after the retry bound (the executor writes its last check run). */
  onGiveUp(hook: (work: Work, err: unknown) => void | Promise<void>): void;
  observe(observer: QueueObserver): void;
  /** Work given up, newest first. */
  failed(): Promise<FailedWork[]>;
  /** Puts given-up work back on the queue (one id, or "all"); returns how many. */
  retryFailed(id: string | "all"): Promise<number>;
  /** Redis lost its data: start again what was built on it (BullMQ's workers). */
  afterDataLoss?(): Promise<void>;
}

/**
 * Thrown by a handler: try this work again at `at` (ms since the epoch), without counting an
 * attempt: GitHub asked us to wait (a rate limit), or answered 5xx and will be back.
 */
export class RetryAt extends Error {
  constructor(
    readonly at: number,
    readonly reason: string,
  ) {
    super(`retry at ${new Date(at).toISOString()}: ${reason}`);
    this.name = "RetryAt";
  }
}

/** The RetryAt inside an error, also when Probot wrapped it in an AggregateError or a cause. */
export function retryAtOf(err: unknown, depth = 0): RetryAt | null {
  if (err instanceof RetryAt) return err;
  if (depth > 4 || typeof err !== "object" || err === null) return null;
  for (const inner of [...((err as { errors?: unknown[] }).errors ?? []), (err as { cause?: unknown }).cause]) {
    const found = retryAtOf(inner, depth + 1);
    if (found) return found;
  }
  return null;
}

export function installationOf(work: Work): number {
  if (work.kind === "rerun" || work.kind === "report") return work.installationId;
  if (typeof work.installationId === "number") return work.installationId;
  const id = (work.payload as { installation?: { id?: unknown } } | null)?.installation?.id;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : 0;
}

export function priorityOf(work: Work, asked?: WorkPriority): WorkPriority {
  if (asked) return asked;
  if (work.kind === "report") return "report";
  return work.kind === "webhook" && (work.name === "issue_comment" || work.name === "check_run") ? "command" : "auto";
}

/** Attempts per job before it is set aside: kept for callers of the first version. */
export const MAX_ATTEMPTS = 8;

/** Seconds before retry `attempt` (1-based): 2, 4, 8, ... capped at five minutes. */
export function backoffSeconds(attempt: number): number {
  return Math.min(2 ** attempt, 300);
}

/** The queue's bounds, from the environment, each clamped to a sane range. */
export interface QueueLimits {
  /** How long failing work is retried (WORK_RETRY_HOURS, 6; 0.001..72). */
  retryMs: number;
  /** Jobs one installation may have waiting or running (WORK_BACKLOG_PER_INSTALLATION, 2000; 10..100000). */
  backlog: number;
  /** One installation's jobs in flight per process (WORK_PER_INSTALLATION; default half the workers). */
  perInstallation: number;
}

const clamp = (raw: string | undefined, fallback: number, min: number, max: number) => {
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  return Number.isFinite(n) ? Math.min(Math.max(n, min), max) : fallback;
};

export function queueLimits(env: NodeJS.ProcessEnv, concurrency: number): QueueLimits {
  return {
    retryMs: clamp(env.WORK_RETRY_HOURS, 6, 0.001, 72) * 3_600_000,
    backlog: Math.round(clamp(env.WORK_BACKLOG_PER_INSTALLATION, 2000, 10, 100_000)),
    perInstallation: Math.round(clamp(env.WORK_PER_INSTALLATION, Math.max(1, Math.ceil(concurrency / 2)), 1, concurrency)),
  };
}

/** Commands are what a person asked for: they may go past the bound, up to twice it. */
export function overBacklog(priority: WorkPriority, waiting: number, bound: number): boolean {
  return waiting >= (priority === "command" ? 2 * bound : bound);
}

export function refusedForBacklog(work: Work, bound: number): AddResult {
  const reason = `this installation already has ${bound} jobs waiting`;
  return work.kind === "webhook" ? { status: "deferred", reason } : { status: "dropped", reason };
}
