/**
 * The embedded queue: one JSON file per job under `<DATA_DIR>/queue/`, written to a temporary name,
 * flushed to disk and renamed into place before `add` resolves, removed once the job is done. A
 * process killed at any point restarts with every accepted job still on disk. One process per data
 * directory (several instances share work through Redis instead). Work given up after the retry
 * bound moves to `<DATA_DIR>/queue-failed/`, where `rerun-bot queue list/retry` finds it; a running
 * server picks up what `retry` puts back within a few seconds.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
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

interface Stored {
  key: string;
  work: Work;
  runAt: number;
  attempts: number;
  /** 0 command, 1 auto, 2 recovery (absent in jobs of the first version: auto). */
  rank?: number;
  /** Order of arrival, for "oldest first" within an installation. */
  seq?: number;
  /** When the work first failed: retried until the bound after that. */
  firstFailedAt?: number;
  lastError?: string;
  failedAt?: number;
}

export interface FileQueueOptions {
  dir: string;
  concurrency?: number;
  limits?: Partial<QueueLimits>;
  now?: () => number;
  /** How often files put back by `queue retry` are looked for (ms). */
  rescanMs?: number;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Lexicographic order of two scores. */
function before(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

const fileName = (key: string) => `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`;

/** Written, flushed and renamed, then the directory flushed: on disk before the caller answers. */
function writeDurably(dir: string, name: string, data: unknown): void {
  const file = join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, JSON.stringify(data));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export class FileQueue implements WorkQueue {
  readonly #dir: string;
  readonly #dead: string;
  readonly #concurrency: number;
  readonly #limits: QueueLimits;
  readonly #now: () => number;
  readonly #log: NonNullable<FileQueueOptions["log"]>;
  readonly #rescanMs: number;
  readonly #jobs = new Map<string, Stored>();
  readonly #running = new Map<string, Promise<void>>();
  /** Per installation: jobs in flight, when it was last served, parked until, probing after a park. */
  readonly #inFlight = new Map<number, number>();
  readonly #served = new Map<number, number>();
  readonly #parkedUntil = new Map<number, number>();
  readonly #probing = new Set<number>();
  #handler: ((work: Work) => Promise<void>) | null = null;
  #giveUp: ((work: Work, err: unknown) => void | Promise<void>) | null = null;
  #observer: QueueObserver | null = null;
  #timer: NodeJS.Timeout | null = null;
  #rescan: NodeJS.Timeout | null = null;
  #seq = 0;
  #turn = 0;
  #stopping = false;

  constructor(options: FileQueueOptions) {
    this.#dir = join(options.dir, "queue");
    this.#dead = join(options.dir, "queue-failed");
    this.#concurrency = options.concurrency ?? 8;
    this.#limits = { ...queueLimits({}, this.#concurrency), ...options.limits };
    this.#now = options.now ?? Date.now;
    this.#rescanMs = options.rescanMs ?? 5_000;
    this.#log = options.log ?? { warn: () => {}, error: () => {} };
    mkdirSync(this.#dir, { recursive: true });
    mkdirSync(this.#dead, { recursive: true });
    // Jobs accepted before a crash or a stop come back first.
    this.#adopt();
  }

  /** Reads job files not known yet: on start, and those `queue retry` put back while running. */
  #adopt(): number {
    const known = new Set([...this.#jobs.keys()].map(fileName));
    let found = 0;
    for (const name of readdirSync(this.#dir)) {
      if (!name.endsWith(".json") || known.has(name)) continue;
      try {
        const job = JSON.parse(readFileSync(join(this.#dir, name), "utf8")) as Stored;
        job.seq ??= this.#seq++;
        this.#seq = Math.max(this.#seq, job.seq + 1);
        this.#jobs.set(job.key, job);
        found++;
      } catch {
        rmSync(join(this.#dir, name), { force: true }); // a torn temporary write never reached its name
      }
    }
    return found;
  }

  #persist(job: Stored): void {
    writeDurably(this.#dir, fileName(job.key), job);
  }

  async add(key: string, work: Work, options: AddOptions = {}): Promise<AddResult> {
    if (this.#jobs.has(key)) return { status: "accepted" };
    const priority = priorityOf(work, options.priority);
    const installation = installationOf(work);
    let waiting = 0;
    for (const j of this.#jobs.values()) if (installationOf(j.work) === installation) waiting++;
    if (overBacklog(priority, waiting, this.#limits.backlog)) return refusedForBacklog(work, this.#limits.backlog);
    const job: Stored = { key, work, runAt: this.#now() + (options.delayMs ?? 0), attempts: 0, rank: PRIORITY_RANK[priority], seq: this.#seq++ };
    this.#persist(job);
    this.#jobs.set(key, job);
    this.#pump();
    return { status: "accepted" };
  }

  start(handler: (work: Work) => Promise<void>): void {
    this.#handler = handler;
    this.#rescan = setInterval(() => this.#adopt() > 0 && this.#pump(), this.#rescanMs);
    this.#rescan.unref();
    this.#pump();
  }

  /** How many more of an installation's jobs may start now (0 while parked, 1 while probing). */
  #room(installation: number, now: number): number {
    if (this.#isParked(installation, now)) return 0;
    const cap = this.#probing.has(installation) ? 1 : this.#limits.perInstallation;
    return cap - (this.#inFlight.get(installation) ?? 0);
  }

  #isParked(installation: number, now: number): boolean {
    return (this.#parkedUntil.get(installation) ?? 0) > now;
  }

  /**
   * The next job: the highest class among due jobs whose installation has room (a command needs
   * only that its installation is not parked: a person waits for it); within it the installation
   * with the fewest jobs in flight, then the one served least recently; its oldest job.
   */
  #next(now: number): Stored | null {
    let best: Stored | null = null;
    let bestScore: number[] = [];
    const room = new Map<number, number>();
    for (const job of this.#jobs.values()) {
      if (job.runAt > now || this.#running.has(job.key)) continue;
      const inst = installationOf(job.work);
      if (!room.has(inst)) room.set(inst, this.#room(inst, now));
      const rank = job.rank ?? 1;
      if (room.get(inst)! <= 0 && (rank !== 0 || this.#isParked(inst, now))) continue;
      const score = [rank, this.#inFlight.get(inst) ?? 0, this.#served.get(inst) ?? -1, job.seq ?? 0];
      if (!best || before(score, bestScore)) {
        best = job;
        bestScore = score;
      }
    }
    return best;
  }

  /** Starts what is due, up to the concurrency, and sets one timer for the next thing due later. */
  #pump(): void {
    if (!this.#handler || this.#stopping) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const now = this.#now();
    while (this.#running.size < this.#concurrency) {
      const job = this.#next(now);
      if (!job) break;
      const inst = installationOf(job.work);
      this.#inFlight.set(inst, (this.#inFlight.get(inst) ?? 0) + 1);
      this.#served.set(inst, this.#turn++);
      const until = this.#parkedUntil.get(inst);
      if (until !== undefined && until <= now) {
        this.#parkedUntil.delete(inst);
        this.#probing.add(inst); // the park lifted: one job tries before the rest follow
      }
      if (job.attempts === 0) this.#observer?.waited(inst, Math.max(0, now - job.runAt) / 1000);
      this.#running.set(job.key, this.#run(job));
    }
    let wake = Infinity;
    for (const job of this.#jobs.values()) if (!this.#running.has(job.key) && job.runAt > now) wake = Math.min(wake, job.runAt);
    for (const until of this.#parkedUntil.values()) if (until > now) wake = Math.min(wake, until);
    if (wake < Infinity) {
      this.#timer = setTimeout(() => this.#pump(), Math.min(wake - now + 5, 2 ** 31 - 1));
      this.#timer.unref();
    }
  }

  async #run(job: Stored): Promise<void> {
    const inst = installationOf(job.work);
    try {
      await this.#handler!(job.work);
      this.#probing.delete(inst);
      rmSync(join(this.#dir, fileName(job.key)), { force: true });
      this.#jobs.delete(job.key);
    } catch (err) {
      await this.#failed(job, err);
    } finally {
      this.#running.delete(job.key);
      const n = (this.#inFlight.get(inst) ?? 1) - 1;
      if (n > 0) this.#inFlight.set(inst, n);
      else this.#inFlight.delete(inst);
      this.#pump();
    }
  }

  async #failed(job: Stored, err: unknown): Promise<void> {
    const inst = installationOf(job.work);
    const now = this.#now();
    job.firstFailedAt ??= now;
    job.lastError = String(err instanceof Error ? err.message : err).slice(0, 500);
    if (now - job.firstFailedAt >= this.#limits.retryMs) {
      job.attempts++;
      this.#log.error({ key: job.key, attempts: job.attempts, err: job.lastError }, "work failed until the retry bound: set aside (rerun-bot queue list / retry)");
      job.failedAt = now;
      writeDurably(this.#dead, `${now}-${fileName(job.key)}`, job);
      rmSync(join(this.#dir, fileName(job.key)), { force: true });
      this.#jobs.delete(job.key);
      this.#observer?.gaveUp(job.work);
      await Promise.resolve(this.#giveUp?.(job.work, err)).catch((e) => this.#log.error({ key: job.key, err: String(e) }, "onGiveUp failed"));
      return;
    }
    // Asked to wait (a rate limit, GitHub down for a while): then, and not counted as an attempt.
    const at = retryAtOf(err)?.at ?? this.#parkedUntil.get(inst);
    if (at !== undefined && at > now) {
      job.runAt = at;
    } else {
      job.attempts++;
      job.runAt = now + backoffSeconds(job.attempts) * 1000;
      this.#log.warn({ key: job.key, attempt: job.attempts, retryInSeconds: backoffSeconds(job.attempts) }, "work failed: retrying later");
    }
    this.#persist(job);
  }

  async park(installationId: number, untilMs: number): Promise<void> {
    if (untilMs <= this.#now()) return;
    this.#parkedUntil.set(installationId, Math.max(untilMs, this.#parkedUntil.get(installationId) ?? 0));
    this.#pump();
  }

  async parked(): Promise<Map<number, number>> {
    const now = this.#now();
    return new Map([...this.#parkedUntil].filter(([, until]) => until > now));
  }

  onGiveUp(hook: (work: Work, err: unknown) => void | Promise<void>): void {
    this.#giveUp = hook;
  }

  observe(observer: QueueObserver): void {
    this.#observer = observer;
  }

  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#rescan) clearInterval(this.#rescan);
    const inFlight = Promise.allSettled([...this.#running.values()]);
    await Promise.race([inFlight, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  async depth(): Promise<number> {
    return this.#jobs.size;
  }

  async backlog(): Promise<Map<number, number>> {
    const counts = new Map<number, number>();
    for (const job of this.#jobs.values()) counts.set(installationOf(job.work), (counts.get(installationOf(job.work)) ?? 0) + 1);
    return counts;
  }

  async failed(): Promise<FailedWork[]> {
    return failedIn(this.#dead);
  }

  async retryFailed(id: string | "all"): Promise<number> {
    let n = 0;
    for (const f of await this.failed()) {
      if (id !== "all" && f.id !== id) continue;
      const job: Stored = { key: f.key, work: f.work, runAt: this.#now(), attempts: 0, rank: PRIORITY_RANK[priorityOf(f.work)], seq: this.#seq++ };
      this.#persist(job);
      rmSync(join(this.#dead, `${f.id}.json`), { force: true });
      this.#jobs.set(job.key, job);
      n++;
    }
    if (n > 0) this.#pump();
    return n;
  }
}

function failedIn(dead: string): FailedWork[] {
  let names: string[];
  try {
    names = readdirSync(dead).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const list: FailedWork[] = [];
  for (const name of names) {
    try {
      const job = JSON.parse(readFileSync(join(dead, name), "utf8")) as Stored;
      list.push({ id: name.slice(0, -".json".length), key: job.key, work: job.work, attempts: job.attempts, error: job.lastError ?? "", failedAt: job.failedAt ?? Number(name.split("-")[0]) });
    } catch {
      /* a file that is not ours */
    }
  }
  return list.sort((a, b) => b.failedAt - a.failedAt);
}

/** The jobs waiting on disk under a data directory (for tests and operators). */
export function queuedFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, "queue")).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
}
