/**
 * The ledger on Redis, shared by every instance: a list per repo (RPUSH, trimmed to the cap, expiring
 * 90 days after its last write) and a hash of small facts. Duplicates from racing instances or
 * redeliveries are dropped when read (domain/ledger.ts).
 */
import { boundEntries, LEDGER_CAP_PER_REPO, LEDGER_DAYS, parseEntry, type LedgerEntry } from "../domain/ledger.js";
import type { Ledger } from "./ledger.js";
import type { RedisStore } from "./redis-store.js";

const TTL_SECONDS = LEDGER_DAYS * 24 * 60 * 60;

export class RedisLedger implements Ledger {
  readonly kept = true;
  constructor(
    private readonly redis: RedisStore,
    private readonly now: () => number = Date.now,
  ) {}

  #key(repo: string): string {
    return `ledger:${repo.toLowerCase()}`;
  }

  async add(repo: string, entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.ready();
    const key = this.#key(repo);
    await this.redis.client
      .multi()
      .rpush(key, ...entries.map((e) => JSON.stringify(e)))
      .ltrim(key, -LEDGER_CAP_PER_REPO, -1)
      .expire(key, TTL_SECONDS)
      .exec();
  }

  async list(repo: string): Promise<LedgerEntry[]> {
    await this.redis.ready();
    const lines = await this.redis.client.lrange(this.#key(repo), 0, -1);
    return boundEntries(lines.flatMap((l) => parseEntry(l) ?? []), this.now());
  }

  async getMeta(repo: string, key: string): Promise<string | null> {
    await this.redis.ready();
    return this.redis.client.hget(`${this.#key(repo)}:meta`, key);
  }

  async setMeta(repo: string, key: string, value: string): Promise<void> {
    await this.redis.ready();
    await this.redis.client.hset(`${this.#key(repo)}:meta`, key, value);
  }
}
