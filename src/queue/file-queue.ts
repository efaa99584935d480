/**
 * The embedded queue: one JSON file per job under `<DATA_DIR>/queue/`, written to a temporary name,
 * flushed to disk and renamed into place before `add` resolves, removed once the job is done. A
 * process killed at any point restarts with every accepted job still on disk. One process per data
 * directory (several instances share work through Redis instead).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { backoffSeconds, MAX_ATTEMPTS, type Work, type WorkQueue } from "./work-queue.js";

interface Stored {
  key: string;
  work: Work;
  runAt: number;
  attempts: number;
}

export interface FileQueueOptions {
  dir: string;
  concurrency?: number;
  now?: () => number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export class FileQueue implements WorkQueue {
  readonly #dir: string;
  readonly #dead: string;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #log: NonNullable<FileQueueOptions["log"]>;
  readonly #jobs = new Map<string, Stored>();
  readonly #running = new Map<string, Promise<void>>();
  #handler: ((work: Work) => Promise<void>) | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopping = false;

  constructor(options: FileQueueOptions) {
    this.#dir = join(options.dir, "queue");
    this.#dead = join(options.dir, "queue-failed");
    this.#concurrency = options.concurrency ?? 8;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? { warn: () => {}, error: () => {} };
    mkdirSync(this.#dir, { recursive: true });
    mkdirSync(this.#dead, { recursive: true });
    // Jobs accepted before a crash or a stop come back first.
    for (const name of readdirSync(this.#dir)) {
      if (!name.endsWith(".json")) continue;
      try {
        const job = JSON.parse(readFileSync(join(this.#dir, name), "utf8")) as Stored;
        this.#jobs.set(job.key, job);
      } catch {
        rmSync(join(this.#dir, name), { force: true }); // a torn temporary write never reached its name
      }
    }
  }

  #file(key: string): string {
    return join(this.#dir, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
  }

  /** Written, flushed and renamed, then the directory flushed: on disk before the caller answers. */
  #persist(job: Stored): void {
    const file = this.#file(job.key);
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(job));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    const dirFd = openSync(this.#dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }

  async add(key: string, work: Work, options: { delayMs?: number } = {}): Promise<void> {
    if (this.#jobs.has(key)) return;
    const job: Stored = { key, work, runAt: this.#now() + (options.delayMs ?? 0), attempts: 0 };
    this.#persist(job);
    this.#jobs.set(key, job);
    this.#pump();
  }

  start(handler: (work: Work) => Promise<void>): void {
    this.#handler = handler;
    this.#pump();
  }

  /** Starts what is due, up to the concurrency, and sets one timer for the next job due later. */
  #pump(): void {
    if (!this.#handler || this.#stopping) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const now = this.#now();
    const waiting = [...this.#jobs.values()].filter((j) => !this.#running.has(j.key)).sort((a, b) => a.runAt - b.runAt);
    for (const job of waiting) {
      if (this.#running.size >= this.#concurrency) return;
      if (job.runAt > now) {
        this.#timer = setTimeout(() => this.#pump(), Math.min(job.runAt - now, 2 ** 31 - 1));
        this.#timer.unref();
        return;
      }
      this.#running.set(job.key, this.#run(job));
    }
  }

  async #run(job: Stored): Promise<void> {
    try {
      await this.#handler!(job.work);
      rmSync(this.#file(job.key), { force: true });
      this.#jobs.delete(job.key);
    } catch (err) {
      job.attempts++;
      if (job.attempts >= MAX_ATTEMPTS) {
        this.#log.error({ key: job.key, attempts: job.attempts, err: String(err) }, "work failed on every attempt: set aside");
        renameSync(this.#file(job.key), join(this.#dead, `${Date.now()}-${job.key.replace(/[^\w.-]/g, "_").slice(0, 80)}.json`));
        this.#jobs.delete(job.key);
      } else {
        job.runAt = this.#now() + backoffSeconds(job.attempts) * 1000;
        this.#log.warn({ key: job.key, attempt: job.attempts, retryInSeconds: backoffSeconds(job.attempts) }, "work failed: retrying later");
        this.#persist(job);
      }
    } finally {
      this.#running.delete(job.key);
      this.#pump();
    }
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    const inFlight = Promise.allSettled([...this.#running.values()]);
    await Promise.race([inFlight, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  async depth(): Promise<number> {
    return this.#jobs.size;
  }
}

/** The jobs waiting on disk under a data directory (for tests and operators). */
export function queuedFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, "queue")).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
}
