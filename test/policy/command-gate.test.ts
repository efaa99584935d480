/** Who may ask (policy/command-gate.ts): a table, each case run twice. */
import { gateCommands, mayResetBreaker } from "../../src/policy/command-gate.js";

const config = { permission: "write" as const, "allow-author": true, "author-budget": 2 };
const write = { permission: "write", roleName: "write" };
const read = { permission: "read", roleName: "read" };

test.each([
  ["a writer on an open PR", { permission: write }, { kind: "proceed", asker: { kind: "role" } }],
  ["a reader who is not the author", { permission: read }, { kind: "no-permission" }],
  ["a non-collaborator", { permission: null }, { kind: "no-permission" }],
  ["the author without the role, allowance on", { permission: read, commenterIsAuthor: true }, { kind: "proceed", asker: { kind: "author", budget: 2 } }],
  ["the author without the role, allowance off", { permission: read, commenterIsAuthor: true, config: { ...config, "allow-author": false } }, { kind: "no-permission" }],
  ["a closed PR, re-runs asked", { permission: write, pullState: "closed" }, { kind: "closed", merged: false }],
  ["a merged PR, re-runs asked", { permission: write, pullState: "closed", merged: true }, { kind: "closed", merged: true }],
  ["a closed PR, only /rerun stats", { permission: write, pullState: "closed", asksForRuns: false }, { kind: "proceed", asker: { kind: "role" } }],
])("%s", (_name, over, want) => {
  const facts = { config, asksForRuns: true, pullState: "open", merged: false, commenterIsAuthor: false, ...over };
  expect(gateCommands(facts as never)).toEqual(want);
  expect(gateCommands(facts as never)).toEqual(want);
});

test("only someone with the role resets the breaker", () => {
  expect(mayResetBreaker({ kind: "role" })).toBe(true);
  expect(mayResetBreaker({ kind: "author", budget: 2 })).toBe(false);
});
