/**
 * The order in which one installation's writes leave this process. Probot's throttling spaces them
 * about a second apart, first come first served; in a storm that interleaves the re-runs with the
 * bot's own check runs and comments, so the last re-run lands twice as late as it needs to. Writes
 * pass this gate one at a time per installation, re-runs first, reports after, each kind in order of
 * arrival. Nothing is held longer than the writes ahead of it take.
 */
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Set while the bot works for a person (a /rerun, the button): that work's writes go before the
 * storm's re-runs and reports, so the person's answer is not queued behind them.
 */
export const personWaiting = new AsyncLocalStorage<boolean>();

// Octokit hands hooks the route template ({run_id}) or a plain path, depending on the call.
export const RERUN_WRITE = /\/actions\/(?:runs\/(?:\d+|\{run_id\})\/(?:rerun|rerun-failed-jobs)|jobs\/(?:\d+|\{job_id\})\/rerun)$/;

/** -1: any write of work a person waits for; 0: a re-run; 1: anything else that writes. */
export function writePriority(method: string, url: string): -1 | 0 | 1 {
  if (personWaiting.getStore()) return -1;
  return method === "POST" && RERUN_WRITE.test(url.split("?")[0]) ? 0 : 1;
}

export class WriteGate {
  readonly #busy = new Set<string>();
  readonly #waiting = new Map<string, { priority: number; go: () => void }[]>();

  async run<T>(key: string, priority: number, write: () => Promise<T>): Promise<T> {
    if (this.#busy.has(key)) {
      await new Promise<void>((go) => {
        const queue = this.#waiting.get(key) ?? [];
        // After every waiter of the same or a higher priority: arrival order within a kind.
        const at = queue.findIndex((w) => w.priority > priority);
        queue.splice(at === -1 ? queue.length : at, 0, { priority, go });
        this.#waiting.set(key, queue);
      });
    } else {
      this.#busy.add(key);
    }
    try {
      return await write();
    } finally {
      const next = this.#waiting.get(key)?.shift();
      if (next) next.go(); // the gate passes straight to it: still busy
      else {
        this.#busy.delete(key);
        this.#waiting.delete(key);
      }
    }
  }

  /** Writes waiting, for tests. */
  waiting(key: string): number {
    return this.#waiting.get(key)?.length ?? 0;
  }
}
