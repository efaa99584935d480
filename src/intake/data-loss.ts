/**
 * A Redis that lost its data (README, "A Redis that loses its data"): its marker is read every
 * second; when it is gone, Probot's throttling limiters and the queue's workers are rebuilt, and the
 * instance that set the new marker asks GitHub to redeliver every delivery it acts on since the lost
 * data began (intake/recovery.ts), waiting for a round of the periodic recovery that holds the lease.
 */
import type { RedisMarker } from "../state/redis-marker.js";

export interface DataLossWatch {
  marker: RedisMarker;
  /** Waits (boundedly) for the Redis connection. */
  ready: () => Promise<void>;
  /** Rebuilds what lives in Redis; returns how many throttling limiters were rebuilt. */
  rebuild: () => Promise<number | undefined>;
  /** Asks for the deliveries since `since` again; null while another round holds the lease. Absent: recovery is off. */
  replay?: (since: number) => Promise<number | null>;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  onReplayed?: (asked: number) => void;
}

const LEASE_WAIT_MS = 2_000;
/** A recovery round's lease lasts two minutes at most. */
const LEASE_TRIES = 70;

/** Checks at once (before the first webhook is taken), then every `everyMs`. */
export async function watchForDataLoss(w: DataLossWatch, everyMs = 1_000): Promise<void> {
  const check = async () => {
    const lost = await w
      .ready()
      .then(() => w.marker.check())
      .catch(() => null);
    if (!lost) return;
    const limiters = await w.rebuild();
    w.log.error({ since: new Date(lost.since).toISOString(), limiters }, "Redis lost its data: throttling and queue workers rebuilt; replaying deliveries since then");
    if (!lost.replay || !w.replay) return;
    for (let tries = 0; tries < LEASE_TRIES; tries++) {
      const asked = await w.replay(lost.since).catch((err) => {
        w.log.error({ err: err instanceof Error ? err.message : String(err) }, "could not replay deliveries after Redis lost its data");
        return 0;
      });
      if (asked === null) {
        await new Promise((r) => setTimeout(r, LEASE_WAIT_MS));
        continue;
      }
      w.log.warn({ asked }, "asked GitHub to redeliver what Redis lost");
      w.onReplayed?.(asked);
      return;
    }
  };
  await check();
  setInterval(() => void check(), everyMs).unref();
}
