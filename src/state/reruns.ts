import { keys, TTL } from "../domain/keys.js";
import type { Store } from "./store.js";

/** Which runs the bot re-ran: their later success is checked for flaky jobs, their last failure reported. */
export async function rememberRerun(store: Store, repo: string, runId: number): Promise<void> {
  await store.set(keys.reran(repo, runId), "1", TTL.remember);
}

export async function wasRerun(store: Store, repo: string, runId: number): Promise<boolean> {
  return (await store.get(keys.reran(repo, runId))) !== null;
}
