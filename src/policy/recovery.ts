/**
 * Which of the app's recent webhook deliveries to ask GitHub to send again: those that failed (the
 * bot was down, or answered an error) for events the bot acts on, within the lookback, unless the
 * same delivery (GUID) has since been delivered well. GitHub keeps deliveries for three days and
 * never retries on its own.
 */
export interface DeliveryFacts {
  id: number;
  guid: string;
  deliveredAt: string;
  redelivery: boolean;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
}

export const RECOVERED_EVENTS = ["workflow_run", "issue_comment", "check_run", "push", "pull_request"];
/** Redeliveries asked for at most per round: a bound on writes after a long outage. */
export const MAX_REDELIVERIES = 100;

const ok = (d: DeliveryFacts) => d.statusCode >= 200 && d.statusCode < 300;

export function toRedeliver(deliveries: DeliveryFacts[], since: number): DeliveryFacts[] {
  const delivered = new Set(deliveries.filter(ok).map((d) => d.guid));
  const picked = new Map<string, DeliveryFacts>();
  for (const d of deliveries) {
    if (ok(d) || delivered.has(d.guid) || picked.has(d.guid)) continue;
    if (!RECOVERED_EVENTS.includes(d.event)) continue;
    if (Date.parse(d.deliveredAt) < since) continue;
    picked.set(d.guid, d);
  }
  return [...picked.values()].slice(0, MAX_REDELIVERIES);
}

/** The actions of each event the bot acts on (null: events without an action, such as push). */
const ACTED_ON: Record<string, (string | null)[]> = {
  workflow_run: ["completed"],
  issue_comment: ["created"],
  check_run: ["requested_action", "rerequested"],
  push: [null],
  pull_request: ["opened", "synchronize", "reopened"],
};
/** Deliveries replayed at most after a loss of Redis's data. */
export const MAX_REPLAYS = 1_000;

/**
 * After Redis lost its data, the work it held is gone although GitHub was answered 2xx: every
 * delivery the bot would act on since `since`, delivered well or not, once per GUID. Doing one again
 * is safe: the handlers check the run's current attempt before a re-run.
 */
export function toReplay(deliveries: DeliveryFacts[], since: number): DeliveryFacts[] {
  const picked = new Map<string, DeliveryFacts>();
  for (const d of deliveries) {
    if (picked.has(d.guid) || !ACTED_ON[d.event]?.includes(d.action)) continue;
    if (Date.parse(d.deliveredAt) < since) continue;
    picked.set(d.guid, d);
  }
  return [...picked.values()].slice(0, MAX_REPLAYS);
}
