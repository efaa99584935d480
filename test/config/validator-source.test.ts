/**
 * The config validator is compiled ahead of time (src/config/validator-source.ts): the committed code
 * is what the schema compiles to, it judges configs exactly as Ajv compiling the schema at run time
 * does, and nothing the server loads compiles a schema.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { Ajv } from "ajv";
import { configSchema } from "../../src/config/schema.js";
import { validateConfig } from "../../src/config/validate.js";
import { AJV_OPTIONS, validatorSource } from "../../src/config/validator-source.js";

const SRC = join(process.cwd(), "src");

test("the committed validator is what the schema compiles to (run `npm run schema` after changing it)", () => {
  expect(readFileSync(join(SRC, "config", "schema-validator.generated.ts"), "utf8")).toBe(validatorSource());
});

const configs: [string, unknown][] = [
  ["empty", {}],
  ["auto on, defaults filled", { auto: { enabled: true } }],
  ["unknown key", { auto: { enabled: true, retries: 3 } }],
  ["bad delay pattern", { auto: { delay: "5 minutes" } }],
  ["one preset", { auto: { preset: "network" } }],
  ["preset list with a bad name", { auto: { preset: ["infrastructure", "cosmic-rays"] } }],
  ["duplicate conclusions (uniqueItems)", { auto: { conclusions: ["failure", "failure"] } }],
  ["pattern too long (maxLength counts characters, not UTF-16 units)", { auto: { "log-patterns": ["😀".repeat(500)] } }],
  ["pattern one character too long", { auto: { "log-patterns": ["😀".repeat(501)] } }],
  ["rules with every key", { auto: { rules: [{ name: "r", preset: ["network"], jobs: ["a"], "max-attempts": 2, delay: "1m", backoff: 2 }] } }],
  ["wrong types everywhere", { auto: { enabled: "yes", "max-attempts": 1.5, budget: { "per-hour": 0 } }, breaker: { after: 21 }, commands: { permission: "owner" } }],
  ["not a mapping", { auto: [] }],
];

test.each(configs)("%s: judged as Ajv compiling the schema now judges it (twice)", (_name, config) => {
  const now = new Ajv(AJV_OPTIONS).compile(configSchema);
  for (let i = 0; i < 2; i++) {
    const expected = structuredClone(config);
    const ok = now(expected);
    const got = validateConfig(config);
    expect(got.ok).toBe(ok);
    if (got.ok) expect(got.config).toEqual(expected);
    else expect(got.problems.length).toBeGreaterThan(0);
  }
});

/** Every src/ file main.ts reaches by static imports. */
function reachable(from: string, seen = new Set<string>()): Set<string> {
  if (seen.has(from)) return seen;
  seen.add(from);
  for (const m of readFileSync(from, "utf8").matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)"/gm)) {
    reachable(join(dirname(from), m[1].replace(/\.js$/, ".ts")), seen);
  }
  return seen;
}

test("nothing the server loads at start compiles a schema (only Ajv's small runtime helpers)", () => {
  const compilers: string[] = [];
  for (const file of reachable(join(SRC, "main.ts"))) {
    for (const m of readFileSync(file, "utf8").matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(ajv[^"]*)"/gm)) {
      if (!m[1].startsWith("ajv/dist/runtime/")) compilers.push(`${relative(SRC, file)} imports ${m[1]}`);
    }
  }
  expect(compilers).toEqual([]);
  expect(reachable(join(SRC, "main.ts")).has(join(SRC, "config", "validate.ts"))).toBe(true);
});
