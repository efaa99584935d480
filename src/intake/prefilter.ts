/**
 * Which webhooks may need the bot, decided from the payload alone. Probot builds an authenticated
 * Octokit and a Context for every event that has a handler, before the handler can look at it;
 * for the many events the bot ignores (passing runs, plain comments) that was most of their cost.
 * The handlers keep their own checks: this is a superset of what they act on, never a narrower rule.
 */
import type { Webhooks } from "@octokit/webhooks";
import { pushChangesConfigFile, pushTouchesConfig } from "../config/load.js";
import { isFailedRun } from "../domain/conclusions.js";
import { installationOf, type WorkQueue } from "../queue/work-queue.js";

type Payload = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function mayNeedAction(name: string, payload: Payload, appId: number | null): boolean {
  if (typeof payload !== "object" || payload === null) return false;
  switch (name) {
    case "workflow_run": {
      const run = payload.workflow_run;
      if (payload.action !== "completed" || !run) return false;
      return isFailedRun(run) || (run.conclusion === "success" && Number(run.run_attempt) > 1);
    }
    case "issue_comment":
      return (
        payload.action === "created" &&
        typeof payload.issue === "object" &&
        payload.issue !== null &&
        typeof payload.comment?.body === "string" &&
        // On a pull request any command; on an issue (the dashboard) the ledger's commands only.
        (payload.issue.pull_request ? /\/(rerun|retest)/i : /\/(rerun|retest)[ \t]+(stats|reset)/i).test(payload.comment.body)
      );
    case "check_run":
      return (
        (payload.action === "requested_action" || payload.action === "rerequested") &&
        appId !== null &&
        payload.check_run?.app?.id === appId
      );
    case "push":
      return pushTouchesConfig(payload) || pushChangesConfigFile(payload);
    case "pull_request":
      // Only forks: a same-repo branch's pushes come as `push` events.
      return (
        ["opened", "synchronize", "reopened"].includes(payload.action) &&
        typeof payload.pull_request?.head?.repo?.full_name === "string" &&
        payload.pull_request.head.repo.full_name !== payload.repository?.full_name
      );
    default:
      return false;
  }
}

/** @octokit/webhooks reads the answer's status from an AggregateError's first error. */
const answered503 = (why: string) => new AggregateError([Object.assign(new Error(why), { status: 503 })], why);

type Receivable = Pick<Webhooks, "verify" | "verifyAndReceive">;

/**
 * How a signed webhook is taken in. Anything unsigned, wrongly signed or unparsable goes the usual
 * way and gets Probot's own answer (400). A correctly signed webhook that needs no action is answered
 * without handing it to Probot. With a queue, one that may need action is put on the queue (durably)
 * and answered at once: accept, then work. Without one it is handled in the request, as before.
 */
export function acceptWebhooks(
  webhooks: Receivable,
  appId: number | null,
  options: { onSkip?: (event: string) => void; queue?: WorkQueue | null } = {},
): void {
  const receive = webhooks.verifyAndReceive.bind(webhooks);
  webhooks.verifyAndReceive = async (event) => {
    let payload: unknown;
    try {
      payload = typeof event.payload === "string" ? JSON.parse(event.payload) : event.payload;
    } catch {
      return receive(event);
    }
    if (typeof event.payload !== "string") return receive(event);
    const needed = mayNeedAction(event.name, payload as Payload, appId);
    if (!needed || options.queue) {
      const signed = await webhooks.verify(event.payload, event.signature).catch(() => false);
      if (!signed) return receive(event);
      if (!needed) return options.onSkip?.(event.name);
      // A redelivery of a delivery still waiting is the same job.
      let result;
      try {
        const work = { kind: "webhook", id: event.id, name: event.name, payload } as const;
        result = await options.queue!.add(`delivery:${event.id}`, { ...work, installationId: installationOf(work) });
      } catch (err) {
        // Not accepted (Redis down, disk full): 503, so GitHub lists the delivery as failed, for
        // redelivery.
        throw answered503(`the work queue is unavailable: ${err instanceof Error ? err.message : String(err)}`);
      }
      // The installation's backlog is full: failed for GitHub too, so the recovery sweep brings it back.
      if (result.status !== "accepted") throw answered503(`deferred: ${result.reason ?? "the work queue is full"}`);
      return;
    }
    return receive(event);
  };
}
