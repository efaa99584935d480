/**
 * The config validator as code, written ahead of time (`npm run schema`) with Ajv's standalone
 * compiler. The server never compiles the schema: compiling took 74 ms and left enough live
 * allocations behind to double V8's young generation for good, which then doubled again under load
 * (the bot's RSS was 1.3x an empty Probot app's after 3,000 irrelevant webhooks). Loading the written
 * validator takes 10 ms and grows nothing. Used at build and test time only.
 */
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";
import { configSchema } from "./schema.js";

// verbose: each error carries the value it is about (a one-or-list key is judged by the shape written).
export const AJV_OPTIONS = { allErrors: true, useDefaults: true, strict: false, verbose: true } as const;

const HEADER = `// @ts-nocheck
// Written by \`npm run schema\` from src/config/schema.ts (Ajv standalone); do not edit.
// test/config/validator-source.test.ts fails when it differs from what the schema compiles to.
`;

// Ajv's runtime helpers are CommonJS with an \`exports.default\`: Node hands an ES module the whole
// exports object as the default, esbuild (the Action's bundle) hands it \`exports.default\`.
const INTEROP = "const cjsDefault = (m) => (typeof m.default === \"function\" ? m.default : m.default.default);\n";

export function validatorSource(): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  let code = standalone.default(ajv, ajv.compile(configSchema));
  const imports: string[] = [];
  // Ajv writes require() for its runtime helpers even in ES module output.
  code = code.replace(/const (\w+) = require\("ajv\/dist\/runtime\/(\w+)"\)\.default;/g, (_: string, name: string, helper: string) => {
    imports.push(`import * as ${helper}Module from "ajv/dist/runtime/${helper}.js";\n`);
    return `const ${name} = cjsDefault(${helper}Module);`;
  });
  if (/require\(/.test(code)) throw new Error("the standalone validator requires a module this writer does not rewrite");
  return `${HEADER}${imports.join("")}${INTEROP}${code}\n`;
}
