/**
 * Which queue a server uses, from its environment: BullMQ on Redis when REDIS_URL is set (several
 * instances share the work), a file per job under DATA_DIR otherwise, or none (`WORK_QUEUE=inline`:
 * each webhook handled inside its request, the first version's design, kept as the bench's baseline).
 */
import { FileQueue } from "./file-queue.js";
import { queueLimits, type QueueLimits, type WorkQueue } from "./work-queue.js";

export type QueueKind = "file" | "redis" | "inline";

export function queueKind(env: NodeJS.ProcessEnv): QueueKind {
  const wanted = env.WORK_QUEUE;
  if (wanted === "inline" || wanted === "file" || wanted === "redis") return wanted;
  return env.REDIS_URL ? "redis" : "file";
}

export interface QueueSettings {
  kind: QueueKind;
  /** WORK_CONCURRENCY: jobs worked on at once (1..64). */
  concurrency: number;
  /** WORK_STARTS_PER_SECOND: one installation's jobs started per second over all instances (Redis). */
  startsPerSecond: number;
  limits: QueueLimits;
}

export function queueSettings(env: NodeJS.ProcessEnv): QueueSettings {
  const concurrency = Math.min(Math.max(Number(env.WORK_CONCURRENCY ?? 8) || 8, 1), 64);
  return {
    kind: queueKind(env),
    concurrency,
    startsPerSecond: Math.min(Math.max(Number(env.WORK_STARTS_PER_SECOND ?? 2) || 2, 1), 50),
    limits: queueLimits(env, concurrency),
  };
}

export interface QueueLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The queue a server uses; `log` is the server's one logger. */
export async function createQueue(s: QueueSettings, where: { redisUrl: string | null; dataDir: string }, log: QueueLog): Promise<WorkQueue | null> {
  switch (s.kind) {
    case "inline":
      return null;
    case "redis": {
      if (!where.redisUrl) throw new Error("WORK_QUEUE=redis needs REDIS_URL");
      // Loaded only then: one instance needs none of BullMQ.
      const { BullQueue } = await import("./bullmq-queue.js");
      return new BullQueue({ url: where.redisUrl, concurrency: s.concurrency, limits: s.limits, startsPerSecond: s.startsPerSecond, log });
    }
    case "file":
      return new FileQueue({ dir: where.dataDir, concurrency: s.concurrency, limits: s.limits, log });
  }
}
