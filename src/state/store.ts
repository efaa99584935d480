/**
 * Small shared state: dedupe claims and remembered ids. One interface so that a Redis-backed
 * store can serve several instances; the in-memory one serves a single process.
 */
export interface Store {
  /** Atomically claims `key` for `ttlSeconds`; false when someone holds it already. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  release(key: string): Promise<void>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** A bounded map with per-entry expiry; the oldest entries go first when it is full. */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, { value: string; expires: number }>();

  constructor(
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  #live(key: string) {
    const entry = this.#entries.get(key);
    if (entry && entry.expires <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #put(key: string, value: string, ttlSeconds: number) {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.now() + ttlSeconds * 1000 });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#put(key, "1", ttlSeconds);
    return true;
  }

  async release(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async get(key: string): Promise<string | null> {
    return this.#live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#put(key, value, ttlSeconds);
  }

  get size(): number {
    return this.#entries.size;
  }
}
