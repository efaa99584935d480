import { globMatch, passesFilter } from "../../src/util/glob.js";

describe("globMatch", () => {
  test.each([
    ["ci.yml", "ci.yml", true],
    ["ci.yml", "ci.yaml", false],
    ["*", "", true],
    ["*", "anything at all", true],
    ["", "", true],
    ["", "x", false],
    ["test*", "test (ubuntu-latest, 20)", true],
    ["test (*, 20)", "test (ubuntu-latest, 20)", true],
    ["test (*, 20)", "test (ubuntu-latest, 18)", false],
    ["?", "a", true],
    ["?", "", false],
    ["?", "ab", false],
    ["release/*", "release/1.2", true],
    ["release/*", "main", false],
    [".github/workflows/*.yml", ".github/workflows/ci.yml", true],
    ["*test*", "Run unit tests", true],
    ["*test*", "Lint", false],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["\\*", "*", true],
    ["\\*", "x", false],
    ["\\?", "?", true],
    ["Set up job", "set up job", false], // case-sensitive, as GitHub's names are
    ["ünï*", "ünïcode", true],
    ["[abc]", "[abc]", true], // brackets are literal
  ])("%j matches %j: %s", (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  test("a pattern built to backtrack stays fast (polynomial, not exponential)", () => {
    const pattern = "*a".repeat(100) + "b";
    const text = "a".repeat(200);
    // Correctness is the assertion; the benchmark script measures speed.
    expect(globMatch(pattern, text)).toBe(false);
    expect(globMatch(pattern, text + "b")).toBe(true);
  });
});

describe("passesFilter", () => {
  test.each([
    [[], [], "x", true],
    [["x"], [], "x", true],
    [["y"], [], "x", false],
    [[], ["x"], "x", false],
    [["*"], ["x"], "x", false], // exclude wins
  ])("include %j exclude %j on %j -> %s", (inc, exc, text, expected) => {
    expect(passesFilter(inc, exc, text)).toBe(expected);
  });

  test("null texts never match an include list", () => {
    expect(passesFilter(["main"], [], null)).toBe(false);
    expect(passesFilter([], [], null)).toBe(true);
  });
});
