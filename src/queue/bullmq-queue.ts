/**
 * The shared queue with REDIS_URL: BullMQ, so every instance takes webhooks and every instance's
 * workers do the work, with retries, backoff and delays kept in Redis. A worker killed mid-job
 * loses its lock and the job is taken again by another (BullMQ's stalled-job check). With Redis down,
 * `add` fails fast: the webhook is answered 500 and GitHub lists it as failed, for redelivery.
 */
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import { Redis } from "ioredis";
import { backoffSeconds, MAX_ATTEMPTS, type Work, type WorkQueue } from "./work-queue.js";

export const QUEUE_NAME = "work";
export const QUEUE_PREFIX = "rerun-bot:bull";
/** How often the worker's health is checked; idle three times as long while work waits means stuck. */
const WATCHDOG_MS = 5_000;

export interface BullQueueOptions {
  url: string;
  concurrency?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** BullMQ job ids may not hold ':'. */
const jobId = (key: string) => key.replace(/[^\w.-]/g, "_").slice(0, 200);

export class BullQueue implements WorkQueue {
  readonly #url: string;
  readonly #concurrency: number;
  readonly #log: NonNullable<BullQueueOptions["log"]>;
  readonly #producer: Redis;
  readonly #queue: Queue;
  #worker: Worker | null = null;
  #handler: ((work: Work) => Promise<void>) | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #lastActivity = Date.now();
  #stopping = false;

  constructor(options: BullQueueOptions) {
    this.#url = options.url;
    this.#concurrency = options.concurrency ?? 8;
    this.#log = options.log ?? { warn: () => {}, error: () => {} };
    // The producer fails fast while Redis is down, so the webhook is not held open.
    this.#producer = new Redis(this.#url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.#producer.on("error", () => {}); // reported by the store's logger and /health
    this.#queue = new Queue(QUEUE_NAME, { connection: this.#producer as unknown as ConnectionOptions, prefix: QUEUE_PREFIX });
    this.#queue.on("error", () => {});
  }

  async add(key: string, work: Work, options: { delayMs?: number } = {}): Promise<void> {
    await this.#queue.add(work.kind, work, {
      jobId: jobId(key),
      delay: options.delayMs,
      attempts: MAX_ATTEMPTS,
      backoff: { type: "exponential", delay: backoffSeconds(1) * 1000 },
      // Kept an hour once done, so a redelivery meanwhile is the same job; removed when it failed on
      // every attempt, so a later redelivery can try again.
      removeOnComplete: { age: 3600, count: 50_000 },
      removeOnFail: true,
    });
  }

  start(handler: (work: Work) => Promise<void>): void {
    this.#handler = handler;
    this.#worker = this.#newWorker();
    // BullMQ's blocking client can stay disconnected after a Redis restart while everything else
    // reconnects (taskforcesh/bullmq#4585, #2964): work then waits forever. A worker idle while work
    // waits is replaced.
    this.#watchdog = setInterval(() => void this.#check(), WATCHDOG_MS);
    this.#watchdog.unref();
  }

  #newWorker(): Worker {
    const connection = new Redis(this.#url, { maxRetriesPerRequest: null });
    connection.on("error", () => {});
    const worker = new Worker(QUEUE_NAME, async (job) => this.#handler!(job.data as Work), {
      connection: connection as unknown as ConnectionOptions,
      prefix: QUEUE_PREFIX,
      concurrency: this.#concurrency,
      lockDuration: 30_000,
      // A job whose worker lost Redis mid-job is taken again, more than once if need be.
      maxStalledCount: 5,
    });
    const touch = () => (this.#lastActivity = Date.now());
    worker.on("active", touch);
    worker.on("completed", touch);
    worker.on("failed", (job, err) => {
      touch();
      this.#log.warn({ key: job?.id, attempt: job?.attemptsMade, err: err.message }, "work failed: retrying later unless out of attempts");
    });
    worker.on("error", (err) => this.#log.error({ err: err.message }, "queue worker error"));
    return worker;
  }

  async #check(): Promise<void> {
    if (this.#stopping || !this.#worker || Date.now() - this.#lastActivity < WATCHDOG_MS * 3) return;
    try {
      if ((await this.#queue.getWaitingCount()) === 0) return;
    } catch {
      return; // Redis is still down: nothing to judge yet
    }
    this.#log.warn({}, "queue worker idle while work waits: replacing it");
    const old = this.#worker;
    this.#lastActivity = Date.now();
    this.#worker = this.#newWorker();
    await old.close(true).catch(() => {});
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    if (this.#watchdog) clearInterval(this.#watchdog);
    const closing = Promise.allSettled([this.#worker?.close() ?? Promise.resolve()]);
    await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await this.#queue.close().catch(() => {});
    this.#producer.disconnect();
  }

  async depth(): Promise<number> {
    const counts = await this.#queue.getJobCounts("wait", "active", "delayed", "prioritized");
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }
}
