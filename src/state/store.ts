/**
 * Small shared state: dedupe claims and remembered ids. One interface so that a Redis-backed
 * store can serve several instances; the in-memory one serves a single process.
 */
import { Lru } from "../util/lru.js";

export interface Store {
  /**
   * Atomically claims `key` for `ttlSeconds` as `owner`; false when someone else holds it. The same
   * owner claiming again gets it (a retry of the same delivery after its holder died).
   */
  claim(key: string, ttlSeconds: number, owner?: string): Promise<boolean>;
  release(key: string): Promise<void>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Adds one to a counter that lives `ttlSeconds` from its first count; returns the new count. */
  incr(key: string, ttlSeconds: number): Promise<number>;
}

/** A bounded map with per-entry expiry; the oldest entries go first when it is full. */
export class MemoryStore implements Store {
  readonly #entries: Lru<string>;

  constructor(maxEntries = 50_000, now: () => number = Date.now) {
    this.#entries = new Lru(maxEntries, now);
  }

  async claim(key: string, ttlSeconds: number, owner = "1"): Promise<boolean> {
    const held = this.#entries.get(key);
    if (held !== undefined) return held === owner && owner !== "1";
    this.#entries.set(key, owner, ttlSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async get(key: string): Promise<string | null> {
    return this.#entries.get(key) ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#entries.set(key, value, ttlSeconds * 1000);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const n = Number(this.#entries.get(key) ?? 0) + 1;
    if (n === 1) this.#entries.set(key, "1", ttlSeconds * 1000);
    else this.#entries.update(key, String(n));
    return n;
  }

  get size(): number {
    return this.#entries.size;
  }
}
