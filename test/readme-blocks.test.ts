/**
 * The README's reference blocks are kept by the code they describe: the "Every key" config block is
 * the JSON Schema's keys with their defaults, the command help is the bot's own help text and each of
 * its lines is a command the parser reads, the data table names every kind of store key, and the
 * Node.js version is package.json's engines.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { configSchema } from "../src/config/schema.js";
import { HELP, helpText, parseCommands, type Command } from "../src/commands/parse.js";
import { keys } from "../src/domain/keys.js";

const readme = readFileSync("README.md", "utf8");

/** The fenced block right after the line that contains `marker`. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(marker);
  expect(at).toBeGreaterThan(-1);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  return m![1];
}

type SchemaNode = { properties?: Record<string, SchemaNode>; default?: unknown };

/** Every key path of the schema, with its default (undefined: none), descending into mappings. */
function schemaKeys(node: SchemaNode, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.properties) for (const [p, d] of schemaKeys(child, path)) out.set(p, d);
    else out.set(path, child.default);
  }
  return out;
}

/** Every key path of a parsed YAML mapping, with its value, descending into mappings. */
function yamlKeys(value: Record<string, unknown>, prefix = ""): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (v && typeof v === "object" && !Array.isArray(v)) for (const [p, d] of yamlKeys(v as Record<string, unknown>, path)) out.set(p, d);
    else out.set(path, v);
  }
  return out;
}

describe("the README's config block (Every key, with its default)", () => {
  const block = yamlKeys(parse(blockAfter("Every key, with its default:")));
  const schema = schemaKeys(configSchema as unknown as SchemaNode);

  test("has exactly the schema's keys", () => {
    expect(schema.size).toBeGreaterThan(30);
    expect([...block.keys()].sort()).toEqual([...schema.keys()].sort());
  });

  test("gives each key the schema's default, and ~ where there is none", () => {
    const wrong = [...schema].filter(([key, def]) => JSON.stringify(block.get(key)) !== JSON.stringify(def ?? null));
    expect(wrong.map(([key, def]) => `${key}: README ${JSON.stringify(block.get(key))}, schema ${JSON.stringify(def ?? null)}`)).toEqual([]);
  });
});

describe("the README's command help", () => {
  test("is the bot's own /rerun help text", () => {
    expect(blockAfter("`/retest` means the same as `/rerun`").trimEnd()).toBe(helpText());
  });

  /** Every kind of command but `invalid`; the compiler fails when a new kind is missing here. */
  const KINDS = ["rerun-failed", "rerun-job", "rerun-workflow", "help", "stats", "reset"] as const;
  const exhaustive: Exclude<Command["kind"], "invalid" | (typeof KINDS)[number]> extends never ? true : false = true;

  test("each usage line, with a name filled in, is a command the parser reads; together they cover every command", () => {
    expect(exhaustive).toBe(true);
    const examples = HELP.map((h) => h.usage.replace(/<[a-z]+>/g, "lint").replace(" ...", " job:lint"));
    const parsed = examples.map((e) => parseCommands(e));
    expect(parsed.filter((p) => p.length !== 1 || p[0].kind === "invalid").length).toBe(0);
    expect([...new Set(parsed.map((p) => p[0].kind))].sort()).toEqual([...KINDS].sort());
    // The flag line's flag is read as a flag, not as a name.
    const debug = parsed[HELP.findIndex((h) => h.usage.includes("--debug"))][0];
    expect(debug).toEqual({ kind: "rerun-job", name: "lint", debug: true });
  });
});

test("the README's Node.js version is package.json's engines", () => {
  const engines = JSON.parse(readFileSync("package.json", "utf8")).engines.node as string;
  const min = /^>=(\d+\.\d+\.\d+)$/.exec(engines)![1];
  expect(readme).toContain(`Node.js ${min} or newer`);
});

test("the README's data table names every kind of key the store keeps", () => {
  const section = readme.slice(readme.indexOf("\n## Data and privacy"));
  const kinds = new Set(Object.values(keys).map((key) => (key as (...a: unknown[]) => string)("o/r", 1, 1).split(":")[0]));
  expect(kinds.size).toBeGreaterThan(10);
  expect([...kinds].filter((k) => !section.includes(`\`${k}:`))).toEqual([]);
});
