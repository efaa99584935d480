/**
 * The corpus (test/corpus: real failure texts from public issue threads) through the code the bot
 * uses. The dangerous direction is asserted entry by entry: no real failure is re-run, whichever
 * presets are on and whatever the quote leaves out about the failed step. Recall is reported and
 * kept from falling back (`npm run eval` lists every miss).
 */
import { readFileSync } from "node:fs";
import { loadCorpus, PRESET_SETS, rerunsEntry, score, withEvalSummary } from "../helpers/corpus.js";

const entries = loadCorpus();
const real = entries.filter((e) => e.label === "real");

test("the corpus holds at least 100 jobs, flakes and real failures, each with a source and a why", () => {
  expect(entries.length).toBeGreaterThanOrEqual(100);
  expect(real.length).toBeGreaterThanOrEqual(50);
  expect(entries.length - real.length).toBeGreaterThanOrEqual(50);
  for (const e of entries) {
    expect(e.source).toMatch(/\S/);
    expect(e.why).toMatch(/\S/);
    expect(["infrastructure", "network", "real"]).toContain(e.label);
  }
});

describe("no real failure is re-run, however the parts the quote leaves out are read", () => {
  test.each(real.map((e) => [`${e.id} (${e.source})`, e] as const))("%s", (_name, entry) => {
    for (const assumeNoFailedStep of entry.failedStep === null ? [false, true] : [false]) {
      for (const emptyAnnotations of entry.kind === "log" ? [false, true] : [false]) {
        const r = rerunsEntry(entry, ["infrastructure", "network"], { assumeNoFailedStep, emptyAnnotations });
        expect(r.rerun ? r.why : "not re-run").toBe("not re-run");
      }
    }
  });
});

test("recall per preset, with no false re-run", () => {
  const floors: Record<string, number> = { infrastructure: 0.7, network: 0.9, "infrastructure + network": 0.85 };
  const report = PRESET_SETS.map((set) => score(entries, set));
  console.log(report.map((s) => `${s.name}: precision ${(100 * s.precision).toFixed(1)}%, recall ${(100 * s.recall).toFixed(1)}% (${s.caught}/${s.targets})`).join("\n"));
  for (const s of report) {
    expect(s.falseReruns).toEqual([]);
    expect(s.recall).toBeGreaterThanOrEqual(floors[s.name]);
  }
});

test("the README's figures are the eval's (npm run eval -- --readme)", () => {
  const readme = readFileSync("README.md", "utf8");
  expect(withEvalSummary(readme, entries)).toBe(readme);
});
