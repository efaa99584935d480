/**
 * The ledger on Redis, shared by every instance: a list per repo (RPUSH, trimmed to the cap, expiring
 * 90 days after its last write) and a hash of small facts. Duplicates from racing instances or
 * redeliveries are dropped when read (domain/ledger.ts).
 */
import { boundEntries, LEDGER_CAP_PER_REPO, LEDGER_DAYS, parseEntry, type LedgerEntry } from "../domain/ledger.js";
import type { Ledger } from "./ledger.js";
import type { RedisStore } from "./redis-store.js";

const TTL_SECONDS = LEDGER_DAYS * 24 * 60 * 60;
/** A set of the repos with a ledger, so listing them never scans the whole keyspace. */
const INDEX = "ledger-repos";

export class RedisLedger implements Ledger {
  readonly kept = true;
  constructor(
    private readonly redis: RedisStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Ledgers written before the index existed are found once, by a scan. */
  #indexed: Promise<void> | null = null;

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
      .sadd(INDEX, repo.toLowerCase())
      .exec();
  }

  async list(repo: string): Promise<LedgerEntry[]> {
    await this.redis.ready();
    const lines = await this.redis.client.lrange(this.#key(repo), 0, -1);
    return boundEntries(lines.flatMap((l) => parseEntry(l) ?? []), this.now());
  }

  async repos(): Promise<string[]> {
    await this.redis.ready();
    this.#indexed ??= this.#backfill().catch((err) => {
      this.#indexed = null;
      throw err;
    });
    await this.#indexed;
    const repos = (await this.redis.client.smembers(INDEX)).sort();
    // A ledger expires 90 days after its last write: its name leaves the index then too.
    const pipeline = this.redis.client.pipeline();
    for (const r of repos) pipeline.exists(this.#key(r));
    const alive = ((await pipeline.exec()) ?? []).map(([, n]) => n);
    const gone = repos.filter((_, i) => alive[i] === 0);
    if (gone.length > 0) await this.redis.client.srem(INDEX, ...gone);
    return repos.filter((_, i) => alive[i] === 1);
  }

  async #backfill(): Promise<void> {
    // SCAN is the one command ioredis does not prefix: match and strip the store's prefix by hand.
    const prefix = `${this.redis.client.options.keyPrefix ?? ""}ledger:`;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      const repos = keys.filter((k) => !k.endsWith(":meta")).map((k) => k.slice(prefix.length));
      if (repos.length > 0) await this.redis.client.sadd(INDEX, ...repos);
    } while (cursor !== "0");
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
