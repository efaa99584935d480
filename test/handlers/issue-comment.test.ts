import { apiJob, apiRun, commentEvent } from "../helpers/events.js";
import { config, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";
import { daysAgo } from "../helpers/facts.js";

setupNock();

const say = (h: Harness, body: string, over: Parameters<typeof commentEvent>[1] = {}, id = "c1") =>
  h.probot.receive({ id, name: "issue_comment", payload: commentEvent(body, over) } as never);
const reaction = (h: Harness) => expectCall(h, "POST", "/repos/o/r/issues/comments/900/reactions", 201, {});
const permission = (h: Harness, perm: string, role = perm, user = "maint") =>
  expectCall(h, "GET", `/repos/o/r/collaborators/${user}/permission`, 200, { permission: perm, role_name: role, user: { login: user } });
const pull = (h: Harness) => expectCall(h, "GET", "/repos/o/r/pulls/5", 200, { number: 5, head: { sha: "abc123" } });
const runs = (h: Harness, list: unknown[]) =>
  expectCall(h, "GET", "/repos/o/r/actions/runs?head_sha=abc123&per_page=100", 200, { total_count: list.length, workflow_runs: list });
const reply = (h: Harness) => expectCall(h, "POST", "/repos/o/r/issues/5/comments", 201, {});
/** The calls every command that gets past the permission check makes, in order. */
const commandLookups = (h: Harness, list: unknown[], perm = "write") => {
  config(h, null);
  reaction(h);
  permission(h, perm);
  pull(h);
  runs(h, list);
};
const replyBody = (h: Harness) => (h.bodies["POST /repos/o/r/issues/5/comments"][0] as { body: string }).body;

describe("/rerun on pull requests", () => {
  test("/rerun: permission, PR, runs, one re-run per failed workflow, reaction, one reply", async () => {
    const h = await harness();
    config(h, null);
    reaction(h);
    permission(h, "write");
    pull(h);
    runs(h, [
      apiRun({ id: 41, workflow_id: 7, conclusion: "failure" }), // older run of the same workflow
      apiRun({ id: 42, workflow_id: 7, conclusion: "failure" }),
      apiRun({ id: 50, workflow_id: 8, name: "Lint", conclusion: "success", html_url: "https://github.com/o/r/actions/runs/50" }),
    ]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    reply(h);
    reaction(h);
    await say(h, "Flaky again.\n\n/rerun");
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      "GET /repos/o/.github/contents/.github/rerun.yml",
      "POST /repos/o/r/issues/comments/900/reactions",
      "GET /repos/o/r/collaborators/maint/permission",
      "GET /repos/o/r/pulls/5",
      "GET /repos/o/r/actions/runs?head_sha=abc123&per_page=100",
      "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
      "POST /repos/o/r/issues/5/comments",
      "POST /repos/o/r/issues/comments/900/reactions",
    ]);
    // 👀 at once; 🚀 once everything asked for was re-run.
    expect(h.bodies["POST /repos/o/r/issues/comments/900/reactions"]).toEqual([{ content: "eyes" }, { content: "rocket" }]);
    // Every run of the commit is accounted for.
    expect(replyBody(h)).toBe("Re-running:\n- the failed jobs of [CI #12](https://github.com/o/r/actions/runs/42)\nNot re-run:\n- Lint #12: passed");
  });

  test("/rerun job:<matrix name> --debug re-runs that job with debug logging", async () => {
    const h = await harness();
    commandLookups(h, [apiRun()], "admin");
    expectCall(h, "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 200, {
      total_count: 2,
      jobs: [apiJob({ id: 100, name: "test (ubuntu-latest, 20)" }), apiJob({ id: 101, name: "build", conclusion: "success" })],
    });
    expectCall(h, "POST", "/repos/o/r/actions/jobs/100/rerun", 201);
    reply(h);
    await say(h, "/rerun job:test (ubuntu-latest, 20) --debug");
    expect(h.bodies["POST /repos/o/r/actions/jobs/100/rerun"][0]).toEqual({ enable_debug_logging: true });
    expect(replyBody(h)).toContain("job `test (ubuntu-latest, 20)` of [CI #12]");
    expect(replyBody(h)).toContain("with debug logging");
  });

  test("an unknown job name gets the names that exist and no re-run", async () => {
    const h = await harness();
    commandLookups(h, [apiRun()]);
    expectCall(h, "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 200, {
      total_count: 1,
      jobs: [apiJob({ name: "unit" })],
    });
    reply(h);
    await say(h, "/rerun job:@org/team [x](https://evil.test)");
    expect(h.calls.some((c) => c.startsWith("POST") && c.includes("/rerun"))).toBe(false);
    expect(replyBody(h)).toContain('jobs: "unit"');
    expect(replyBody(h)).not.toMatch(/@org/);
    expect(replyBody(h)).not.toContain("](https://evil");
  });

  test("/rerun workflow:<file name>", async () => {
    const h = await harness();
    config(h, null);
    reaction(h);
    permission(h, "maintain", "maintain");
    pull(h);
    runs(h, [apiRun(), apiRun({ id: 60, workflow_id: 9, name: "Docs", path: ".github/workflows/docs.yml" })]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/60/rerun-failed-jobs", 201);
    reply(h);
    await say(h, "/rerun workflow:docs.yml");
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
  });

  test.each([
    ["read", "read"],
    ["read", "triage"],
    ["none", "none"],
  ])("permission %s (role %s) is refused, naming the role needed, before any run is looked at", async (perm, role) => {
    const h = await harness();
    config(h, null);
    reaction(h);
    permission(h, perm, role, "outsider");
    reply(h);
    reaction(h);
    await say(h, "/rerun", { login: "outsider" });
    expect(h.calls.some((c) => c.includes("/pulls/") || c.includes("/actions/"))).toBe(false);
    expect(replyBody(h)).toContain("needs the write role or higher");
    // The reaction tells the outcome: 👀 becomes 😕, nothing was re-run.
    expect(h.bodies["POST /repos/o/r/issues/comments/900/reactions"]).toEqual([{ content: "eyes" }, { content: "confused" }]);
  });

  test("a /rerun the bot refuses (the run is too old for GitHub) ends with 😕, not 👀 alone", async () => {
    const h = await harness();
    commandLookups(h, [apiRun({ created_at: daysAgo(40) })]);
    reply(h);
    reaction(h);
    await say(h, "/rerun");
    expect(h.calls.some((c) => c.includes("rerun-failed-jobs"))).toBe(false);
    expect(h.bodies["POST /repos/o/r/issues/comments/900/reactions"]).toEqual([{ content: "eyes" }, { content: "confused" }]);
  });

  test("a non-collaborator (404) is refused", async () => {
    const h = await harness();
    config(h, null);
    reaction(h);
    expectCall(h, "GET", "/repos/o/r/collaborators/drive-by/permission", 404, { message: "Not Found" });
    reply(h);
    reaction(h);
    await say(h, "/rerun", { login: "drive-by" });
    expect(replyBody(h)).toContain("no access (not a collaborator)");
  });

  test("commands.permission: triage lowers the bar", async () => {
    const h = await harness();
    config(h, "commands:\n  permission: triage\n");
    reaction(h);
    permission(h, "read", "triage");
    pull(h);
    runs(h, []);
    reply(h);
    await say(h, "/rerun");
    expect(replyBody(h)).toContain("no workflow run exists");
  });

  test("/rerun help answers the usage and the failed job names `job:` accepts", async () => {
    const h = await harness();
    commandLookups(h, [apiRun({ id: 42, conclusion: "failure" }), apiRun({ id: 50, workflow_id: 8, name: "Lint", conclusion: "success" })]);
    expectCall(h, "GET", "/repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100", 200, {
      total_count: 3,
      jobs: [apiJob({ name: "test (ubuntu, 20)" }), apiJob({ id: 101, name: "e2e `chrome`" }), apiJob({ id: 102, name: "build", conclusion: "success" })],
    });
    reply(h);
    await say(h, "/rerun help");
    // Only the failed run's jobs are read; nothing is re-run.
    expect(h.calls.filter((c) => c.includes("/jobs"))).toEqual(["GET /repos/o/r/actions/runs/42/jobs?filter=latest&per_page=100"]);
    expect(replyBody(h)).toContain("/rerun job:<name>");
    expect(replyBody(h)).toContain("Failed jobs that `job:` accepts: `test (ubuntu, 20)`, `` e2e `chrome` ``");
    expect(replyBody(h)).not.toContain("build");
  });

  test("unknown arguments get the usage", async () => {
    const h = await harness();
    config(h, null);
    reaction(h);
    permission(h, "write");
    reply(h);
    await say(h, "/rerun everything now");
    expect(replyBody(h)).toMatch(/is not a command I know\. Usage:/);
  });

  test.each([
    ["too old", { created_at: daysAgo(31) }, "created 31 days ago"],
    ["still in progress", { status: "in_progress", conclusion: null }, "still in progress"],
    ["at GitHub's cap", { run_attempt: 50 }, "at most 50 re-runs"],
  ])("a run %s is explained, not sent to GitHub", async (_name, over, words) => {
    const h = await harness();
    commandLookups(h, [apiRun(over)]);
    reply(h);
    await say(h, "/rerun workflow:CI");
    expect(h.calls.some((c) => c.startsWith("POST /repos/o/r/actions"))).toBe(false);
    expect(replyBody(h)).toContain(words);
  });

  test("a GitHub refusal is reported in plain words", async () => {
    const h = await harness();
    commandLookups(h, [apiRun()]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 403, { message: "This workflow is already running" });
    reply(h);
    await say(h, "/rerun");
    expect(replyBody(h)).toContain("GitHub did not re-run:");
    expect(replyBody(h)).toContain("the workflow is already running");
  });

  test("a GitHub error mid-way gets a reply, not a crash", async () => {
    const h = await harness();
    config(h, null);
    reaction(h);
    permission(h, "write");
    expectCall(h, "GET", "/repos/o/r/pulls/5", 500, { message: "Server Error" });
    reply(h);
    await say(h, "/rerun");
    expect(replyBody(h)).toContain("Could not carry out the command");
  });

  test.each([
    ["a plain comment", "LGTM", {}],
    ["a quoted command", "> /rerun", {}],
    ["a command in code", "```\n/rerun\n```", {}],
    ["a bot's comment", "/rerun", { type: "Bot" as const, login: "ci[bot]" }],
    ["an issue that is not a PR", "/rerun", { pr: false }],
  ])("%s costs zero API calls", async (_name, body, over) => {
    const h = await harness();
    await say(h, body, over);
    expect(h.calls).toEqual([]);
  });

  test("edits are not new commands", async () => {
    const h = await harness();
    const payload = { ...commentEvent("/rerun"), action: "edited" };
    await h.probot.receive({ id: "e", name: "issue_comment", payload } as never);
    expect(h.calls).toEqual([]);
  });

  test("commands.enabled: false turns commands off", async () => {
    const h = await harness();
    config(h, "commands:\n  enabled: false\n");
    await say(h, "/rerun");
    expect(h.calls).toEqual(["GET /repos/o/r/contents/.github/rerun.yml"]);
  });

  test("an invalid config is explained in the reply", async () => {
    const h = await harness();
    config(h, "commands:\n  permission: everyone\n");
    reaction(h);
    reply(h);
    await say(h, "/rerun");
    expect(replyBody(h)).toContain("commands.permission: must be one of");
  });

  test("the same comment delivered twice acts once", async () => {
    const h = await harness();
    commandLookups(h, [apiRun()]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    reply(h);
    await say(h, "/rerun");
    await say(h, "/rerun", {}, "c1-redelivered");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
    expect(h.calls.filter((c) => c.includes("/issues/5/comments"))).toHaveLength(1);
  });

  test("two commands in one comment: one reply, no duplicate re-run", async () => {
    const h = await harness();
    commandLookups(h, [apiRun()]);
    expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
    reply(h);
    await say(h, "/rerun\n/rerun workflow:CI");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
    expect(replyBody(h)).toContain("already asked for by an earlier command");
  });
});
