#!/usr/bin/env node
/**
 * `rerun-bot check [path]`: validates a config file the way the bot will, one line per problem
 * (`file:line: key: message`). Exit 0 when valid, 1 when not. Usable as a workflow step.
 */
import { readFileSync } from "node:fs";
import { checkConfigText } from "./config/check.js";
import { CONFIG_PATH } from "./config/load.js";

const USAGE = `usage: rerun-bot check [path]   (default ${CONFIG_PATH})`;

function main(argv: string[]): number {
  const [command, path = CONFIG_PATH, ...rest] = argv;
  if (command !== "check" || rest.length > 0) {
    console.error(USAGE);
    return command === "help" || command === "--help" ? 0 : 1;
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    console.error(`${path}: cannot read: ${(err as Error).message}`);
    return 1;
  }
  const problems = checkConfigText(text);
  for (const p of problems) console.log(`${path}:${p.line ?? "?"}: ${p.key}: ${p.message}`);
  if (problems.length === 0) console.log(`${path}: ok`);
  else console.log(`${problems.length} problem${problems.length === 1 ? "" : "s"}`);
  if (/^_extends\s*:/m.test(text)) console.log("note: _extends is not followed here; check the base file where it lives");
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
