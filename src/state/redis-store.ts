/**
 * The shared store for several instances (REDIS_URL): claims are SET NX EX, so two instances that
 * receive the same event race on one atomic command and exactly one wins.
 *
 * Redis down: commands fail fast (no offline queue) and the error propagates. A claim that cannot
 * be made is never taken as granted, so the bot does not re-run: the delivery fails (HTTP 500), is
 * listed as failed in the app's settings, and can be redelivered once Redis is back. Events that
 * need no action never touch Redis and keep being answered.
 */
import { Redis } from "ioredis";
import type { Store } from "./store.js";

export const KEY_PREFIX = "rerun-bot:";

/** How long a command waits for a (re)connection before failing. */
const READY_WAIT_MS = 2_000;

export class RedisStore implements Store {
  readonly client: Redis;
  #waiting: Promise<void> | null = null;

  constructor(url: string, onError: (err: Error) => void = () => {}) {
    this.client = new Redis(url, {
      keyPrefix: KEY_PREFIX,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // ioredis reports connection errors as events; without a listener they would be printed raw.
    this.client.on("error", onError);
  }

  /**
   * Without an offline queue a command sent while (re)connecting fails at once; wait a bounded
   * time for the connection instead, all waiting commands on one promise.
   */
  ready(): Promise<void> {
    if (this.client.status === "ready") return Promise.resolve();
    this.#waiting ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off("ready", done);
        this.#waiting = null;
        resolve();
      };
      const timer = setTimeout(done, READY_WAIT_MS);
      timer.unref();
      this.client.on("ready", done);
    });
    return this.#waiting;
  }

  async claim(key: string, ttlSeconds: number, owner = "1"): Promise<boolean> {
    await this.ready();
    if ((await this.client.set(key, owner, "EX", ttlSeconds, "NX")) === "OK") return true;
    // Re-entrant for the same owner (the same delivery, retried after its holder died).
    return owner !== "1" && (await this.client.get(key)) === owner;
  }

  async release(key: string): Promise<void> {
    await this.ready();
    await this.client.del(key);
  }

  async get(key: string): Promise<string | null> {
    await this.ready();
    return this.client.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.ready();
    await this.client.set(key, value, "EX", ttlSeconds);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    await this.ready();
    const n = await this.client.incr(key);
    if (n === 1) await this.client.expire(key, ttlSeconds);
    return n;
  }

  async ping(): Promise<boolean> {
    try {
      await this.ready();
      return (await this.client.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
