/**
 * `rerun-bot queue list` and `rerun-bot queue retry <id|all>`: work given up after the retry bound,
 * for the operator. The same for both engines (REDIS_URL: BullMQ; else the files under DATA_DIR).
 */
import { installationOf, type FailedWork, type WorkQueue } from "./work-queue.js";

export const QUEUE_USAGE = "usage: rerun-bot queue list | rerun-bot queue retry <id|all>";

function describe(f: FailedWork): string {
  const w = f.work;
  const what =
    w.kind === "rerun" ? `re-run ${w.owner}/${w.repo} run ${w.runId}` : w.kind === "report" ? `report ${w.owner}/${w.repo} run ${w.runId}` : `webhook ${w.name} ${w.id}`;
  return `${f.id}\t${new Date(f.failedAt).toISOString()}\tinstallation ${installationOf(w)}\t${what}\t${f.attempts} attempts\t${f.error.replace(/\s+/g, " ").slice(0, 200)}`;
}

export async function queueCommand(args: string[], queue: WorkQueue, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const [verb, id] = args;
  if (verb === "list" && !id) {
    const list = await queue.failed();
    for (const f of list) out(describe(f));
    out(`${list.length} given up${list.length > 0 ? " (rerun-bot queue retry <id|all> puts them back)" : ""}`);
    return 0;
  }
  if (verb === "retry" && id) {
    const n = await queue.retryFailed(id);
    if (n === 0 && id !== "all") {
      err(`no given-up work with id ${id} (see rerun-bot queue list)`);
      return 1;
    }
    out(`put back ${n} on the queue`);
    return 0;
  }
  err(QUEUE_USAGE);
  return 1;
}
