/**
 * `npm run schema`: writes schema/rerun.schema.json (for editors) and the config validator
 * (src/config/schema-validator.generated.ts) from config/schema.ts.
 */
import { writeFileSync } from "node:fs";
import { configSchema } from "./schema.js";
import { validatorSource } from "./validator-source.js";

for (const [target, text] of [
  [new URL("../../schema/rerun.schema.json", import.meta.url), `${JSON.stringify(configSchema, null, 2)}\n`],
  [new URL("../../src/config/schema-validator.generated.ts", import.meta.url), validatorSource()],
] as const) {
  writeFileSync(target, text);
  console.log(`wrote ${target.pathname}`);
}
