import { recordingQueue } from "../helpers/queue.js";
import { acceptWebhooks, mayNeedAction } from "../../src/intake/prefilter.js";
import type { Work, WorkQueue } from "../../src/queue/work-queue.js";
import { buttonEvent, commentEvent, workflowRunEvent } from "../helpers/events.js";
import { APP_ID, examples } from "../helpers/examples.js";

describe("mayNeedAction: decided from the payload alone", () => {
  test.each([
    ["failed run", "workflow_run", workflowRunEvent(), true],
    ["timed out run", "workflow_run", workflowRunEvent({ conclusion: "timed_out" }), true],
    ["cancelled run (a config may count it)", "workflow_run", workflowRunEvent({ conclusion: "cancelled" }), true],
    ["passing re-run (flaky check)", "workflow_run", workflowRunEvent({ conclusion: "success", run_attempt: 2 }), true],
    ["passing first attempt", "workflow_run", workflowRunEvent({ conclusion: "success" }), false],
    ["skipped run", "workflow_run", workflowRunEvent({ conclusion: "skipped" }), false],
    ["requested run", "workflow_run", { ...workflowRunEvent(), action: "requested" }, false],
    ["/rerun on a PR", "issue_comment", commentEvent("/rerun"), true],
    ["quoted /rerun (the parser decides later)", "issue_comment", commentEvent("> /rerun"), true],
    ["plain PR comment", "issue_comment", commentEvent("LGTM"), false],
    ["/rerun on an issue", "issue_comment", commentEvent("/rerun", { pr: false }), false],
    ["/retest on a PR", "issue_comment", commentEvent("/retest"), true],
    ["/rerun stats on an issue (the dashboard)", "issue_comment", commentEvent("/rerun stats", { pr: false }), true],
    ["/retest reset on an issue", "issue_comment", commentEvent("/retest reset e2e", { pr: false }), true],
    ["edited comment", "issue_comment", { ...commentEvent("/rerun"), action: "edited" }, false],
    ["our button", "check_run", buttonEvent(), true],
    ["our check rerequested", "check_run", { ...buttonEvent(), action: "rerequested" }, true],
    ["another app's button", "check_run", buttonEvent({ appId: APP_ID + 1 }), false],
    ["our check completed", "check_run", { ...buttonEvent(), action: "completed" }, false],
    ["config pushed", "push", { ref: "refs/heads/main", repository: { default_branch: "main", name: "r" }, commits: [{ modified: [".github/rerun.yml"] }] }, true],
    ["code pushed", "push", { ref: "refs/heads/main", repository: { default_branch: "main", name: "r" }, commits: [{ modified: ["a.ts"] }] }, false],
    ["an event the bot does not handle", "star", { action: "created" }, false],
  ])("%s -> %s", (_name, event, payload, expected) => {
    expect(mayNeedAction(event, payload as never, APP_ID)).toBe(expected);
  });

  test("without an app id no check run is ours", () => {
    expect(mayNeedAction("check_run", buttonEvent() as never, null)).toBe(false);
  });

  test("never throws on any published payload, nor on junk", () => {
    for (const { name, examples: list } of examples) for (const p of list) mayNeedAction(name, p, APP_ID);
    for (const junk of [null, 1, "x", [], { workflow_run: null }, { action: "created", issue: null }]) {
      expect(() => mayNeedAction("workflow_run", junk as never, APP_ID)).not.toThrow();
      expect(() => mayNeedAction("issue_comment", junk as never, APP_ID)).not.toThrow();
    }
  });
});

describe("acceptWebhooks", () => {
  function fake(signedOk: boolean, queue: WorkQueue | null = null) {
    const received: string[] = [];
    const webhooks = {
      verify: async () => signedOk,
      verifyAndReceive: async (e: { name: string }) => {
        received.push(e.name);
      },
    };
    acceptWebhooks(webhooks as never, APP_ID, { queue });
    return { webhooks, received };
  }
  const queue = () => {
    const added: [string, Work][] = [];
    const q = recordingQueue((key, work) => void added.push([key, work]));
    return { q, added };
  };
  const deliver = (w: { verifyAndReceive: (e: never) => Promise<void> }, name: string, payload: unknown) =>
    w.verifyAndReceive({ id: "1", name, payload: typeof payload === "string" ? payload : JSON.stringify(payload), signature: "sha256=x" } as never);

  test("a signed event that needs nothing never reaches Probot", async () => {
    const { webhooks, received } = fake(true);
    await deliver(webhooks, "issue_comment", commentEvent("LGTM"));
    expect(received).toEqual([]);
  });

  test("a badly signed event always goes to Probot, which refuses it", async () => {
    const { webhooks, received } = fake(false);
    await deliver(webhooks, "issue_comment", commentEvent("LGTM"));
    expect(received).toEqual(["issue_comment"]);
  });

  test("events that may need action, and unparsable bodies, go to Probot", async () => {
    const { webhooks, received } = fake(true);
    await deliver(webhooks, "issue_comment", commentEvent("/rerun"));
    await deliver(webhooks, "workflow_run", "{not json");
    expect(received).toEqual(["issue_comment", "workflow_run"]);
  });

  test("with a queue: a signed event that may need action is queued, not handled in the request", async () => {
    const { q, added } = queue();
    const { webhooks, received } = fake(true, q);
    await deliver(webhooks, "issue_comment", commentEvent("/rerun"));
    expect(received).toEqual([]);
    expect(added).toHaveLength(1);
    expect(added[0][0]).toBe("delivery:1");
    expect(added[0][1]).toMatchObject({ kind: "webhook", id: "1", name: "issue_comment", installationId: 1 });
  });

  test("with a queue whose installation backlog is full: answered 503 (GitHub keeps it as failed), not handled", async () => {
    const q = { ...recordingQueue(() => {}), add: async () => ({ status: "deferred" as const, reason: "this installation already has 2000 jobs waiting" }) };
    const { webhooks, received } = fake(true, q);
    const answer = await deliver(webhooks, "issue_comment", commentEvent("/rerun")).catch((e: AggregateError) => e);
    expect(answer).toBeInstanceOf(AggregateError);
    expect((answer as AggregateError).errors[0]).toMatchObject({ status: 503, message: "deferred: this installation already has 2000 jobs waiting" });
    expect(received).toEqual([]);
  });

  test("with a queue: a badly signed event is never queued; Probot refuses it", async () => {
    const { q, added } = queue();
    const { webhooks, received } = fake(false, q);
    await deliver(webhooks, "issue_comment", commentEvent("/rerun"));
    expect(added).toEqual([]);
    expect(received).toEqual(["issue_comment"]);
  });
});
