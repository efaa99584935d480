import { apiRun, buttonEvent } from "../helpers/events.js";
import { APP_ID, config, example, expectCall, harness, setupNock, type Harness } from "../helpers/probot.js";
import { daysAgo } from "../helpers/facts.js";

setupNock();

const press = (h: Harness, over: Parameters<typeof buttonEvent>[0] = {}, id = "b1") =>
  h.probot.receive({ id, name: "check_run", payload: buttonEvent(over) } as never);
const permission = (h: Harness, perm: string, user = "maint") =>
  expectCall(h, "GET", `/repos/o/r/collaborators/${user}/permission`, 200, { permission: perm, role_name: perm });
const getRun = (h: Harness, over: Record<string, unknown> = {}) => expectCall(h, "GET", "/repos/o/r/actions/runs/42", 200, apiRun(over));
const update = (h: Harness) => expectCall(h, "PATCH", "/repos/o/r/check-runs/777", 200, {});
/** A writer's press of a failed run's button: config, permission, run, re-run, check run update. */
const pressedByWriter = (h: Harness) => {
  config(h, null);
  permission(h, "write");
  getRun(h);
  expectCall(h, "POST", "/repos/o/r/actions/runs/42/rerun-failed-jobs", 201);
  update(h);
};
const updated = (h: Harness) => h.bodies["PATCH /repos/o/r/check-runs/777"][0] as { output: { title: string; summary: string }; actions: unknown[] };

describe("the Re-run failed jobs button", () => {
  test("a maintainer presses it: permission, run, re-run, the same check run updated", async () => {
    const h = await harness();
    pressedByWriter(h);
    await press(h);
    expect(h.calls).toEqual([
      "GET /repos/o/r/contents/.github/rerun.yml",
      "GET /repos/o/.github/contents/.github/rerun.yml",
      "GET /repos/o/r/collaborators/maint/permission",
      "GET /repos/o/r/actions/runs/42",
      "POST /repos/o/r/actions/runs/42/rerun-failed-jobs",
      "PATCH /repos/o/r/check-runs/777",
    ]);
    expect(updated(h).output.summary).toContain("on the button by `maint`");
  });

  test("a reader presses it: refused on the check run, no re-run", async () => {
    const h = await harness();
    config(h, null);
    permission(h, "read", "reader");
    getRun(h);
    update(h);
    await press(h, { login: "reader" });
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(updated(h).output.summary).toContain("needs the write role or higher");
  });

  test("a run too old is explained, and the button goes away", async () => {
    const h = await harness();
    config(h, null);
    permission(h, "admin");
    getRun(h, { created_at: daysAgo(40) });
    update(h);
    await press(h);
    expect(h.calls).not.toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
    expect(updated(h).output.title).toBe("Not re-run: too old");
    expect(updated(h).actions).toEqual([]);
  });

  test("rerequested (GitHub's own Re-run on the bot's check) does the same", async () => {
    const h = await harness();
    pressedByWriter(h);
    const payload = { ...buttonEvent(), action: "rerequested" };
    delete (payload as { requested_action?: unknown }).requested_action;
    await h.probot.receive({ id: "rr", name: "check_run", payload } as never);
    expect(h.calls).toContain("POST /repos/o/r/actions/runs/42/rerun-failed-jobs");
  });

  test("the same press delivered twice re-runs once", async () => {
    const h = await harness();
    pressedByWriter(h);
    await press(h, {}, "same");
    await press(h, {}, "same");
    expect(h.calls.filter((c) => c.includes("rerun-failed-jobs"))).toHaveLength(1);
  });

  test.each([
    ["another app's check run", { appId: APP_ID + 1 }],
    ["another action identifier", { identifier: "something-else" }],
    ["a check run without a run id", { externalId: "" }],
  ])("%s costs zero API calls", async (_name, over) => {
    const h = await harness();
    await press(h, over);
    expect(h.calls).toEqual([]);
  });

  test("every published check_run payload (some without app) is handled without a call or a crash", async () => {
    const h = await harness();
    const all = (await import("../helpers/probot.js")).examples.find((e) => e.name === "check_run")!.examples;
    for (const [i, payload] of all.entries()) {
      await h.probot.receive({ id: `ex${i}`, name: "check_run", payload } as never);
      const noApp = structuredClone(payload);
      delete noApp.check_run.app;
      await h.probot.receive({ id: `exn${i}`, name: "check_run", payload: noApp } as never);
    }
    expect(h.calls).toEqual([]);
    expect(example("check_run", (e) => e.action === "requested_action")).toBeDefined();
  });
});
