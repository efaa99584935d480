import type { AddOptions, Work, WorkQueue } from "../../src/queue/work-queue.js";

/** A queue that keeps what is added in memory and does nothing else, for unit tests. */
export function recordingQueue(onAdd: (key: string, work: Work, options: AddOptions) => void, start: (handler: (work: Work) => Promise<void>) => void = () => {}): WorkQueue {
  let n = 0;
  return {
    add: async (key, work, options = {}) => {
      onAdd(key, work, options);
      n++;
      return { status: "accepted" };
    },
    start,
    stop: async () => {},
    depth: async () => n,
    backlog: async () => new Map(),
    park: async () => {},
    parked: async () => new Map(),
    onGiveUp: () => {},
    observe: () => {},
    failed: async () => [],
    retryFailed: async () => 0,
  };
}
