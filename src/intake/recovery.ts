/**
 * Recovery of missed deliveries: on start and then every few minutes, list the app's recent webhook
 * deliveries (with the app's JWT), and ask GitHub to redeliver the failed ones the bot acts on
 * (policy/recovery.ts). With several instances, one at a time: a lease in the shared store. A
 * redelivery of something already done is harmless: claims and the run's current attempt see to it.
 */
import type { Probot } from "probot";
import { keys } from "../domain/keys.js";
import { MAX_REDELIVERIES, MAX_REPLAYS, toRedeliver, toReplay, type DeliveryFacts } from "../policy/recovery.js";
import type { Deps } from "../state/deps.js";

/** Minutes between rounds; hours looked back on the first round after a start. */
export function recoverySettings(env: NodeJS.ProcessEnv): { intervalMs: number; lookbackMs: number } | null {
  const minutes = Number(env.RECOVERY_INTERVAL_MINUTES ?? 5);
  if (!Number.isFinite(minutes) || minutes <= 0) return null;
  const hours = Math.min(Math.max(Number(env.RECOVERY_LOOKBACK_HOURS ?? 6) || 6, 0.01), 72);
  return { intervalMs: Math.max(minutes, 0.05) * 60_000, lookbackMs: hours * 3_600_000 };
}

type AppOctokit = Awaited<ReturnType<Probot["auth"]>>;

/**
 * One round. Returns how many deliveries were asked for again, or null when another round (of this
 * or another instance) holds the lease. `replaySince`: Redis lost its data,
 * so every delivery the bot acts on since then is asked for again, delivered well or not.
 */
export async function recoverDeliveries(octokit: AppOctokit, deps: Deps, lookbackMs: number, replaySince?: number): Promise<number | null> {
  const now = deps.now().getTime();
  // One instance at a time; the lease outlives a round by far.
  if (!(await deps.store.claim(keys.recoveryLock(), 120, `recovery:${now}`))) return null;
  try {
    const last = Number(await deps.store.get(keys.recoverySince()));
    const since = Math.max(replaySince ?? (last > 0 ? last - 60_000 : 0), now - lookbackMs);
    const most = replaySince === undefined ? 10 * MAX_REDELIVERIES : MAX_REPLAYS;
    const deliveries: DeliveryFacts[] = [];
    // Newest first, paginated by cursor: stop at the first page older than `since`.
    for await (const page of octokit.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 })) {
      const list = (page.data as Record<string, unknown>[]).map(deliveryFacts);
      deliveries.push(...list);
      if (list.length === 0 || Date.parse(list[list.length - 1].deliveredAt) < since || deliveries.length >= most) break;
    }
    const picked = replaySince === undefined ? toRedeliver(deliveries, since) : toReplay(deliveries, since);
    let asked = 0;
    for (const d of picked) {
      try {
        await octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: d.id });
        asked++;
      } catch {
        // GitHub refuses a redelivery past its retention; the next round does not ask again.
      }
    }
    await deps.store.set(keys.recoverySince(), String(now), 7 * 24 * 3600);
    return asked;
  } finally {
    await deps.store.release(keys.recoveryLock());
  }
}

function deliveryFacts(d: Record<string, unknown>): DeliveryFacts {
  return {
    id: Number(d.id),
    guid: String(d.guid ?? ""),
    deliveredAt: String(d.delivered_at ?? ""),
    redelivery: d.redelivery === true,
    status: String(d.status ?? ""),
    statusCode: typeof d.status_code === "number" ? d.status_code : 0,
    event: String(d.event ?? ""),
    action: typeof d.action === "string" ? d.action : null,
  };
}
