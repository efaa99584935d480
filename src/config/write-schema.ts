/** `npm run schema`: writes schema/rerun.schema.json from config/schema.ts, for editors. */
import { writeFileSync } from "node:fs";
import { configSchema } from "./schema.js";

const target = new URL("../../schema/rerun.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(configSchema, null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
