/**
 * The one claim lifecycle every handler follows. A claim marks a decision as taken (a run attempt,
 * a comment, a button press), so that redeliveries and racing deliveries act once:
 *
 * 1. Claim before any work, as a short lease (TTL.lease) owned by the delivery. A claim held by
 *    another delivery, or marked done, means someone did or is doing it: skip. The same delivery
 *    retried (its worker died, the queue tried again) gets its own lease back.
 * 2. `accepted()` as soon as GitHub accepted a re-run: the claim is marked done for a day at once, so
 *    a failed report, a crash or a redelivery never leads to a second re-run.
 * 3. Failing before that (GitHub down, a transient answer to the re-run call: `retryable()`), the
 *    claim is released, so a retry, a redelivery or a second press can try again.
 * 4. Work that ends with a deliberate answer (a refusal, a report written) marks the claim done.
 *
 * A holder killed between claim and done leaves a lease that expires in minutes; before a re-run the
 * handler asks GitHub for the run's current attempt, so a retry after a re-run that did happen skips.
 */
import { TTL } from "../domain/keys.js";
import type { Store } from "./store.js";

export interface Claim {
  /** GitHub accepted a re-run: keep the claim whatever fails after. */
  accepted(): Promise<void>;
  /** The work failed in a way a retry can fix, and nothing was re-run: give the claim back. */
  retryable(): Promise<void>;
}

const DONE = "done";

/**
 * Runs `work` under the claim `key` for `owner` (the delivery id); returns false, without running
 * it, when the claim is held by someone else or done.
 */
export async function withClaim(store: Store, key: string, owner: string, work: (claim: Claim) => Promise<void>): Promise<boolean> {
  if (!(await store.claim(key, TTL.lease, `lease:${owner}`))) return false;
  let settled = false;
  const done = async () => {
    if (settled) return;
    settled = true;
    await store.set(key, DONE, TTL.claim);
  };
  const claim: Claim = {
    accepted: done,
    retryable: async () => {
      if (settled) return;
      settled = true;
      await store.release(key);
    },
  };
  try {
    await work(claim);
  } catch (err) {
    await claim.retryable().catch(() => {}); // the error that matters is `err`
    throw err;
  }
  await done();
  return true;
}
