/**
 * Small marks that must outlive a crash of a single process (which keeps its store in memory): the
 * bot's intent to re-run a run attempt, written just before the call. After kill -9 the restarted
 * bot finds GitHub at the next attempt and this mark, and reports that re-run as its own instead of
 * as someone else's. A file per mark under DATA_DIR/marks, flushed before the call is made; marks
 * older than a day are removed on start. With Redis the shared store keeps them instead.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync, existsSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

export interface Marks {
  set(key: string): Promise<void>;
  has(key: string): Promise<boolean>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class FileMarks implements Marks {
  readonly #dir: string;
  constructor(dataDir: string, now = Date.now()) {
    this.#dir = join(dataDir, "marks");
    mkdirSync(this.#dir, { recursive: true });
    for (const name of readdirSync(this.#dir)) {
      const path = join(this.#dir, name);
      try {
        if (now - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
      } catch {
        // removed meanwhile
      }
    }
  }
  #file(key: string): string {
    return join(this.#dir, createHash("sha256").update(key).digest("hex").slice(0, 40));
  }
  async set(key: string): Promise<void> {
    const fd = openSync(this.#file(key), "w");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  async has(key: string): Promise<boolean> {
    return existsSync(this.#file(key));
  }
}

/** Marks in the store (Redis: shared and kept; memory: for tests and the Action). */
export function storeMarks(store: { get(key: string): Promise<string | null>; set(key: string, value: string, ttlSeconds: number): Promise<void> }): Marks {
  return {
    set: (key) => store.set(key, "1", DAY_MS / 1000),
    has: async (key) => (await store.get(key)) !== null,
  };
}
