/**
 * `npm run eval`: every corpus entry (test/corpus) through the bot's own judge, for each preset:
 * precision (re-runs that were flakes), recall (the preset's flakes it re-ran), every miss and every
 * false re-run. `npm run eval -- --readme` also writes the figures into README.md (a test keeps them equal).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isHeldOut, loadCorpus, PRESET_SETS, rerunsEntry, score, withEvalSummary } from "../test/helpers/corpus.js";

const entries = loadCorpus();
const count = (label: string) => entries.filter((e) => e.label === label).length;
console.log(`corpus: ${entries.length} jobs (infrastructure ${count("infrastructure")}, network ${count("network")}, real ${count("real")})\n`);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
for (const set of PRESET_SETS) {
  const s = score(entries, set);
  console.log(`preset ${s.name}: precision ${pct(s.precision)} (${s.flakesRerun}/${s.reruns} re-runs were flakes), recall ${pct(s.recall)} (${s.caught}/${s.targets}), ${s.misses.length} misses, ${s.falseReruns.length} false re-runs`);
  for (const f of s.falseReruns) console.log(`  FALSE RE-RUN ${f.entry.id} (${f.entry.source}): ${f.why}`);
  // The quotes leave out whether a step failed (null) and what a log entry's annotations were:
  // every other reading of those must re-run no real failure either.
  const readings = [{ assumeNoFailedStep: true }, { emptyAnnotations: true }, { assumeNoFailedStep: true, emptyAnnotations: true }];
  const other = entries.filter((e) => e.label === "real" && readings.some((r) => rerunsEntry(e, set.presets, r).rerun));
  console.log(`  real failures re-run under another reading of what the quotes leave out: ${other.length}${other.length ? ` (${other.map((e) => e.id).join(", ")})` : ""}`);
  for (const m of s.misses) console.log(`  miss ${m.id} [${m.label}/${m.category}] (${m.source}): ${m.text.replace(/\s+/g, " ").slice(0, 140)}`);
  console.log("");
}

const heldOut = entries.filter(isHeldOut);
if (heldOut.length > 0) {
  console.log(`held out (collected after the signatures were last changed): ${heldOut.length} jobs`);
  for (const set of PRESET_SETS) {
    const s = score(heldOut, set);
    console.log(`  preset ${s.name}: precision ${pct(s.precision)} (${s.flakesRerun}/${s.reruns}), recall ${pct(s.recall)} (${s.caught}/${s.targets}), ${s.falseReruns.length} false re-runs`);
  }
  console.log("");
}

if (process.argv.includes("--readme")) {
  const readme = readFileSync("README.md", "utf8");
  writeFileSync("README.md", withEvalSummary(readme, entries));
  console.log("README.md: eval figures written");
}
