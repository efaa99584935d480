/**
 * Noticing a Redis that lost its data (a restart without persistence, a failover to an empty
 * replica): a marker key, set once with the time its data began, read every second. Gone, or
 * replaced by another instance's, means everything kept in Redis since that time may be lost: the
 * queued work, the claims, the throttling's settings. The instance that sets the new marker is the
 * one that replays (`replay: true`); every instance rebuilds its own state.
 */
import { randomUUID } from "node:crypto";

export const MARKER_KEY = "data-epoch";

interface MarkerClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, nx: "NX"): Promise<unknown>;
}

export interface DataLoss {
  /** When the lost data began (ms): what was accepted since may need to be done again. */
  since: number;
  /** Whether this instance set the new marker (one instance replays). */
  replay: boolean;
}

export class RedisMarker {
  readonly #client: MarkerClient;
  readonly #now: () => number;
  #seen: string | null = null;

  constructor(client: MarkerClient, now: () => number = Date.now) {
    this.#client = client;
    this.#now = now;
  }

  /** Reads the marker (setting it when absent); a loss when the one seen before is gone. */
  async check(): Promise<DataLoss | null> {
    let value = await this.#client.get(MARKER_KEY);
    let mine = false;
    if (value === null) {
      const fresh = `${this.#now()}:${randomUUID()}`;
      mine = (await this.#client.set(MARKER_KEY, fresh, "NX")) === "OK";
      value = mine ? fresh : await this.#client.get(MARKER_KEY);
    }
    const before = this.#seen;
    this.#seen = value;
    if (before === null || value === before) return null;
    return { since: Number(before.split(":")[0]), replay: mine };
  }
}
