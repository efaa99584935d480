import { MAX_REDELIVERIES, toRedeliver, type DeliveryFacts } from "../src/policy/recovery.js";
import { backoffSeconds } from "../src/queue/work-queue.js";

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
