import { LOG_TAIL_BYTES, logTail } from "../../src/policy/log-patterns.js";
import { compilePatterns, findPattern as findIn, patternError } from "../../src/util/re2.js";

const findPattern = (p: ReturnType<typeof compilePatterns>, log: string) => findIn(p, logTail(log));

describe("log patterns (RE2: linear time)", () => {
  test("finds a pattern anywhere in the tail", () => {
    const p = compilePatterns(["ECONNRESET", "timed? out after \\d+ ?s"]);
    expect(findPattern(p, "npm ERR! network ECONNRESET\n")).toBe("ECONNRESET");
    expect(findPattern(p, "Error: timed out after 30s")).toBe("timed? out after \\d+ ?s");
    expect(findPattern(p, "AssertionError: expected 1 to be 2")).toBeNull();
  });

  test("(?i) makes a pattern case-insensitive", () => {
    expect(findPattern(compilePatterns(["(?i)rate limit"]), "API RATE LIMIT exceeded")).toBe("(?i)rate limit");
  });

  test("only the tail of a long log is scanned", () => {
    const log = "ECONNRESET\n" + "x".repeat(LOG_TAIL_BYTES + 10);
    expect(findPattern(compilePatterns(["ECONNRESET"]), log)).toBeNull();
    expect(findPattern(compilePatterns(["ECONNRESET"]), "x".repeat(LOG_TAIL_BYTES) + "ECONNRESET")).toBe("ECONNRESET");
  });

  test("a pattern that backtracks catastrophically in JS RegExp answers here", () => {
    // (a+)+$ against "aaaa...b" takes exponential time in a backtracking engine.
    const evil = "(a+)+$";
    const log = "a".repeat(5_000) + "b";
    expect(findPattern(compilePatterns([evil]), log)).toBeNull();
    expect(findPattern(compilePatterns(["(x+x+)+y"]), "x".repeat(5_000))).toBeNull();
  });

  test("backreferences and lookarounds (not linear) are rejected with a message", () => {
    expect(patternError("(a)\\1")).not.toBeNull();
    expect(patternError("(?=a)")).not.toBeNull();
    expect(patternError("ok.*")).toBeNull();
  });
});
