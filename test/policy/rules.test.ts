import { judgeRun } from "../../src/policy/auto-rerun.js";
import { judgeJob, rulesOf, type Evidence } from "../../src/policy/rules.js";
import { validateConfig } from "../../src/config/validate.js";
import type { Annotation } from "../../src/domain/facts.js";
import { job, run } from "../helpers/facts.js";

const note = (message: string): Annotation => ({ level: "failure", message, title: null });

describe("retry rules: the first rule that matches a failed job decides it", () => {
  const config = validateConfig({
    auto: {
      enabled: true,
      rules: [
        { name: "e2e flakes", jobs: ["e2e *"], annotations: ["ECONNRESET"], "log-patterns": ["ETIMEDOUT"], "exit-codes": [137, 143], "max-attempts": 2 },
        { preset: "infrastructure", "max-attempts": 3 },
      ],
    },
  });
  if (!config.ok) throw new Error(config.errors.join("; "));
  const a = config.config.auto;
  const rules = rulesOf(a);

  test.each<[string, ReturnType<typeof job>, Evidence, string, string?]>([
    ["exit code 137 on an e2e job", job({ name: "e2e chrome" }), { annotations: [note("Process completed with exit code 137.")] }, "flake", "e2e flakes"],
    ["annotation pattern", job({ name: "e2e chrome" }), { annotations: [note("read ECONNRESET")] }, "flake", "e2e flakes"],
    ["log pattern, after the annotations", job({ name: "e2e chrome" }), { annotations: [], log: "connect ETIMEDOUT 10.0.0.1:443" }, "flake", "e2e flakes"],
    ["an e2e job lost its runner: the first rule reads its evidence, then the second decides", job({ name: "e2e chrome", failedStep: null }), { annotations: [], log: "" }, "flake", "rule 2 (infrastructure)"],
    ["a user's rule still re-runs what the preset calls unknown", job({ name: "e2e chrome" }), { annotations: [], log: "connect ETIMEDOUT 10.0.0.1:443" }, "flake", "e2e flakes"],
    ["a unit test job is judged by the preset only", job({ name: "unit" }), { annotations: [note("Process completed with exit code 137.")], log: "killed" }, "real"],
  ])("%s", (...[, j, evidence, expected, label]) => {
    const v = judgeJob(j, rules, evidence);
    expect(v.kind).toBe(expected);
    if (label && v.kind === "flake") expect(v.rule.label).toBe(label);
  });

  test("the attempt must be below the limit of every rule that matched", () => {
    const e2e = job({ id: 1, name: "e2e chrome" });
    const lost = job({ id: 2, name: "unit", failedStep: null });
    // The lost runner left no annotation at all, and no log.
    const evidence = new Map<number, Evidence>([[1, { annotations: [note("Process completed with exit code 143.")] }], [2, { annotations: [], log: null }]]);
    expect(judgeRun(run({ runAttempt: 1 }), [e2e, lost], rules, a, evidence)).toMatchObject({ kind: "rerun", maxAttempts: 2 });
    const second = judgeRun(run({ runAttempt: 2 }), [e2e, lost], rules, a, evidence);
    expect(second).toMatchObject({ kind: "refuse", refusal: { reason: "max-attempts" } });
    expect(second.kind === "refuse" && second.refusal.message).toContain("e2e flakes");
    expect(judgeRun(run({ runAttempt: 2 }), [lost], rules, a, evidence)).toMatchObject({ kind: "rerun", maxAttempts: 3 });
  });

  test("reading stops at the first real failure: later jobs are not asked about", () => {
    const real = job({ id: 1, name: "unit", failedStep: "Run tests" });
    const later = job({ id: 2, name: "e2e chrome" });
    const evidence = new Map<number, Evidence>([[1, { annotations: [], log: "assertion failed" }]]);
    const v = judgeRun(run(), [real, later], rules, a, evidence);
    expect(v.kind).toBe("refuse");
    expect(v.kind === "refuse" && v.verdicts.map((x) => x.job.id)).toEqual([1]);
  });

});

describe("config: rules, presets and events validate", () => {
  test.each([
    [{ auto: { preset: "infrastructure" } }, null],
    [{ auto: { preset: "network" } }, null],
    [{ auto: { preset: ["infrastructure", "network"] } }, null],
    [{ auto: { rules: [{ preset: ["network"], jobs: ["e2e*"] }] } }, null],
    [{ auto: { preset: "everything" } }, "auto.preset: must be one of: infrastructure, network"],
    [{ auto: { preset: [] } }, "auto.preset: must NOT have fewer than 1 items"],
    [{ auto: { preset: ["network", "network"] } }, "auto.preset: must NOT have duplicate items"],
    [{ auto: { rules: [{ preset: "infrastructure" }], jobs: ["x"] } }, "auto.jobs: cannot be used beside auto.rules: move it into a rule"],
    [{ auto: { rules: [{ annotations: ["(a"] }] } }, "auto.rules[0].annotations[0]: not a valid RE2 pattern"],
    [{ auto: { rules: [{ branches: ["release/[0-9"] }] } }, "auto.rules[0].branches[0]: not a valid branch filter pattern"],
    [{ auto: { rules: [{ "exit-codes": [256] }] } }, "auto.rules[0].exit-codes[0]: must be <= 255"],
    [{ auto: { rules: [{ bogus: 1 }] } }, "auto.rules[0].bogus: unknown key"],
    [{ auto: { events: ["push", "Not An Event"] } }, "auto.events[1]"],
    [{ auto: { rules: Array.from({ length: 21 }, () => ({})) } }, "auto.rules: must NOT have more than 20 items"],
  ])("%j", (raw, problem) => {
    const v = validateConfig(raw);
    if (problem === null) expect(v.ok).toBe(true);
    else expect(v.ok === false && v.errors.join("\n")).toContain(problem);
  });
});
