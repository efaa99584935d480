/** What the throughput and memory benches both drive: no-action webhooks, sent N at a time, and RSS read from /proc. */
import { readFileSync } from "node:fs";
import { E2E_APP_ID, type Bot } from "../test/e2e/server.js";
import { buttonEvent, commentEvent, workflowRunEvent } from "../test/helpers/events.js";

export const recent = () => new Date(Date.now() - 3_600_000).toISOString();

/** A process's resident memory (VmRSS) or its peak (VmHWM), in MiB. */
export function statusMiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Events that need no action from the bot: a passing run, a plain comment, another app's check run. */
export function noActionEvents(): [string, unknown][] {
  return [
    ["workflow_run", workflowRunEvent({ conclusion: "success", created_at: recent() })],
    ["issue_comment", commentEvent("Looks good to me, thanks!")],
    ["check_run", { ...buttonEvent({ appId: E2E_APP_ID + 1 }), action: "completed" }],
  ];
}

/** Sends `total` of `events` in rotation, `inFlight` at a time; each answer's time, and the answers that were not 200. */
export async function sendAll(target: Bot, events: [string, unknown][], total: number, inFlight: number): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        const [name, payload] = events[next++ % events.length];
        const t = performance.now();
        const status = await target.send(name, payload);
        latencies.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  return { latencies, errors };
}
