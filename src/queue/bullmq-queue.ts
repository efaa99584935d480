/**
 * The shared queue with REDIS_URL: BullMQ, so every instance takes webhooks and every instance's
 * workers do the work, with retries, backoff and delays kept in Redis. A worker killed mid-job
 * loses its lock and the job is taken again by another (BullMQ's stalled-job check). With Redis down,
 * `add` fails fast: the webhook is answered 503 and GitHub lists it as failed, for redelivery.
 *
 * Fairness from BullMQ's own primitives (its open-source edition has no groups): a queue per
 * installation (`work-i<id>`), each with a worker per instance of bounded concurrency, so one
 * installation's backlog never takes every worker; BullMQ priorities order commands before
 * automatic work within an installation; each installation queue's rate limiter bounds how fast its
 * jobs start, and parking is that limiter's key set until GitHub's time (`Queue.rateLimit`): no
 * worker of any instance starts the installation's work before then. Commands (a person waits) go
 * to one queue of their own (`work-commands`), so they never wait behind an installation's backlog;
 * one of a parked installation is delayed until the park lifts. A process's workers share
 * `WORK_CONCURRENCY` slots (slots.ts). Installations with work are listed in a sorted set
 * (`rerun-bot:queues`, by last add), which every instance polls to start workers for them.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import { Redis } from "ioredis";
import { Slots } from "./slots.js";
import {
  backoffSeconds,
  installationOf,
  overBacklog,
  PRIORITY_RANK,
  priorityOf,
  queueLimits,
  refusedForBacklog,
  retryAtOf,
  type AddOptions,
  type AddResult,
  type FailedWork,
  type QueueLimits,
  type QueueObserver,
  type Work,
  type WorkQueue,
} from "./work-queue.js";

/** The first version's single queue: still drained, so work queued before an upgrade is done. */
export const QUEUE_NAME = "work";
export const QUEUE_PREFIX = "rerun-bot:bull";
/** Installations with work, scored by their last add (ms). */
export const REGISTRY_KEY = "rerun-bot:queues";
/** How often the worker's health is checked; idle three times as long while work waits means stuck. */
const WATCHDOG_MS = 5_000;
/** A worker with nothing to do for this long is closed (reopened when its installation gets work). */
const IDLE_CLOSE_MS = 60_000;
/** Installations not given work for this long leave the registry. */
const REGISTRY_RETENTION_MS = 30 * 86_400_000;
/** Given-up jobs kept this long (and at most this many per installation), for `queue list/retry`. */
const FAILED_RETENTION = { age: 14 * 86_400, count: 5_000 };
const LEGACY = -1;
/** Commands of every installation: few, and a person waits for each, so not behind any backlog. */
const COMMANDS = -2;

export const queueName = (id: number) => (id === LEGACY ? QUEUE_NAME : id === COMMANDS ? "work-commands" : `work-i${id}`);

export interface BullQueueOptions {
  url: string;
  concurrency?: number;
  limits?: Partial<QueueLimits>;
  /** Jobs of one installation started per second at most, over every instance (WORK_STARTS_PER_SECOND, 2). */
  startsPerSecond?: number;
  /** How often the registry is read for installations with new work (ms). */
  discoverMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** BullMQ job ids may not hold ':'. */
const jobId = (key: string) => key.replace(/[^\w.-]/g, "_").slice(0, 200);

/** What a job carries: the work, and when it first failed (for the retry bound). */
type JobData = Work & { firstFailedAt?: number };
const workOf = (data: JobData): Work => {
  const { firstFailedAt: _f, ...work } = data;
  return work as Work;
};

interface Running {
  worker: Worker;
  lastActivity: number;
  active: number;
}

export class BullQueue implements WorkQueue {
  readonly #url: string;
  readonly #concurrency: number;
  readonly #limits: QueueLimits;
  readonly #startsPerSecond: number;
  readonly #discoverMs: number;
  readonly #log: NonNullable<BullQueueOptions["log"]>;
  readonly #producer: Redis;
  readonly #queues = new Map<number, Queue>();
  readonly #workers = new Map<number, Running>();
  /** The registry score an installation had when its worker was closed (or found idle). */
  readonly #idleAt = new Map<number, number>();
  readonly #parkedUntil = new Map<number, number>();
  readonly #slots: Slots;
  #connection: Redis | null = null;
  #handler: ((work: Work) => Promise<void>) | null = null;
  #giveUp: ((work: Work, err: unknown) => void | Promise<void>) | null = null;
  #observer: QueueObserver | null = null;
  #timers: NodeJS.Timeout[] = [];
  #stopping = false;
  #connectedOnce = false;

  constructor(options: BullQueueOptions) {
    this.#url = options.url;
    this.#concurrency = options.concurrency ?? 8;
    this.#limits = { ...queueLimits({}, this.#concurrency), ...options.limits };
    this.#startsPerSecond = options.startsPerSecond ?? 2;
    this.#discoverMs = options.discoverMs ?? 1_000;
    this.#log = options.log ?? { warn: () => {}, error: () => {} };
    this.#slots = new Slots(this.#concurrency);
    // The producer fails fast while Redis is down, so the webhook is not held open.
    this.#producer = new Redis(this.#url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    this.#producer.on("error", () => {}); // reported by the store's logger and /health
  }

  /** Waits (2 s at most) for the producer's first connection; a Redis that is down fails fast after. */
  async #ready(): Promise<void> {
    if (this.#producer.status === "ready" || this.#connectedOnce) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2_000);
      this.#producer.once("ready", () => (clearTimeout(t), resolve()));
    });
    this.#connectedOnce = true;
  }

  #queue(installationId: number): Queue {
    let queue = this.#queues.get(installationId);
    if (!queue) {
      queue = new Queue(queueName(installationId), { connection: this.#producer as unknown as ConnectionOptions, prefix: QUEUE_PREFIX });
      queue.on("error", () => {});
      this.#queues.set(installationId, queue);
    }
    return queue;
  }

  async add(key: string, work: Work, options: AddOptions = {}): Promise<AddResult> {
    const installationId = installationOf(work);
    const priority = priorityOf(work, options.priority);
    await this.#ready();
    const queue = this.#queue(priority === "command" ? COMMANDS : installationId);
    const counts = await this.#queue(installationId).getJobCounts("wait", "prioritized", "delayed", "active");
    if (overBacklog(priority, Object.values(counts).reduce((a, b) => a + b, 0), this.#limits.backlog)) {
      return refusedForBacklog(work, this.#limits.backlog);
    }
    await queue.add(work.kind, work, {
      jobId: jobId(key),
      delay: options.delayMs,
      priority: PRIORITY_RANK[priority] + 1,
      // Retried until the time bound (checked by the worker), not a count of attempts.
      attempts: 1_000_000,
      backoff: { type: "bounded" },
      // Kept an hour once done, so a redelivery meanwhile is the same job.
      removeOnComplete: { age: 3600, count: 50_000 },
      // Kept once given up, for `rerun-bot queue list / retry`.
      removeOnFail: FAILED_RETENTION,
    });
    if (priority === "command") return { status: "accepted" };
    await this.#producer.zadd(REGISTRY_KEY, Date.now(), String(installationId));
    if (this.#handler && !this.#stopping) this.#open(installationId);
    return { status: "accepted" };
  }

  start(handler: (work: Work) => Promise<void>): void {
    this.#handler = handler;
    this.#connection = new Redis(this.#url, { maxRetriesPerRequest: null });
    this.#connection.on("error", () => {});
    const every = (ms: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch(() => {}), ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.#discoverMs, () => this.#discover());
    // BullMQ's blocking client can stay disconnected after a Redis restart while everything else
    // reconnects (taskforcesh/bullmq#4585, #2964): work then waits forever. A worker idle while work
    // waits is replaced.
    every(WATCHDOG_MS, () => this.#check());
    void this.#discover().catch(() => {});
    this.#open(COMMANDS);
    void this.#queue(LEGACY)
      .getJobCounts("wait", "prioritized", "delayed", "active")
      .then((c) => Object.values(c).some((n) => n > 0) && this.#open(LEGACY))
      .catch(() => {});
  }

  /** Opens workers for installations given work since their worker here was closed. */
  async #discover(): Promise<void> {
    if (this.#stopping) return;
    const now = Date.now();
    const list = await this.#producer.zrangebyscore(REGISTRY_KEY, now - REGISTRY_RETENTION_MS, "+inf", "WITHSCORES");
    for (let i = 0; i < list.length; i += 2) {
      const id = Number(list[i]);
      const score = Number(list[i + 1]);
      if (this.#workers.has(id) || score <= (this.#idleAt.get(id) ?? -1)) continue;
      const counts = await this.#queue(id).getJobCounts("wait", "prioritized", "delayed", "active");
      if (Object.values(counts).some((n) => n > 0)) this.#open(id);
      else this.#idleAt.set(id, score);
    }
    if (Math.random() < 0.01) await this.#producer.zremrangebyscore(REGISTRY_KEY, "-inf", now - REGISTRY_RETENTION_MS);
  }

  #open(installationId: number): void {
    if (this.#workers.has(installationId) || !this.#handler || this.#stopping) return;
    const running: Running = { worker: this.#newWorker(installationId), lastActivity: Date.now(), active: 0 };
    this.#workers.set(installationId, running);
  }

  #newWorker(installationId: number): Worker {
    const touch = () => {
      const r = this.#workers.get(installationId);
      if (r) r.lastActivity = Date.now();
    };
    const worker = new Worker(queueName(installationId), (job, token) => this.#process(installationId, job, token), {
      // The shared client for commands; BullMQ opens a blocking connection of its own per worker.
      connection: this.#connection as unknown as ConnectionOptions,
      prefix: QUEUE_PREFIX,
      concurrency: installationId === COMMANDS ? this.#concurrency : this.#limits.perInstallation,
      // Needed for parking too: Queue.rateLimit holds a queue only when its workers have a limiter.
      limiter: { max: installationId === COMMANDS ? 50 : this.#startsPerSecond, duration: 1_000 },
      lockDuration: 30_000,
      // A job whose worker lost Redis mid-job is taken again, more than once if need be.
      maxStalledCount: 5,
      settings: { backoffStrategy: (attemptsMade: number) => backoffSeconds(attemptsMade) * 1000 },
    });
    worker.on("active", touch);
    worker.on("completed", touch);
    worker.on("failed", (job, err) => {
      touch();
      if (err instanceof UnrecoverableError) return; // given up: logged where it was decided
      this.#log.warn({ key: job?.id, attempt: job?.attemptsMade, err: err.message }, "work failed: retrying later");
    });
    worker.on("error", (err) => this.#log.error({ err: err.message }, "queue worker error"));
    return worker;
  }

  async #process(queueId: number, job: Job, token?: string): Promise<void> {
    const data = job.data as JobData;
    const work = workOf(data);
    const installationId = queueId === COMMANDS ? installationOf(work) : queueId;
    const rank = Math.max((job.priority || 2) - 1, 0); // the rank it was added with (PRIORITY_RANK + 1)
    await this.#slots.acquire(rank);
    const running = this.#workers.get(queueId);
    if (running) running.active++;
    try {
      // Parked while this job waited for a slot, or (a command) parked by any instance.
      const ttl = queueId === COMMANDS ? await this.#queue(installationId).getRateLimitTtl(this.#startsPerSecond) : 0;
      const until = Math.max(this.#parkedUntil.get(installationId) ?? 0, ttl > 1_000 ? Date.now() + ttl : 0);
      if (until > Date.now()) await this.#holdUntil(queueId, job, until, token);
      if (job.attemptsMade === 0 && job.attemptsStarted <= 1) {
        this.#observer?.waited(installationId, Math.max(0, Date.now() - job.timestamp - (job.opts.delay ?? 0)) / 1000);
      }
      await this.#handler!(work);
    } catch (err) {
      if ((err as Error)?.message === Worker.RateLimitError().message || err instanceof DelayedError) throw err;
      await this.#failed(queueId, installationId, job, data, err, token);
    } finally {
      if (running) running.active--;
      this.#slots.release();
    }
  }

  /** Decides what a failure means: wait without counting (RetryAt, parked), retry, or give up. */
  /** Back to its queue until `until`: an installation's queue is held (every job), a command delayed. */
  async #holdUntil(queueId: number, job: Job, until: number, token?: string): Promise<never> {
    if (queueId === COMMANDS) {
      await job.moveToDelayed(until, token);
      throw new DelayedError();
    }
    await this.#queue(queueId).rateLimit(until - Date.now());
    throw Worker.RateLimitError();
  }

  async #failed(queueId: number, installationId: number, job: Job, data: JobData, err: unknown, token?: string): Promise<never> {
    const now = Date.now();
    const firstFailedAt = data.firstFailedAt ?? now;
    if (data.firstFailedAt === undefined) await job.updateData({ ...data, firstFailedAt }).catch(() => {});
    if (now - firstFailedAt >= this.#limits.retryMs) {
      const message = err instanceof Error ? err.message : String(err);
      this.#log.error({ key: job.id, attempts: job.attemptsMade + 1, err: message }, "work failed until the retry bound: set aside (rerun-bot queue list / retry)");
      this.#observer?.gaveUp(workOf(data));
      await Promise.resolve(this.#giveUp?.(workOf(data), err)).catch((e) => this.#log.error({ key: job.id, err: String(e) }, "onGiveUp failed"));
      throw new UnrecoverableError(message);
    }
    const parked = this.#parkedUntil.get(installationId) ?? 0;
    if (parked > now) await this.#holdUntil(queueId, job, parked, token);
    const at = retryAtOf(err)?.at;
    if (at !== undefined && at > now) {
      await job.moveToDelayed(at, token);
      throw new DelayedError();
    }
    throw err;
  }

  async park(installationId: number, untilMs: number): Promise<void> {
    const ms = untilMs - Date.now();
    if (ms <= 0) return;
    this.#parkedUntil.set(installationId, Math.max(untilMs, this.#parkedUntil.get(installationId) ?? 0));
    // The limiter key, with GitHub's time as its TTL: every instance's workers wait for it.
    await this.#queue(installationId).rateLimit(ms);
  }

  async parked(): Promise<Map<number, number>> {
    const now = Date.now();
    const out = new Map<number, number>();
    for (const id of this.#workers.keys()) {
      if (id < 0) continue;
      const ttl = await this.#queue(id).getRateLimitTtl(this.#startsPerSecond).catch(() => 0);
      // The limiter's own pacing (under a second) is not a park.
      if (ttl > 1_000) out.set(id, now + ttl);
    }
    return out;
  }

  onGiveUp(hook: (work: Work, err: unknown) => void | Promise<void>): void {
    this.#giveUp = hook;
  }

  observe(observer: QueueObserver): void {
    this.#observer = observer;
  }

  /** Redis lost its data: every worker gets a new blocking connection; closed ones may reopen. */
  async afterDataLoss(): Promise<void> {
    this.#idleAt.clear();
    this.#parkedUntil.clear();
    for (const [id, running] of this.#workers) {
      const old = running.worker;
      running.worker = this.#newWorker(id);
      running.lastActivity = Date.now();
      void old.close(true).catch(() => {});
    }
  }

  async #check(): Promise<void> {
    if (this.#stopping) return;
    const now = Date.now();
    for (const [id, running] of [...this.#workers]) {
      if (running.active > 0 || now - running.lastActivity < WATCHDOG_MS * 3) continue;
      const queue = this.#queue(id);
      const counts = await queue.getJobCounts("wait", "prioritized", "delayed", "active");
      if (Object.values(counts).every((n) => n === 0)) {
        if (id === COMMANDS || now - running.lastActivity < IDLE_CLOSE_MS) continue;
        // Nothing left here: closed until the registry says it has work again.
        this.#idleAt.set(id, Number((await this.#producer.zscore(REGISTRY_KEY, String(id))) ?? 0));
        this.#workers.delete(id);
        await running.worker.close().catch(() => {});
        continue;
      }
      if (counts.wait + counts.prioritized === 0 || (await queue.getRateLimitTtl(this.#startsPerSecond)) > 0) continue;
      this.#log.warn({ installation: id }, "queue worker idle while work waits: replacing it");
      running.lastActivity = now;
      const old = running.worker;
      running.worker = this.#newWorker(id);
      await old.close(true).catch(() => {});
    }
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearInterval(t);
    const closing = Promise.allSettled([...this.#workers.values()].map((r) => r.worker.close()));
    await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()));
    this.#connection?.disconnect();
    this.#producer.disconnect();
  }

  /** Installations listed in the registry (and the first version's queue). */
  async #known(): Promise<number[]> {
    await this.#ready();
    const ids = (await this.#producer.zrange(REGISTRY_KEY, 0, -1)).map(Number).filter((n) => Number.isSafeInteger(n));
    return [LEGACY, COMMANDS, ...ids];
  }

  async backlog(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    const states = ["wait", "active", "delayed", "prioritized"] as const;
    for (const id of await this.#known()) {
      if (id < 0) {
        // Commands (and the first version's queue) hold work of every installation: counted by job.
        for (const job of await this.#queue(id).getJobs([...states], 0, 999)) {
          const inst = installationOf(workOf(job.data as JobData));
          out.set(inst, (out.get(inst) ?? 0) + 1);
        }
        continue;
      }
      const n = Object.values(await this.#queue(id).getJobCounts(...states)).reduce((a, b) => a + b, 0);
      if (n > 0) out.set(id, (out.get(id) ?? 0) + n);
    }
    return out;
  }

  async depth(): Promise<number> {
    let n = 0;
    for (const count of (await this.backlog()).values()) n += count;
    return n;
  }

  async failed(): Promise<FailedWork[]> {
    const list: FailedWork[] = [];
    for (const id of await this.#known()) {
      for (const job of await this.#queue(id).getFailed(0, FAILED_RETENTION.count)) {
        if (!job) continue;
        list.push({
          id: `${id}/${job.id}`,
          key: String(job.id),
          work: workOf(job.data as JobData),
          attempts: job.attemptsMade,
          error: job.failedReason ?? "",
          failedAt: job.finishedOn ?? job.timestamp,
        });
      }
    }
    return list.sort((a, b) => b.failedAt - a.failedAt);
  }

  async retryFailed(id: string | "all"): Promise<number> {
    let n = 0;
    for (const f of await this.failed()) {
      if (id !== "all" && f.id !== id) continue;
      const installationId = Number(f.id.slice(0, f.id.indexOf("/")));
      const job = await this.#queue(installationId).getJob(f.key);
      if (!job) continue;
      await job.updateData(f.work); // the retry bound starts again
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      await this.#producer.zadd(REGISTRY_KEY, Date.now(), String(installationId));
      n++;
    }
    return n;
  }
}
