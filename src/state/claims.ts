/**
 * The one claim lifecycle every handler follows. A claim marks a decision as taken (a run attempt,
 * a comment, a button press), so that redeliveries and racing deliveries act once:
 *
 * 1. claim before any work; a held claim means someone did or is doing it: skip.
 * 2. `accepted()` as soon as GitHub accepted a re-run: from then on the claim is kept whatever
 *    happens (a failed report must never lead to a second re-run on redelivery).
 * 3. Failing before that (GitHub down, a transient answer to the re-run call: `retryable()`),
 *    the claim is released, so a redelivery or a second press can try again.
 * 4. A deliberate answer (a refusal, a report written) keeps the claim.
 */
import type { Store } from "./store.js";

export interface Claim {
  /** GitHub accepted a re-run: keep the claim whatever fails after. */
  accepted(): void;
  /** The work failed in a way a retry can fix, and nothing was re-run: give the claim back. */
  retryable(): Promise<void>;
}

/** Runs `work` under the claim `key`; returns false, without running it, when the claim is held. */
export async function withClaim(store: Store, key: string, ttlSeconds: number, work: (claim: Claim) => Promise<void>): Promise<boolean> {
  if (!(await store.claim(key, ttlSeconds))) return false;
  let accepted = false;
  let released = false;
  const claim: Claim = {
    accepted: () => {
      accepted = true;
    },
    retryable: async () => {
      if (accepted || released) return;
      released = true;
      await store.release(key);
    },
  };
  try {
    await work(claim);
  } catch (err) {
    await claim.retryable().catch(() => {}); // the error that matters is `err`
    throw err;
  }
  return true;
}
