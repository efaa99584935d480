import { readFileSync } from "node:fs";
import { signatureTable, withSignatureTable } from "../../src/report/signature-table.js";
import { EXCLUSIONS, SIGNATURES } from "../../src/policy/signatures.js";

const README = readFileSync("README.md", "utf8");

test("the README's signature table is the one generated from the data (npm run readme)", () => {
  expect(withSignatureTable(README)).toBe(README);
});

test("the table has a row for every signature and exclusion, with its first real text", () => {
  const table = signatureTable();
  for (const sig of [...SIGNATURES, ...EXCLUSIONS]) expect(table).toContain(`| \`${sig.id}\` |`);
  // Pipes inside a quoted text cannot break the table.
  for (const line of table.split("\n").filter((l) => l.startsWith("| `"))) expect(line.replace(/\\\|/g, "").split("|")).toHaveLength(7);
});
