import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfigText } from "../../src/config/check.js";

describe("checkConfigText: the bot's rules, with lines", () => {
  test("a valid file has no problems", () => {
    expect(checkConfigText("auto:\n  enabled: true\n  jobs: ['test*']\ncommands:\n  permission: maintain\n")).toEqual([]);
    expect(checkConfigText("")).toEqual([]);
  });

  test("each problem names its line and key", () => {
    const text = ["auto:", "  enabled: yes please", "  max-attempts: 99", "  jobz: []", "commands:", "  permission: everyone", "  log-patterns: ['(a)\\\\1']"].join("\n");
    expect(checkConfigText(text)).toEqual([
      { line: 2, key: "auto.enabled", message: "must be boolean" },
      { line: 3, key: "auto.max-attempts", message: "must be <= 50" },
      { line: 4, key: "auto.jobz", message: "unknown key" },
      { line: 6, key: "commands.permission", message: "must be one of: read, triage, write, maintain, admin" },
      { line: 7, key: "commands.log-patterns", message: "unknown key" },
    ]);
  });

  test("list items and RE2 patterns", () => {
    expect(checkConfigText("auto:\n  jobs:\n    - ok\n    - ''\n  log-patterns:\n    - '(?=x)'\n")).toEqual([
      { line: 4, key: "auto.jobs[1]", message: "must NOT have fewer than 1 characters" },
    ]);
    const [p] = checkConfigText("auto:\n  log-patterns:\n    - ok\n    - '(?=x)'\n");
    expect(p).toMatchObject({ line: 4, key: "auto.log-patterns[1]" });
    expect(p.message).toMatch(/not a valid RE2 pattern/);
  });

  test.each([
    ["auto:\n  preset: [infrastructure, network]\n", []],
    ["auto:\n  rules:\n    - preset: network\n      jobs: [e2e*]\n", []],
    ["auto:\n  preset: everything\n", [{ line: 2, key: "auto.preset", message: "must be one of: infrastructure, network" }]],
    ["auto:\n  preset:\n    - infrastructure\n    - netwrok\n", [{ line: 4, key: "auto.preset[1]", message: "must be one of: infrastructure, network" }]],
    ["auto:\n  rules:\n    - preset: []\n", [{ line: 3, key: "auto.rules[0].preset", message: "must NOT have fewer than 1 items" }]],
  ])("preset: one name or a list, each mistake said once, for the shape written: %j", (yaml, problems) => {
    expect(checkConfigText(yaml)).toEqual(problems);
  });

  test("YAML syntax errors and duplicate keys are reported with their line", () => {
    const [syntax] = checkConfigText("auto:\n  enabled: [true\n");
    expect(syntax.key).toBe("(YAML)");
    expect(syntax.line).not.toBeNull();
    const [dup] = checkConfigText("auto:\n  enabled: true\n  enabled: false\n");
    expect(dup).toMatchObject({ key: "(YAML)", line: 3 });
  });

  test("a top level that is not a mapping", () => {
    expect(checkConfigText("- a\n- b\n")).toEqual([{ line: 1, key: "(top level)", message: "must be a mapping of keys to values" }]);
  });
});

describe("rerun-bot check (the CLI, built)", () => {
  const cli = join(process.cwd(), "lib", "cli.js");
  const dir = mkdtempSync(join(tmpdir(), "rerun-check-"));

  test("exit 0 and ok for a valid file", () => {
    const file = join(dir, "good.yml");
    writeFileSync(file, "auto:\n  enabled: true\n");
    expect(execFileSync(process.execPath, [cli, "check", file], { encoding: "utf8" })).toBe(`${file}: ok\n`);
  });

  test("exit 1 and file:line: key: message per problem", () => {
    const file = join(dir, "bad.yml");
    writeFileSync(file, "auto:\n  max-attempts: 1\n");
    const r = spawnSync(process.execPath, [cli, "check", file], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`${file}:2: auto.max-attempts: must be >= 2\n${file}: 1 problem\n`);
  });

  test("defaults to .github/rerun.yml; a missing file is an error", () => {
    const r = spawnSync(process.execPath, [cli, "check"], { encoding: "utf8", cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(".github/rerun.yml: cannot read");
    expect(spawnSync(process.execPath, [cli, "nonsense"], { encoding: "utf8" }).status).toBe(1);
  });
});

describe("rules that can never match", () => {
  test.each([
    ["auto:\n  rules:\n    - name: all\n    - name: never\n      jobs: [e2e*]\n", "4: auto.rules[1]: rule can never match: rule 1 before it matches every job it could"],
    ["auto:\n  rules:\n    - jobs: [e2e*]\n    - jobs: [e2e*]\n      max-attempts: 5\n", "rule can never match: rule 1 before it matches every job it could"],
    ["auto:\n  rules:\n    - jobs: [a]\n      ignore-jobs: ['*']\n", "auto.rules[0]: rule can never match: ignore-jobs excludes every job"],
    ["auto:\n  rules:\n    - jobs: [lint, test]\n      ignore-jobs: [lint, 't*']\n", "every name in jobs is also in ignore-jobs"],
    ["auto:\n  rules:\n    - branches: [main, '!**']\n", "the last pattern excludes every branch"],
    ["auto:\n  jobs: [lint]\n  ignore-jobs: ['**']\n", "auto.ignore-jobs: can never match"],
  ])("%j", (yaml, expected) => {
    const found = checkConfigText(yaml).map((p) => `${p.line}: ${p.key}: ${p.message}`).join("\n");
    expect(found).toContain(expected);
  });

  test.each([
    "auto:\n  rules:\n    - jobs: [e2e*]\n      annotations: [ECONNRESET]\n    - preset: infrastructure\n",
    "auto:\n  rules:\n    - jobs: [e2e*]\n    - jobs: [unit*]\n",
    "auto:\n  preset: infrastructure\n",
  ])("a sound config has none: %j", (yaml) => {
    expect(checkConfigText(yaml)).toEqual([]);
  });

  test("check takes several files: a repo's and the org's .github one", () => {
    const dir = mkdtempSync(join(tmpdir(), "rerun-check-many-"));
    const repoFile = join(dir, "repo.yml");
    const orgFile = join(dir, "org.yml");
    writeFileSync(repoFile, "_extends: .github\nauto:\n  enabled: true\n");
    writeFileSync(orgFile, "auto:\n  rules:\n    - name: all\n    - jobs: [x]\n");
    const r = spawnSync(process.execPath, [join(process.cwd(), "lib", "cli.js"), "check", repoFile, orgFile], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${repoFile}: ok`);
    expect(r.stdout).toContain(`${orgFile}:4: auto.rules[1]: rule can never match`);
  });
});
