/** Commands that fit how teams work (issue 15): handler behaviour beyond the grammar. */
import { apiRun, commentEvent } from "../helpers/events.js";
import { config, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";

setupNock();

const say = (h: Harness, body: string, over: Parameters<typeof commentEvent>[1] = {}, id = "c1", tweak: (e: ReturnType<typeof commentEvent>) => void = () => {}) => {
  const payload = commentEvent(body, over);
  tweak(payload);
  return h.probot.receive({ id, name: "issue_comment", payload } as never);
};
const reactions = (h: Harness, n = 1, commentId = 900) => {
  for (let i = 0; i < n; i++) expectCall(h, "POST", `/repos/o/r/issues/comments/${commentId}/reactions`, 201, {});
};
const permission = (h: Harness, perm: string, user = "maint") =>
  expectCall(h, "GET", `/repos/o/r/collaborators/${user}/permission`, 200, { permission: perm, role_name: perm, user: { login: user } });
const lookups = (h: Harness, list: unknown[]) => {
  expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
  expectCall(h, "GET", "/repos/o/r/actions/runs?head_sha=abc123&per_page=100", 200, { total_count: list.length, workflow_runs: list });
};
const reply = (h: Harness) => expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
const replyBody = (h: Harness, i = 0) => (h.bodies["POST /repos/o/r/issues/5/comments"][i] as { body: string }).body;
const reacted = (h: Harness) => (h.bodies["POST /repos/o/r/issues/comments/900/reactions"] ?? []).map((b) => (b as { content: string }).content);
const AUTHOR = "commands:\n  allow-author: true\n  author-budget: 2\n";
/** The PR was opened by `dev`, who has read access only. */
const byAuthor = (e: ReturnType<typeof commentEvent>) => {
  e.issue.user.login = "dev";
};

describe("/retest and edits", () => {
  test("/retest is /rerun", async () => {
    const h = await harness();
    config(h, null);
    reactions(h, 2);
    permission(h, "write");
    lookups(h, [apiRun({ conclusion: "failure" })]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    reply(h);
    await say(h, "/retest");
    expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
  });

  test("an edited comment never re-runs anything and costs no call", async () => {
    const h = await harness();
    const payload = { ...commentEvent("/rerun"), action: "edited", changes: { body: { from: "typo" } } };
    await h.probot.receive({ id: "e1", name: "issue_comment", payload } as never);
    expect(h.calls).toEqual([]);
  });
});

describe("closed and merged pull requests", () => {
  test.each([
    ["merged", "2026-11-20T00:00:00Z", "This pull request is merged"],
    ["closed", null, "This pull request is closed"],
  ])("%s: nothing is re-run and the reply says why", async (_name, mergedAt, text) => {
    const h = await harness();
    config(h, null);
    reactions(h, 2);
    reply(h);
    await say(h, "/rerun", {}, "c1", (e) => {
      e.issue.state = "closed";
      (e.issue.pull_request as { merged_at?: string | null }).merged_at = mergedAt;
    });
    expect(h.calls.some((c) => c.includes("/actions/") || c.includes("/permission"))).toBe(false);
    expect(replyBody(h)).toContain(text);
    expect(reacted(h)).toEqual(["eyes", "confused"]);
  });
});

describe("the PR author's own retries (commands.allow-author)", () => {
  test("the author, with read access, re-runs within the budget per commit; then the reply says it is used up", async () => {
    const h = await harness();
    config(h, AUTHOR);
    for (const id of [900, 901, 902]) {
      reactions(h, 2, id);
      permission(h, "read", "dev");
      lookups(h, [apiRun({ conclusion: "failure" })]);
      reply(h);
    }
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    for (const id of [900, 901, 902]) await say(h, "/rerun", { login: "dev", id }, `c${id}`, byAuthor);
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(2);
    expect(replyBody(h, 0)).toContain("Re-running:");
    expect(replyBody(h, 2)).toContain("the author's budget of 2 re-runs for this commit is used up");
  });

  test("a stranger is refused even with allow-author; the author never re-runs a pull_request_target run", async () => {
    const h = await harness();
    config(h, AUTHOR);
    reactions(h, 1);
    permission(h, "read", "stranger");
    reply(h);
    await say(h, "/rerun", { login: "stranger" }, "c1", byAuthor);
    expect(replyBody(h)).toContain("needs the write role");

    reactions(h, 2, 901);
    permission(h, "read", "dev");
    lookups(h, [apiRun({ conclusion: "failure", event: "pull_request_target" })]);
    reply(h);
    await say(h, "/rerun", { login: "dev", id: 901 }, "c2", byAuthor);
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(replyBody(h, 1)).toContain("pull\\_request\\_target run runs with this repo's secrets");
  });

  test("without allow-author the author needs the role like anyone", async () => {
    const h = await harness();
    config(h, null);
    reactions(h, 1);
    permission(h, "read", "dev");
    reply(h);
    await say(h, "/rerun", { login: "dev" }, "c1", byAuthor);
    expect(replyBody(h)).toContain("needs the write role");
  });
});

describe("other CI apps' checks (commands.rerequest-apps)", () => {
  test("failed suites of the listed apps are re-requested; others and passing ones are not", async () => {
    const h = await harness();
    config(h, "commands:\n  rerequest-apps: [circleci-checks]\n");
    reactions(h, 2);
    permission(h, "write");
    lookups(h, [apiRun({ conclusion: "failure" })]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    expectCall(h, "GET", "/repos/o/r/commits/abc123/check-suites?per_page=100", 200, {
      total_count: 3,
      check_suites: [
        { id: 1, status: "completed", conclusion: "failure", app: { slug: "circleci-checks", name: "CircleCI Checks" } },
        { id: 2, status: "completed", conclusion: "success", app: { slug: "circleci-checks", name: "CircleCI Checks" } },
        { id: 3, status: "completed", conclusion: "failure", app: { slug: "other-ci", name: "Other CI" } },
      ],
    });
    expectCall(h, "POST", "/repos/o/r/check-suites/1/rerequest", 201, {});
    reply(h);
    await say(h, "/rerun");
    expect(h.calls.filter((c) => c.includes("rerequest"))).toEqual(["POST /repos/o/r/check-suites/1/rerequest"]);
    expect(replyBody(h)).toContain("Asked other apps to check again:\n- CircleCI Checks");
    expect(reacted(h)).toEqual(["eyes", "rocket"]);
  });
});

describe("outcome at a glance", () => {
  test("nothing could be re-run: 😕, one extra write", async () => {
    const h = await harness();
    config(h, null);
    reactions(h, 2);
    permission(h, "write");
    lookups(h, [apiRun({ conclusion: "startup_failure" })]);
    reply(h);
    await say(h, "/rerun");
    expect(reacted(h)).toEqual(["eyes", "confused"]);
    expect(replyBody(h)).toContain("GitHub cannot re-run a run that failed to start");
  });

  test("nothing failed: no verdict reaction (👀 stays)", async () => {
    const h = await harness();
    config(h, null);
    reactions(h, 1);
    permission(h, "write");
    lookups(h, [apiRun({ conclusion: "success" })]);
    reply(h);
    await say(h, "/rerun");
    expect(reacted(h)).toEqual(["eyes"]);
  });
});
