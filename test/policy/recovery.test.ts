import { MAX_REDELIVERIES, toRedeliver, toReplay, type DeliveryFacts } from "../../src/policy/recovery.js";
import { RedisMarker } from "../../src/state/redis-marker.js";
import { backoffSeconds } from "../../src/queue/work-queue.js";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const d = (over: Partial<DeliveryFacts>): DeliveryFacts => ({
  id: 1,
  guid: "g1",
  deliveredAt: new Date(NOW - 60_000).toISOString(),
  redelivery: false,
  status: "failed to connect",
  statusCode: 0,
  event: "workflow_run",
  action: "completed",
  ...over,
});
const since = NOW - 3_600_000;

describe("toRedeliver: which failed deliveries to ask for again", () => {
  test.each<[string, DeliveryFacts[], number[]]>([
    ["a failed delivery of an event the bot acts on", [d({})], [1]],
    ["an error answer (500) counts as failed", [d({ statusCode: 500, status: "Invalid HTTP Response: 500" })], [1]],
    ["a delivered one is not asked for", [d({ statusCode: 200, status: "OK" })], []],
    ["one since redelivered well is not asked for again", [d({ id: 2, statusCode: 202, redelivery: true }), d({ id: 1 })], []],
    ["two failures of one GUID: asked once", [d({ id: 2, redelivery: true }), d({ id: 1 })], [2]],
    ["older than the lookback", [d({ deliveredAt: new Date(since - 1).toISOString() })], []],
    ["an event the bot ignores", [d({ event: "star" })], []],
    ["each event the bot acts on", ["workflow_run", "issue_comment", "check_run", "push", "pull_request"].map((event, i) => d({ id: i, guid: `g${i}`, event })), [0, 1, 2, 3, 4]],
  ])("%s", (_name, list, expected) => {
    expect(toRedeliver(list, since).map((x) => x.id)).toEqual(expected);
  });

  test("bounded per round", () => {
    const many = Array.from({ length: 500 }, (_, i) => d({ id: i, guid: `g${i}` }));
    expect(toRedeliver(many, since)).toHaveLength(MAX_REDELIVERIES);
  });
});

test("queue retries back off 2 s, 4 s, 8 s ... and never wait more than five minutes", () => {
  expect([1, 2, 3, 8, 20].map(backoffSeconds)).toEqual([2, 4, 8, 256, 300]);
});

describe("toReplay: after Redis lost its data, every delivery the bot acts on since then", () => {
  test.each<[string, DeliveryFacts[], number[]]>([
    ["a delivery answered 200 is asked for again (its work was lost with Redis)", [d({ statusCode: 200, status: "OK" })], [1]],
    ["and a failed one", [d({})], [1]],
    ["one GUID once", [d({ id: 2, redelivery: true, statusCode: 200 }), d({ id: 1, statusCode: 200 })], [2]],
    ["before the lost data began", [d({ deliveredAt: new Date(since - 1).toISOString(), statusCode: 200 })], []],
    ["an action the bot does not act on", [d({ action: "requested", statusCode: 200 }), d({ id: 2, guid: "g2", event: "issue_comment", action: "edited" })], []],
    ["push has no action", [d({ event: "push", action: null, statusCode: 200 })], [1]],
  ])("%s", (_name, list, expected) => {
    expect(toReplay(list, since).map((x) => x.id)).toEqual(expected);
  });
});

describe("RedisMarker: a Redis that lost its data", () => {
  const redis = () => {
    const keys = new Map<string, string>();
    return {
      keys,
      get: async (k: string) => keys.get(k) ?? null,
      set: async (k: string, v: string) => (keys.has(k) ? null : (keys.set(k, v), "OK")),
    };
  };

  test("set once, then unchanged: no loss; gone: a loss since the first marker's time, replayed by the instance that set the new one", async () => {
    const client = redis();
    let now = NOW;
    const one = new RedisMarker(client, () => now);
    const two = new RedisMarker(client, () => now);
    expect(await one.check()).toBeNull();
    expect(await two.check()).toBeNull();
    now += 60_000;
    expect(await one.check()).toBeNull();
    client.keys.clear(); // restarted without persistence
    expect(await one.check()).toEqual({ since: NOW, replay: true });
    expect(await two.check()).toEqual({ since: NOW, replay: false });
    expect(await one.check()).toBeNull();
    expect(await two.check()).toBeNull();
  });
});
