import { filterPatternError, filterPatternMatch, passesFilterPatterns } from "../../src/util/filter-pattern.js";

/** GitHub's "filter pattern cheat sheet", row by row. */
describe("GitHub's workflow filter patterns", () => {
  test.each([
    ["feature/*", "feature/my-branch", true],
    ["feature/*", "feature/your/branch", false],
    ["feature/**", "feature/your/branch", true],
    ["**", "any/thing/at/all", true],
    ["*", "main", true],
    ["*", "a/b", false],
    ["main", "main", true],
    ["main", "main2", false],
    ["releases/**-alpha", "releases/beta/3-alpha", true],
    ["v2*", "v2.0", true],
    ["v[12].[0-9]+.[0-9]+", "v1.10.1", true],
    ["v[12].[0-9]+.[0-9]+", "v3.1.0", false],
    ["docs?", "doc", true],
    ["docs?", "docs", true],
    ["docs?", "docss", false],
    ["a+b", "aaab", true],
    ["a+b", "b", false],
    ["\\*star", "*star", true],
    ["\\*star", "xstar", false],
    ["release.1", "release.1", true],
    ["release.1", "releaseX1", false],
    ["(x)", "(x)", true],
    ["?lead", "?lead", true],
  ])("%s against %s: %s", (pattern, text, expected) => {
    expect(filterPatternMatch(pattern, text)).toBe(expected);
  });

  test.each([
    [["main", "releases/**"], "releases/1/2", true],
    [["releases/**", "!releases/**-alpha"], "releases/beta/3-alpha", false],
    [["!releases/**-alpha", "releases/**"], "releases/beta/3-alpha", true],
    [["!main"], "feature", true],
    [["!main"], "main", false],
    [[], "anything", true],
  ])("the list %j against %s: %s (the last match decides)", (patterns, text, expected) => {
    expect(passesFilterPatterns(patterns, text)).toBe(expected);
  });

  test("no branch (a tag run) passes only an empty list", () => {
    expect(passesFilterPatterns([], null)).toBe(true);
    expect(passesFilterPatterns(["**"], null)).toBe(false);
  });

  test("bad patterns get a message; matching is linear whatever the pattern", () => {
    expect(filterPatternError("release/[0-9")).toMatch(/unclosed/);
    expect(filterPatternError("release/[0-9]")).toBeNull();
    expect(filterPatternMatch("a+a+a+a+a+a+a+a+b", "a".repeat(10_000))).toBe(false);
  });
});
