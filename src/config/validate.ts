import { Ajv, type ErrorObject } from "ajv";
import { configSchema, type RerunConfig } from "./schema.js";
import { patternError } from "../policy/log-patterns.js";

export type Validation = { ok: true; config: RerunConfig } | { ok: false; errors: string[] };

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validateSchema = ajv.compile(configSchema);

function keyOf(err: ErrorObject): string {
  // "/auto/max-attempts" -> "auto.max-attempts"; list items keep their index: "auto.jobs[2]".
  const path = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
  if (err.keyword === "additionalProperties") {
    const extra = (err.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  return path || "(top level)";
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

/** Validates a parsed config (not mutated) and fills in defaults. Errors name the failing key. */
export function validateConfig(raw: unknown): Validation {
  const candidate = structuredClone(raw ?? {});
  if (typeof candidate !== "object" || Array.isArray(candidate)) {
    return { ok: false, errors: ["(top level): must be a mapping of keys to values"] };
  }
  if (!validateSchema(candidate)) {
    const seen = new Set<string>();
    const errors = (validateSchema.errors ?? [])
      .map((e) => `${keyOf(e)}: ${messageOf(e)}`)
      .filter((e) => !seen.has(e) && seen.add(e));
    return { ok: false, errors };
  }
  const config = candidate as unknown as RerunConfig;
  const errors = config.auto["log-patterns"].flatMap((p, i) => {
    const problem = patternError(p);
    return problem ? [`auto.log-patterns[${i}]: not a valid RE2 pattern (${problem})`] : [];
  });
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

export function defaultConfig(): RerunConfig {
  const v = validateConfig({});
  if (!v.ok) throw new Error("the default config does not validate");
  return v.config;
}
