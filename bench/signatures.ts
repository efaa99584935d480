/**
 * `npm run bench:signatures`: the presets' matcher on a 64 KiB log tail (the most the bot reads per
 * job), with the native engine it uses and with RE2 (RE2JS, what configs' patterns run on) side by
 * side: a failed job's log is scanned once per preset rule, on the event loop.
 */
import { RE2JS } from "re2js";
import { scanText } from "../src/policy/preset.js";
import { EXCLUSIONS, SIGNATURES } from "../src/policy/signatures.js";

const LOG_BYTES = 64 * 1024;
const lines: string[] = [];
for (let i = 0; lines.join("\n").length < LOG_BYTES; i++) {
  lines.push(`2026-11-23T11:59:${String(i % 60).padStart(2, "0")}.1234567Z   ✓ test ${i} passes in ${i % 97}ms (src/some/path/file_${i}.test.ts)`);
}
const log = lines.join("\n").slice(-LOG_BYTES);
const withFailure = `${log}\nnpm ERR! code ECONNRESET`;

function time(label: string, rounds: number, run: () => void): number {
  run();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) run();
  const ms = (performance.now() - start) / rounds;
  console.log(`| ${label} | ${ms.toFixed(2)} |`);
  return ms;
}

console.log(`Log: ${log.length} characters, ${lines.length} lines; ${SIGNATURES.length} signatures, ${EXCLUSIONS.length} exclusions.\n`);
console.log("| scan of a 64 KiB log tail | ms per scan |\n| --- | ---: |");
const native = time("native engine (the bot), no signature in the log", 50, () => scanText(log));
time("native engine (the bot), a network error on the last line", 50, () => scanText(withFailure));
const re2 = [...SIGNATURES, ...EXCLUSIONS].map((s) => RE2JS.compile(`(?im)${s.pattern}`));
const baseline = time("RE2 (RE2JS), the same patterns, no signature in the log", 3, () => re2.forEach((re) => re.matcher(log).find()));
console.log(`\nRE2 / native: ${(baseline / native).toFixed(0)}x`);
