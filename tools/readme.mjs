// `npm run readme`: writes the presets' signature table into README.md from src/policy/signatures.ts (built to lib/).
import { readFileSync, writeFileSync } from "node:fs";
import { withSignatureTable } from "../lib/report/signature-table.js";

const readme = readFileSync("README.md", "utf8");
const next = withSignatureTable(readme);
if (next !== readme) writeFileSync("README.md", next);
console.log(next === readme ? "README.md: signature table up to date" : "README.md: signature table written");
