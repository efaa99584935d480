import { createRequire } from "node:module";

/** The app id the unit tests' bot runs as. */
export const APP_ID = 4242;

type Example = { name: string; examples: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
const require = createRequire(import.meta.url);
/** GitHub's published example payloads, every event and action (@octokit/webhooks-examples). */
export const examples: Example[] = require("@octokit/webhooks-examples/api.github.com/index.json");

export function example(name: string, match: (e: Record<string, any>) => boolean) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const found = examples.find((e) => e.name === name)?.examples.find(match);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found);
}
