/** What follows a decision about a run the bot re-ran (policy/notify.ts): tables, each case twice. */
import { afterCatch, afterRefusal } from "../../src/policy/notify.js";

describe("after a decision about a run the bot re-ran (policy/notify.ts)", () => {
  test.each([
    ["max-attempts", true, "pr-comment", { recordRed: true, comment: true }],
    ["max-attempts", true, "check-run", { recordRed: true, comment: false }],
    ["real-failure", true, "pr-comment", { recordRed: true, comment: false }],
    ["max-attempts", false, "pr-comment", { recordRed: false, comment: false }], // not re-run by the bot
    ["budget", true, "pr-comment", { recordRed: false, comment: false }],
  ] as const)("%s, re-ran by the bot %s, notify %s", (reason, reran, notify, want) => {
    expect(afterRefusal(reason, reran, notify)).toEqual(want);
    expect(afterRefusal(reason, reran, notify)).toEqual(want);
  });
  test("a catch is told on the pull request only with flaky jobs and pr-comment", () => {
    expect(afterCatch(2, "pr-comment")).toEqual({ comment: true });
    expect(afterCatch(0, "pr-comment")).toEqual({ comment: false });
    expect(afterCatch(2, "check-run")).toEqual({ comment: false });
    expect(afterCatch(2, null)).toEqual({ comment: false });
  });
});
