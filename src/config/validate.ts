import type { ErrorObject, ValidateFunction } from "ajv";
import { validate as generated } from "./schema-validator.generated.js";
import type { AutoConfig, RerunConfig } from "./schema.js";
import { patternError } from "../util/re2.js";
import { filterPatternError } from "../util/filter-pattern.js";

/** One thing wrong with a config: where (a path into the document), the key as users write it, why. */
export interface ConfigProblem {
  path: (string | number)[];
  key: string;
  message: string;
}

export type Validation = { ok: true; config: RerunConfig } | { ok: false; errors: string[]; problems: ConfigProblem[] };

// Compiled ahead of time from configSchema (validator-source.ts says why).
const validateSchema = generated as ValidateFunction;

/** ["auto", "jobs", 2] -> "auto.jobs[2]". */
export function keyName(path: (string | number)[]): string {
  const name = path.reduce<string>((acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
  return name || "(top level)";
}

function pathOf(err: ErrorObject): (string | number)[] {
  const path: (string | number)[] = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (err.keyword === "additionalProperties") path.push((err.params as { additionalProperty: string }).additionalProperty);
  return path;
}

function messageOf(err: ErrorObject): string {
  switch (err.keyword) {
    case "additionalProperties":
      return "unknown key";
    case "enum":
      return `must be one of: ${(err.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
    default:
      return err.message ?? "is invalid";
  }
}

/**
 * A key that takes one value or a list (`preset`) fails both shapes at once; keep only the errors of
 * the shape the user wrote, so the checker says "auto.preset[1]: must be one of: ..." once.
 */
function oneShape(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  return errors.filter((e) => {
    if (e.keyword === "anyOf") return false;
    const parent = anyOfs.find((a) => e.schemaPath.startsWith(`${a.schemaPath}/`));
    if (!parent) return true;
    const branch = e.schemaPath.slice(parent.schemaPath.length + 1).split("/")[0];
    const wroteList = Array.isArray(parent.data);
    const branchIsList = (parent.schema as { type?: string }[])[Number(branch)]?.type === "array";
    return wroteList === branchIsList;
  });
}

function problem(path: (string | number)[], message: string): ConfigProblem {
  return { path, key: keyName(path), message };
}

function invalid(problems: ConfigProblem[]): Validation {
  return { ok: false, problems, errors: problems.map((p) => `${p.key}: ${p.message}`) };
}

/** Validates a parsed config (not mutated) and fills in defaults. Every problem names its key. */
export function validateConfig(raw: unknown): Validation {
  const candidate = structuredClone(raw ?? {});
  if (typeof candidate !== "object" || Array.isArray(candidate)) {
    return invalid([problem([], "must be a mapping of keys to values")]);
  }
  if (!validateSchema(candidate)) {
    const seen = new Set<string>();
    const problems = oneShape(validateSchema.errors ?? [])
      .map((e) => problem(pathOf(e), messageOf(e)))
      .filter((p) => !seen.has(`${p.key}: ${p.message}`) && seen.add(`${p.key}: ${p.message}`));
    return invalid(problems);
  }
  const config = candidate as unknown as RerunConfig;
  const problems = semanticProblems(config.auto);
  return problems.length ? invalid(problems) : { ok: true, config };
}

/** The flat keys that make the implicit rule; `rules` replaces them. */
export const FLAT_RULE_KEYS = ["preset", "jobs", "ignore-jobs", "steps", "ignore-steps", "annotations", "log-patterns", "exit-codes"] as const;

/** What the schema cannot say: RE2 syntax, filter-pattern syntax, `rules` beside the flat keys. */
function semanticProblems(auto: AutoConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (path: (string | number)[], list: readonly string[] | undefined, why: (p: string) => string | null, what: string) =>
    (list ?? []).forEach((p, i) => {
      const err = why(p);
      if (err) problems.push(problem([...path, i], `not a valid ${what} (${err})`));
    });
  const patterns = (path: (string | number)[], scope: { annotations?: readonly string[]; "log-patterns"?: readonly string[] }) => {
    check([...path, "annotations"], scope.annotations, patternError, "RE2 pattern");
    check([...path, "log-patterns"], scope["log-patterns"], patternError, "RE2 pattern");
  };
  patterns(["auto"], auto);
  check(["auto", "branches"], auto.branches, filterPatternError, "branch filter pattern");
  (auto.rules ?? []).forEach((rule, i) => {
    patterns(["auto", "rules", i], rule);
    check(["auto", "rules", i, "branches"], rule.branches, filterPatternError, "branch filter pattern");
  });
  if (auto.rules !== undefined) {
    for (const key of FLAT_RULE_KEYS) {
      const value = auto[key];
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
        problems.push(problem(["auto", key], "cannot be used beside auto.rules: move it into a rule"));
      }
    }
  }
  return problems;
}

export function defaultConfig(): RerunConfig {
  const v = validateConfig({});
  if (!v.ok) throw new Error("the default config does not validate");
  return v.config;
}
