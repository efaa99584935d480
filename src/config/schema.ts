/**
 * The one JSON Schema for `.github/rerun.yml`, and the config's TypeScript types derived from it
 * (json-schema-to-ts), so the two cannot drift. It validates at run time (config/validate.ts) and
 * is written to schema/rerun.schema.json for editors (`npm run schema`; a test keeps the two equal).
 * Every bound here is a bound on work a repo can make the bot do.
 */
import type { FromSchema } from "json-schema-to-ts";
import { DEFAULT_AUTO_CONCLUSIONS, FAILED_RUN_CONCLUSIONS } from "../domain/conclusions.js";
import { ROLES } from "../domain/facts.js";
import { DURATION_PATTERN } from "../util/duration.js";

const stringList = <D extends string, N extends number, L extends number>(description: D, maxItems: N, maxLength: L) =>
  ({
    type: "array",
    description,
    maxItems,
    items: { type: "string", minLength: 1, maxLength },
    default: [],
  }) as const;
/** Globs (workflows, jobs, steps) and branch filter patterns. */
const globList = <D extends string>(description: D) => stringList(description, 50, 200);
/** RE2 patterns (annotations, log tails). */
const patternList = <D extends string>(description: D) => stringList(description, 20, 500);

export const PRESETS = ["infrastructure", "network"] as const;
export type PresetName = (typeof PRESETS)[number];

const presetDescription =
  "Built-in signatures (see the README): `infrastructure` re-runs runner losses, GitHub-side errors and git transport failures; `network` (opt-in) re-runs DNS failures, connection resets and timeouts, and package registries answering 5xx. One name or a list: [infrastructure, network]." as const;

/** The keys that pick failed jobs: a rule's, and the flat `auto` keys that make the implicit rule. */
const ruleKeys = {
  preset: {
    anyOf: [
      { enum: [...PRESETS] },
      { type: "array", items: { enum: [...PRESETS] }, minItems: 1, maxItems: PRESETS.length, uniqueItems: true },
    ],
    description: presetDescription,
  },
  jobs: globList("Globs on job names this rule judges; empty = all."),
  "ignore-jobs": globList("Jobs this rule never matches."),
  steps: globList("Globs on failed step names: every failed step of the job must match one (e.g. 'Set up job')."),
  "ignore-steps": globList("A failed step matching one of these is a real failure for this rule (e.g. '*test*')."),
  annotations: patternList("RE2 patterns on the job's failure annotations (GitHub's own verdict: runner lost, exit codes, ...)."),
  "log-patterns": patternList("RE2 patterns on the last 64 KiB of the job's log."),
  "exit-codes": {
    type: "array",
    description: "Exit codes from the job's 'Process completed with exit code N.' annotation, e.g. [137, 143].",
    maxItems: 20,
    items: { type: "integer", minimum: 0, maximum: 255 },
    default: [],
  },
} as const;

const delay = {
  type: "string",
  pattern: DURATION_PATTERN,
  description: "Wait this long before re-running (30s, 2m, 1h; at most 6h), so a re-run does not land in the outage that failed the run.",
} as const;
const backoff = {
  type: "number",
  minimum: 1,
  maximum: 10,
  description: "Multiply the delay by this for each later attempt (2: 1m, 2m, 4m, ...).",
} as const;

const maxAttempts = {
  type: "integer",
  minimum: 2,
  maximum: 50,
  description: "Re-run while the run's attempt number is below this. GitHub caps a run at 50 re-runs.",
} as const;

const rule = {
  type: "object",
  additionalProperties: false,
  description: "Failed jobs this rule matches are flakes. The first rule that matches a failed job decides it.",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 100, description: "Shown on the check run when the rule matches." },
    ...ruleKeys,
    workflows: globList("Workflow names or file paths this rule applies to; empty = all."),
    branches: globList("GitHub filter patterns on the run's head branch (`*`, `**`, `!`), as in `on.push.branches`; empty = all."),
    "max-attempts": { ...maxAttempts, description: "This rule's attempt limit; defaults to auto.max-attempts." },
    delay: { ...delay, description: "This rule's delay before a re-run; defaults to auto.delay." },
    backoff: { ...backoff, description: "This rule's backoff factor; defaults to auto.backoff." },
  },
} as const;

export const configSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://github.com/rerun-bot/rerun-bot/schema/rerun.schema.json",
  title: "rerun-bot configuration (.github/rerun.yml)",
  type: "object",
  additionalProperties: false,
  properties: {
    _extends: {
      type: "string",
      description: "Inherit from another repo's config, e.g. `.github` or `my-org/.github:rerun.yml`.",
    },
    auto: {
      type: "object",
      description: "Automatic re-runs of failed workflow runs.",
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: "boolean", default: false, description: "Automatic re-runs are opt-in." },
        "max-attempts": { ...maxAttempts, default: 3 },
        delay,
        backoff: { ...backoff, default: 1 },
        ...ruleKeys,
        rules: {
          type: "array",
          description: "Ordered retry rules, instead of the flat keys (preset, jobs, steps, annotations, log-patterns, exit-codes).",
          maxItems: 20,
          items: rule,
        },
        events: {
          type: "array",
          description: "Triggering events whose runs may be re-run (push, pull_request, schedule, merge_group, ...); empty = all but merge_group.",
          maxItems: 30,
          items: { type: "string", pattern: "^[a-z_]{1,50}$" },
          default: [],
        },
        "ignore-events": {
          type: "array",
          description: "Triggering events whose runs are never re-run.",
          maxItems: 30,
          items: { type: "string", pattern: "^[a-z_]{1,50}$" },
          default: [],
        },
        workflows: globList("Workflow names or file paths (.github/workflows/ci.yml), globs allowed; empty = all."),
        "ignore-workflows": globList("Workflows never re-run automatically."),
        branches: globList("GitHub filter patterns on the run's head branch (`*`, `**`, `?`, `+`, `[]`, `!`); empty = all."),
        conclusions: {
          type: "array",
          description: "Run conclusions that count as failed.",
          items: { enum: [...FAILED_RUN_CONCLUSIONS] },
          uniqueItems: true,
          minItems: 1,
          default: DEFAULT_AUTO_CONCLUSIONS,
        },
        budget: {
          type: "object",
          additionalProperties: false,
          default: {},
          description: "Automatic re-runs at most, so a broken repo or a storm cannot spend the installation's rate limit.",
          properties: {
            "per-hour": { type: "integer", minimum: 1, maximum: 1000, default: 30, description: "Per repo, per clock hour (UTC)." },
            "per-commit": { type: "integer", minimum: 1, maximum: 200, default: 10, description: "Per head commit, over all its runs." },
          },
        },
        "max-failed-jobs": {
          type: "integer",
          minimum: 0,
          maximum: 1000,
          default: 0,
          description: "More failed jobs than this means a real break or an outage: no re-run (0 = no limit).",
        },
        "fork-privileged": {
          type: "boolean",
          default: false,
          description: "Also re-run pull_request_target runs whose head is a fork (they run with write tokens).",
        },
        "dry-run": {
          type: "boolean",
          default: false,
          description: "Decide and report exactly as usual (check run, comments), but never call a re-run endpoint.",
        },
        notify: {
          enum: ["check-run", "pr-comment"],
          default: "check-run",
          description: "check-run: report on the bot's check run only; pr-comment: also one PR comment after the final attempt.",
        },
      },
    },
    dashboard: {
      type: "boolean",
      default: false,
      description: "Keep one issue in this repo up to date with its flaky jobs, the CI time re-runs cost and the jobs the breaker stopped.",
    },
    breaker: {
      type: "object",
      additionalProperties: false,
      default: {},
      description: "A job that failed on every attempt of this many runs in a row is broken, not flaky: no automatic re-run while it fails.",
      properties: {
        after: {
          type: "integer",
          minimum: 0,
          maximum: 20,
          default: 3,
          description: "Runs in a row that stayed red on every attempt before the breaker trips (0 = never).",
        },
      },
    },
    commands: {
      type: "object",
      description: "PR comment commands (/rerun).",
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: "boolean", default: true },
        "dry-run": {
          type: "boolean",
          default: false,
          description: "Commands and the re-run button reply with what they would re-run, without re-running.",
        },
        permission: {
          enum: [...ROLES],
          default: "write",
          description: "The least repository role that may use the commands and the re-run button.",
        },
        "allow-author": {
          type: "boolean",
          default: false,
          description: "The pull request's author may /rerun its failed jobs without the role, within author-budget re-runs per commit (never pull_request_target runs).",
        },
        "author-budget": {
          type: "integer",
          minimum: 1,
          maximum: 10,
          default: 3,
          description: "Re-runs the PR's author may ask for per commit, with allow-author.",
        },
        "rerequest-apps": {
          type: "array",
          description: "Slugs of other CI apps (e.g. circleci-checks) whose failed check suites /rerun also re-requests.",
          maxItems: 20,
          items: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,99}$" },
          default: [],
        },
      },
    },
  },
} as const;

/** A config after validation: every key with a default is filled in. */
export type RerunConfig = FromSchema<typeof configSchema> & { auto: AutoConfig; commands: CommandsConfig; dashboard: boolean; breaker: BreakerConfig };
type Parsed = FromSchema<typeof configSchema>;
export type AutoConfig = NonNullable<Parsed["auto"]>;
export type CommandsConfig = NonNullable<Parsed["commands"]>;
export type BreakerConfig = { after: number };
export type RuleConfig = NonNullable<AutoConfig["rules"]>[number];
