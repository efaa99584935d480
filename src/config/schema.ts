/**
 * The one JSON Schema for `.github/rerun.yml`. It validates at run time (config/validate.ts) and is
 * written to schema/rerun.schema.json for editors (`npm run schema`; a test keeps the two equal).
 * Every bound here is a bound on work a repo can make the bot do.
 */
const globList = (description: string) => ({
  type: "array",
  description,
  maxItems: 50,
  items: { type: "string", minLength: 1, maxLength: 200 },
  default: [],
});

export const ROLES = ["read", "triage", "write", "maintain", "admin"] as const;
export type Role = (typeof ROLES)[number];


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
        "max-attempts": {
          type: "integer",
          minimum: 2,
          maximum: 50,
          default: 3,
          description: "Re-run while the run's attempt number is below this. GitHub caps a run at 50 re-runs.",
        },
        workflows: globList("Workflow names or file paths (.github/workflows/ci.yml), globs allowed; empty = all."),
        "ignore-workflows": globList("Workflows never re-run automatically."),
        branches: globList("Globs on the run's head branch; empty = all."),
        jobs: globList("Globs on job names that may be re-run; empty = all."),
        "ignore-jobs": globList("Jobs whose failure is always real."),
        conclusions: {
          type: "array",
          description: "Run conclusions that count as failed.",
          items: { enum: ["failure", "timed_out", "cancelled"] },
          uniqueItems: true,
          minItems: 1,
          default: ["failure", "timed_out"],
        },
        steps: globList("Globs on the name of the step that failed: re-run only when it matches (e.g. 'Set up job')."),
        "ignore-steps": globList("A failure in a matching step is real (e.g. '*test*')."),
        "max-failed-jobs": {
          type: "integer",
          minimum: 0,
          maximum: 1000,
          default: 0,
          description: "More failed jobs than this means a real break or an outage: no re-run (0 = no limit).",
        },
        "log-patterns": {
          type: "array",
          description:
            "RE2 regular expressions; if set, re-run only when every failed job's log tail matches one of them.",
          maxItems: 20,
          items: { type: "string", minLength: 1, maxLength: 500 },
          default: [],
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
      },
    },
  },
} as const;

export type Conclusion = "failure" | "timed_out" | "cancelled";

export interface AutoConfig {
  enabled: boolean;
  "max-attempts": number;
  workflows: string[];
  "ignore-workflows": string[];
  branches: string[];
  jobs: string[];
  "ignore-jobs": string[];
  conclusions: Conclusion[];
  steps: string[];
  "ignore-steps": string[];
  "max-failed-jobs": number;
  "log-patterns": string[];
  "fork-privileged": boolean;
  "dry-run": boolean;
  notify: "check-run" | "pr-comment";
}

export interface CommandsConfig {
  enabled: boolean;
  "dry-run": boolean;
  permission: Role;
}

export interface RerunConfig {
  auto: AutoConfig;
  commands: CommandsConfig;
}
