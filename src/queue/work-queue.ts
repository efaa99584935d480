/**
 * Work accepted from GitHub and done later, by workers: the one interface both engines implement
 * (file-queue.ts, the embedded default; bullmq-queue.ts with REDIS_URL).
 *
 * The guarantee: once `add` resolves, the work survives a crash or restart of the process (SIGTERM or
 * kill -9) and is done at least once; the handlers' claims and their check of the run's current
 * attempt turn "at least once" into "exactly one re-run per decision".
 */
import type { RerunEvidence } from "../domain/ledger.js";
import type { RunFacts } from "../domain/facts.js";

/** A webhook, verified and screened, to be handled as Probot would have in the request. */
export interface WebhookWork {
  kind: "webhook";
  id: string;
  name: string;
  payload: unknown;
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

export type Work = WebhookWork | RerunWork;

export interface WorkQueue {
  /** Durable once resolved. A key already queued is one job (a redelivery while it waits). */
  add(key: string, work: Work, options?: { delayMs?: number }): Promise<void>;
  /** Starts the workers. A handler that throws is retried with backoff, a bounded number of times. */
  start(handler: (work: Work) => Promise<void>): void;
  /** Stops taking work and waits up to `graceMs` for work in flight; the rest stays queued. */
  stop(graceMs: number): Promise<void>;
  /** Jobs waiting or running, for metrics. */
  depth(): Promise<number>;
  /** Starts none of an installation's work before `untilMs` (GitHub rate-limited it). */
  park?(installationId: number, untilMs: number): Promise<void>;
}

/** Attempts per job before it is set aside (logged, and left for the deliveries API to recover). */
export const MAX_ATTEMPTS = 8;

/** Seconds before retry `attempt` (1-based): 2, 4, 8, ... capped at five minutes. */
export function backoffSeconds(attempt: number): number {
  return Math.min(2 ** attempt, 300);
}
