/** Lines of evidence turned into RE2 rules: generalised, escaped, valid, counted per run. */
import { RE2JS } from "re2js";
import { validateConfig } from "../../src/config/validate.js";
import { cleanLine, linePattern, suggestPatterns, type EvidenceLine } from "../../src/policy/suggest-patterns.js";

describe("linePattern", () => {
  test.each([
    ["npm ERR! code ECONNRESET", "npm ERR! code ECONNRESET"],
    ["Error: connect ETIMEDOUT 140.82.112.3:443", "Error: connect ETIMEDOUT \\d+\\.\\d+\\.\\d+\\.\\d+:\\d+"],
    ["The self-hosted runner: ci-7 lost communication with the server.", "The self-hosted runner: ci-\\d+ lost communication with the server\\."],
    ["Internal server error. Correlation ID: 1f2e3d4c-0000-4a4a-9b9b-123456789abc", "Internal server error\\. Correlation ID: [0-9a-fA-F-]+"],
    ["fatal: reference is not a tree: 3f9a1c27be", "fatal: reference is not a tree: [0-9a-fA-F]+"],
    ["Hash Sum mismatch (E: Failed to fetch [x] *y* ^z$ {a} |b| +c? \\d)", "Hash Sum mismatch \\(E: Failed to fetch \\[x\\] \\*y\\* \\^z\\$ \\{a\\} \\|b\\| \\+c\\? \\\\d\\)"],
    ["2026-11-20T10:03:04.1234567Z ##[error]Error: read ECONNRESET", "Error: read ECONNRESET"],
    // Words that are hex but have no digit stay words.
    ["Error: deadbeef facade failed", "Error: deadbeef facade failed"],
  ])("%s", (line, pattern) => {
    expect(linePattern(line)).toBe(pattern);
    // Valid as the config's own patterns are, and it finds the line it came from.
    expect(validateConfig({ auto: { annotations: [pattern] } }).ok).toBe(true);
    expect(RE2JS.compile(pattern).matcher(cleanLine(line)).find()).toBe(true);
  });

  test("matches the same line of another run (numbers, ids and hashes differ)", () => {
    const p = linePattern("Error: connect ETIMEDOUT 140.82.112.3:443 (request 9f8e7d6c5b4a, attempt 2)")!;
    expect(RE2JS.compile(p).matcher("Error: connect ETIMEDOUT 10.0.0.1:8443 (request 0a1b2c3d4e5f, attempt 3)").find()).toBe(true);
    expect(RE2JS.compile(p).matcher("Error: connect ECONNREFUSED 10.0.0.1:8443").find()).toBe(false);
  });

  test.each([["Error"], ["Process completed with exit code 1."], ["##[error]Process completed with exit code 127."], ["12345 6789 0"], [""]])("says too little: %j", (line) => {
    expect(linePattern(line)).toBeNull();
  });

  test("a long line is cut: a pattern is found anywhere, so its start will do", () => {
    const p = linePattern(`Error: ${"x".repeat(400)}`)!;
    expect(p.length).toBe(160);
  });
});

const log = (...texts: string[]): EvidenceLine[] => texts.map((text) => ({ text, in: "log" as const }));
const ann = (...texts: string[]): EvidenceLine[] => texts.map((text) => ({ text, in: "annotations" as const }));

describe("suggestPatterns", () => {
  test("counts runs, not lines; most frequent first, then by pattern; at least two runs", () => {
    const s = suggestPatterns(
      [log("npm ERR! code ECONNRESET", "npm ERR! code ECONNRESET", "Error: read ECONNRESET"), log("npm ERR! code ECONNRESET", "Error: read ECONNRESET"), log("npm ERR! code ECONNRESET", "seen once only: fatal")],
      [],
    );
    expect(s.map(({ pattern, count }) => ({ pattern, count }))).toEqual([
      { pattern: "npm ERR! code ECONNRESET", count: 3 },
      { pattern: "Error: read ECONNRESET", count: 2 },
    ]);
  });

  test("a line also seen in a run that stayed red when re-run is never suggested", () => {
    const s = suggestPatterns([log("Error: flaky thing 1", "npm ERR! A complete log of this run can be found in: /a/1.log"), log("Error: flaky thing 2", "npm ERR! A complete log of this run can be found in: /a/2.log")], [log("npm ERR! A complete log of this run can be found in: /a/9.log")]);
    expect(s.map((x) => x.pattern)).toEqual(["Error: flaky thing \\d+"]);
  });

  test("annotations win over the log for a line seen in both; the example is a cleaned line; at most `max`", () => {
    const s = suggestPatterns([log("2026-11-20T10:00:00.0000000Z ##[error]Error: lost the cache"), ann("Error: lost the cache")], []);
    expect(s).toEqual([{ pattern: "Error: lost the cache", count: 2, in: "annotations", example: "Error: lost the cache" }]);
    const many = suggestPatterns([log("aaaa error 1", "bbbb error", "cccc error"), log("aaaa error 2", "bbbb error", "cccc error")], [], { max: 2 });
    expect(many.map((x) => x.pattern)).toEqual(["aaaa error \\d+", "bbbb error"]);
  });
});
