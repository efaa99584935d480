/**
 * Which queue a server uses, from its environment: BullMQ on Redis when REDIS_URL is set (several
 * instances share the work), a file per job under DATA_DIR otherwise, or none (`WORK_QUEUE=inline`:
 * each webhook handled inside its request, the first version's design, kept as the bench's baseline).
 */
import { FileQueue } from "./file-queue.js";
import { queueLimits, type WorkQueue } from "./work-queue.js";

export type QueueKind = "file" | "redis" | "inline";

export function queueKind(env: NodeJS.ProcessEnv): QueueKind {
  const wanted = env.WORK_QUEUE;
  if (wanted === "inline" || wanted === "file" || wanted === "redis") return wanted;
  return env.REDIS_URL ? "redis" : "file";
}

const log = {
  warn: (obj: object, msg: string) => console.warn(JSON.stringify({ level: "warn", msg, ...obj })),
  error: (obj: object, msg: string) => console.error(JSON.stringify({ level: "error", msg, ...obj })),
};

export async function createQueue(env: NodeJS.ProcessEnv): Promise<WorkQueue | null> {
  const concurrency = Math.min(Math.max(Number(env.WORK_CONCURRENCY ?? 8) || 8, 1), 64);
  switch (queueKind(env)) {
    case "inline":
      return null;
    case "redis": {
      if (!env.REDIS_URL) throw new Error("WORK_QUEUE=redis needs REDIS_URL");
      // Loaded only then: one instance needs none of BullMQ.
      const { BullQueue } = await import("./bullmq-queue.js");
      const starts = Math.min(Math.max(Number(env.WORK_STARTS_PER_SECOND ?? 2) || 2, 1), 50);
      return new BullQueue({ url: env.REDIS_URL, concurrency, limits: queueLimits(env, concurrency), startsPerSecond: starts, log });
    }
    case "file":
      return new FileQueue({ dir: env.DATA_DIR || "data", concurrency, limits: queueLimits(env, concurrency), log });
  }
}
