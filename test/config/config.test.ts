import { readFileSync } from "node:fs";
import { configSchema } from "../../src/config/schema.js";
import { defaultConfig, validateConfig } from "../../src/config/validate.js";
import { pushTouchesConfig } from "../../src/config/load.js";

describe("config validation", () => {
  test("defaults: automatic re-runs off, commands on for write", () => {
    const c = defaultConfig();
    expect(c.auto).toMatchObject({
      enabled: false,
      "max-attempts": 3,
      conclusions: ["failure", "timed_out"],
      "max-failed-jobs": 0,
      "log-patterns": [],
      notify: "check-run",
    });
    expect(c.commands).toEqual({ enabled: true, "dry-run": false, permission: "write", "allow-author": false, "author-budget": 3, "rerequest-apps": [] });
    expect(c.auto.events).toEqual([]);
    expect(c.auto.rules).toBeUndefined();
    expect(c.auto["dry-run"]).toBe(false);
  });

  test("an empty file and a null document are the defaults", () => {
    expect(validateConfig(null)).toEqual({ ok: true, config: defaultConfig() });
    expect(validateConfig({})).toEqual({ ok: true, config: defaultConfig() });
  });

  test("partial config keeps the other defaults", () => {
    const v = validateConfig({ auto: { enabled: true, jobs: ["test*"] } });
    expect(v.ok && v.config.auto).toMatchObject({ enabled: true, jobs: ["test*"], "max-attempts": 3 });
  });

  test("does not mutate its input", () => {
    const raw = { auto: { enabled: true } };
    validateConfig(raw);
    expect(raw).toEqual({ auto: { enabled: true } });
  });

  test.each([
    [{ auto: { "max-attempts": 1 } }, "auto.max-attempts: must be >= 2"],
    [{ auto: { "max-attempts": 51 } }, "auto.max-attempts: must be <= 50"],
    [{ auto: { "max-attempts": "3" } }, "auto.max-attempts: must be integer"],
    [{ auto: { enabled: "yes" } }, "auto.enabled: must be boolean"],
    [{ auto: { jobs: "test" } }, "auto.jobs: must be array"],
    [{ auto: { jobs: [""] } }, "auto.jobs[0]: must NOT have fewer than 1 characters"],
    [{ auto: { conclusions: ["success"] } }, "auto.conclusions[0]: must be one of: failure, timed_out, cancelled"],
    [{ auto: { maxAttempts: 3 } }, "auto.maxAttempts: unknown key"],
    [{ autos: {} }, "autos: unknown key"],
    [{ commands: { permission: "owner" } }, "commands.permission: must be one of: read, triage, write, maintain, admin"],
    [{ auto: { "log-patterns": ["(a)\\1"] } }, "auto.log-patterns[0]: not a valid RE2 pattern"],
    [{ auto: { jobs: Array(51).fill("x") } }, "auto.jobs: must NOT have more than 50 items"],
    [{ auto: { "log-patterns": ["x".repeat(501)] } }, "auto.log-patterns[0]: must NOT have more than 500 characters"],
    [["a list"], "(top level): must be a mapping"],
  ])("%j is rejected naming the key", (raw, message) => {
    const v = validateConfig(raw);
    expect(v.ok).toBe(false);
    expect(!v.ok && v.errors.join("\n")).toContain(message);
  });

  test("every error is reported, not just the first", () => {
    const v = validateConfig({ auto: { enabled: 1, "max-attempts": 99 }, commands: { nope: true } });
    expect(!v.ok && v.errors).toHaveLength(3);
  });

  test("the shipped schema file is the schema the bot validates with", () => {
    const shipped = JSON.parse(readFileSync(new URL("../../schema/rerun.schema.json", import.meta.url), "utf8"));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configSchema)));
  });
});

describe("pushTouchesConfig", () => {
  const repository = { default_branch: "main", name: "r" };
  test.each([
    ["config modified on the default branch", { ref: "refs/heads/main", repository, commits: [{ modified: [".github/rerun.yml"] }] }, true],
    ["config added", { ref: "refs/heads/main", repository, commits: [{ added: [".github/rerun.yml"] }] }, true],
    ["config removed", { ref: "refs/heads/main", repository, commits: [{ removed: [".github/rerun.yml"] }] }, true],
    ["other files", { ref: "refs/heads/main", repository, commits: [{ modified: ["src/a.ts"] }] }, false],
    ["other branch", { ref: "refs/heads/dev", repository, commits: [{ modified: [".github/rerun.yml"] }] }, false],
    ["no file lists (too many commits)", { ref: "refs/heads/main", repository, commits: [] }, true],
    ["org .github repo yml", { ref: "refs/heads/main", repository: { default_branch: "main", name: ".github" }, commits: [{ modified: ["rerun.yml"] }] }, true],
  ])("%s", (_name, payload, expected) => {
    expect(pushTouchesConfig(payload)).toBe(expected);
  });
});
