/**
 * A bounded map in least-recently-used order, with an optional expiry per entry: the one cache
 * shape behind the store, the conditional-request cache and the config cache.
 */
export class Lru<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live value (and marks it recently used), or undefined when absent or expired. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** `ttlMs` omitted: kept until evicted. The oldest entries go first when the map is full. */
  set(key: string, value: V, ttlMs = Number.POSITIVE_INFINITY): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** A new value for a live entry, keeping its expiry. */
  update(key: string, value: V): void {
    const entry = this.#entries.get(key);
    if (entry) entry.value = value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  get size(): number {
    return this.#entries.size;
  }
}
