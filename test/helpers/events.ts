import type { CheckRunRequestedActionEvent, IssueCommentCreatedEvent, WorkflowRunCompletedEvent } from "@octokit/webhooks-types";
import { daysAgo } from "./facts.js";
import { APP_ID, example } from "./examples.js";

/** GitHub's published examples, pointed at repo o/r with an installation. */
function retarget<T extends Record<string, any>>(event: T): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  event.repository.name = "r";
  event.repository.full_name = "o/r";
  event.repository.owner.login = "o";
  event.repository.default_branch = "main";
  (event as Record<string, unknown>).installation = { id: 1, node_id: "x" };
  return event;
}

export function workflowRunEvent(run: Partial<WorkflowRunCompletedEvent["workflow_run"]> = {}): WorkflowRunCompletedEvent {
  const event = retarget(example("workflow_run", (e) => e.action === "completed" && e.workflow_run.conclusion === "success")) as WorkflowRunCompletedEvent;
  const { repository: _r, head_repository: _h, ...fields } = apiRun();
  Object.assign(event.workflow_run, fields, {
    pull_requests: [{ number: 5, id: 1, url: "", head: { ref: "feature", sha: "abc123", repo: { id: 1, name: "r", url: "" } }, base: { ref: "main", sha: "def", repo: { id: 1, name: "r", url: "" } } }],
    ...run,
  });
  event.workflow_run.repository = { ...event.workflow_run.repository, full_name: "o/r", name: "r" };
  event.workflow_run.head_repository = { ...event.workflow_run.head_repository, full_name: "o/r", name: "r", ...run.head_repository };
  return event;
}

/** An event moved to repo `fullName` of installation `installationId`. */
export function inRepo<T extends object>(original: T, fullName: string, installationId: number): T {
  const event = original as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const [owner, name] = fullName.split("/");
  event.repository = { ...event.repository, name, full_name: fullName, owner: { ...event.repository.owner, login: owner } };
  (event as Record<string, unknown>).installation = { id: installationId, node_id: "x" };
  if (event.workflow_run) {
    event.workflow_run.repository = { ...event.workflow_run.repository, full_name: fullName, name };
    event.workflow_run.head_repository = { ...event.workflow_run.head_repository, full_name: fullName, name };
  }
  if (event.issue?.pull_request) event.issue.pull_request.url = `https://api.github.com/repos/${fullName}/pulls/${event.issue.number}`;
  return original;
}

export function commentEvent(body: string, over: { login?: string; type?: "User" | "Bot"; pr?: boolean; id?: number } = {}): IssueCommentCreatedEvent {
  const event = retarget(example("issue_comment", (e) => e.action === "created")) as IssueCommentCreatedEvent;
  event.comment.body = body;
  event.comment.id = over.id ?? 900;
  event.comment.user.login = over.login ?? "maint";
  event.comment.user.type = over.type ?? "User";
  event.sender.login = over.login ?? "maint";
  event.sender.type = over.type ?? "User";
  event.issue.number = 5;
  if (over.pr !== false) {
    event.issue.pull_request = { url: "https://api.github.com/repos/o/r/pulls/5", html_url: "", diff_url: "", patch_url: "" };
  } else {
    delete (event.issue as { pull_request?: unknown }).pull_request;
  }
  return event;
}

export function buttonEvent(over: { appId?: number; login?: string; identifier?: string; externalId?: string } = {}): CheckRunRequestedActionEvent {
  const event = retarget(example("check_run", (e) => e.action === "requested_action")) as CheckRunRequestedActionEvent;
  event.check_run.id = 777;
  event.check_run.external_id = over.externalId ?? "42";
  event.check_run.app = { ...event.check_run.app, id: over.appId ?? APP_ID };
  event.requested_action = { identifier: over.identifier ?? "rerun-failed" };
  event.sender.login = over.login ?? "maint";
  event.sender.type = "User";
  return event;
}

export function apiRun(over: Record<string, unknown> = {}) {
  return {
    id: 42,
    name: "CI",
    path: ".github/workflows/ci.yml",
    workflow_id: 7,
    run_number: 12,
    run_attempt: 1,
    status: "completed",
    conclusion: "failure",
    event: "pull_request",
    head_branch: "feature",
    head_sha: "abc123",
    created_at: daysAgo(1),
    html_url: "https://github.com/o/r/actions/runs/42",
    head_repository: { full_name: "o/r" },
    repository: { full_name: "o/r" },
    pull_requests: [],
    ...over,
  };
}

export function apiJob(over: Record<string, unknown> = {}) {
  return {
    id: 100,
    run_id: 42,
    name: "test",
    status: "completed",
    conclusion: "failure",
    run_attempt: 1,
    html_url: "https://github.com/o/r/actions/runs/42/job/100",
    steps: [
      { name: "Set up job", status: "completed", conclusion: "success", number: 1 },
      { name: "Run tests", status: "completed", conclusion: "failure", number: 2 },
    ],
    ...over,
  };
}
