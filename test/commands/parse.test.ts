import fc from "fast-check";
import { commandLines, helpText, parseCommands, MAX_COMMANDS_PER_COMMENT } from "../../src/commands/parse.js";

describe("parseCommands", () => {
  test.each([
    ["/rerun", [{ kind: "rerun-failed", debug: false }]],
    ["/RERUN", [{ kind: "rerun-failed", debug: false }]],
    ["   /rerun   ", [{ kind: "rerun-failed", debug: false }]],
    ["/rerun\r\n", [{ kind: "rerun-failed", debug: false }]],
    ["/rerun --debug", [{ kind: "rerun-failed", debug: true }]],
    ["/rerun help", [{ kind: "help" }]],
    ["/rerun HELP", [{ kind: "help" }]],
    ["/rerun job:test", [{ kind: "rerun-job", name: "test", debug: false }]],
    ["/rerun job: test ", [{ kind: "rerun-job", name: "test", debug: false }]],
    ["/rerun job:test (ubuntu-latest, 20)", [{ kind: "rerun-job", name: "test (ubuntu-latest, 20)", debug: false }]],
    ['/rerun job:"build and test"', [{ kind: "rerun-job", name: "build and test", debug: false }]],
    ["/rerun job:'it''s'", [{ kind: "rerun-job", name: "it''s", debug: false }]],
    ["/rerun job:`weird name`", [{ kind: "rerun-job", name: "weird name", debug: false }]],
    ['/rerun job:say "hi" now', [{ kind: "rerun-job", name: 'say "hi" now', debug: false }]],
    ["/rerun job:tëst ✓ 测试", [{ kind: "rerun-job", name: "tëst ✓ 测试", debug: false }]],
    ["/rerun job:test --debug", [{ kind: "rerun-job", name: "test", debug: true }]],
    ["/rerun job:test   \t", [{ kind: "rerun-job", name: "test", debug: false }]],
    ["/rerun JOB:Test", [{ kind: "rerun-job", name: "Test", debug: false }]],
    ["/rerun workflow:CI", [{ kind: "rerun-workflow", name: "CI", debug: false }]],
    ["/rerun workflow:ci.yml --debug", [{ kind: "rerun-workflow", name: "ci.yml", debug: true }]],
    ["/rerun job:", [{ kind: "invalid", args: "job:" }]],
    ['/rerun job:""', [{ kind: "invalid", args: 'job:""' }]],
    ["/rerun please", [{ kind: "invalid", args: "please" }]],
    ["/rerun help --debug", [{ kind: "invalid", args: "help --debug" }]],
    ["/rerun job:" + "x".repeat(201), [{ kind: "invalid", args: "job:" + "x".repeat(201) }]],
    ["/rerunning the tests", []],
    ["/rerun-all", []],
    ["please /rerun", []],
    ["`/rerun`", []],
    ["> /rerun", []],
    ["   > /rerun", []],
    [">> /rerun", []],
    ["```\n/rerun\n```", []],
    ["~~~\n/rerun\n~~~", []],
    ["````\n```\n/rerun\n```\n````", []],
    ["```sh\n/rerun\n", []], // an unclosed fence runs to the end
    ["<!-- /rerun -->", []],
    ["<!--\n/rerun\n-->", []],
    ["text `code\n/rerun\nmore` text", []],
    ["``\n/rerun\n``", []],
    ["text `code`\n/rerun", [{ kind: "rerun-failed", debug: false }]],
    ["a ` lone backtick\n/rerun", [{ kind: "rerun-failed", debug: false }]],
    ["`open\n\n/rerun\n\nclose`", [{ kind: "rerun-failed", debug: false }]], // spans do not cross paragraphs
    ["```\ncode\n```\n/rerun", [{ kind: "rerun-failed", debug: false }]],
    ["Looks flaky.\n\n/rerun job:lint\n\nthanks", [{ kind: "rerun-job", name: "lint", debug: false }]],
    ["/rerun\n/rerun", [{ kind: "rerun-failed", debug: false }]],
    // Grammar as GitHub renders it.
    ["/retest", [{ kind: "rerun-failed", debug: false }]],
    ["/RETEST job:lint", [{ kind: "rerun-job", name: "lint", debug: false }]],
    ["/retesting", []],
    ["/rerun\tjob:lint", [{ kind: "rerun-job", name: "lint", debug: false }]],
    ["/rerun --debug job:lint", [{ kind: "rerun-job", name: "lint", debug: true }]],
    ["/rerun workflow:CI --debug", [{ kind: "rerun-workflow", name: "CI", debug: true }]],
    ['/rerun job:"a --debug b" --debug', [{ kind: "rerun-job", name: "a --debug b", debug: true }]],
    ['/rerun job:"a b" trailing', [{ kind: "invalid", args: 'job:"a b" trailing' }]],
    ["    /rerun", []], // an indented code block
    ["text\n\n    /rerun\n", []],
    ["\t/rerun", []],
    ["    code\n\n    /rerun", []], // an indented block runs over blank lines
    ["text\n    /rerun", [{ kind: "rerun-failed", debug: false }]], // a paragraph's continuation, not code
    ["```js title=x\n/rerun\n```", []],
    ["~~~ruby\n/rerun\n~~~", []],
    ["```\n/rerun\n~~~\n", []], // a tilde line does not close a backtick fence
    ["/rerun\r\n/rerun job:a\r\n", [
      { kind: "rerun-failed", debug: false },
      { kind: "rerun-job", name: "a", debug: false },
    ]],
    ["/rerun job:a\n/rerun job:b", [
      { kind: "rerun-job", name: "a", debug: false },
      { kind: "rerun-job", name: "b", debug: false },
    ]],
  ])("%j", (body, expected) => {
    expect(parseCommands(body)).toEqual(expected);
  });

  test("at most a handful of commands per comment", () => {
    const body = Array.from({ length: 20 }, (_, i) => `/rerun job:j${i}`).join("\n");
    expect(parseCommands(body)).toHaveLength(MAX_COMMANDS_PER_COMMENT);
  });

  test("a 10 KB comment parses, and the command in it is found", () => {
    const filler = "Lorem ipsum `dolor` sit amet, > not a quote.\n".repeat(230);
    expect(filler.length).toBeGreaterThan(10_000);
    expect(parseCommands(filler + "/rerun job:e2e\n" + filler)).toEqual([{ kind: "rerun-job", name: "e2e", debug: false }]);
  });

  test("pasting the bot's own help (in its fence) triggers nothing", () => {
    expect(parseCommands("```\n" + helpText() + "\n```")).toEqual([]);
    expect(parseCommands(helpText().split("\n").map((l) => `> ${l}`).join("\n"))).toEqual([]);
  });

  test("a comment full of backticks is parsed in linear time and parses right", () => {
    const body = "`".repeat(1) + "\n" + "x ``` `` ` ".repeat(5_000) + "\n/rerun";
    expect(parseCommands(body)).toEqual([{ kind: "rerun-failed", debug: false }]);
  });
});

describe("parseCommands, property tests", () => {
  const line = fc.oneof(
    fc.constantFrom("/rerun", "/rerun job:x", "/rerun help", "> /rerun", "```", "~~~", "`", "``", "<!--", "-->", "", "  /rerun --debug"),
    fc.string({ maxLength: 40 }),
  );
  const comment = fc.array(line, { maxLength: 30 }).map((ls) => ls.join("\n"));

  test("random comments never throw and yield at most a handful of well-formed commands", () => {
    fc.assert(
      fc.property(comment, (body) => {
        const commands = parseCommands(body);
        expect(commands.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_COMMENT);
        for (const c of commands) expect(["rerun-failed", "rerun-job", "rerun-workflow", "help", "invalid"]).toContain(c.kind);
      }),
      { numRuns: 500 },
    );
  });

  test("nothing inside a fenced block or a quote is ever a command", () => {
    fc.assert(
      fc.property(comment, fc.constantFrom("```", "~~~~"), (inner, fence) => {
        // Inner fence markers of the same kind would close the block early; keep the block intact.
        const safe = inner.replace(/```|~~~/g, "");
        expect(parseCommands(`${fence}\n${safe}\n${fence}`)).toEqual([]);
        expect(parseCommands(safe.split("\n").map((l) => `> ${l}`).join("\n"))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test("nothing inside an indented code block is ever a command", () => {
    fc.assert(
      fc.property(comment, fc.constantFrom("    ", "\t", "      "), (inner, indent) => {
        const block = inner
          .split("\n")
          .map((l) => `${indent}${l.replace(/^\s+/, "")}`)
          .join("\n");
        expect(parseCommands(`Some text.\n\n${block}`)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test("a fence with any info string and an unclosed fence hide what follows", () => {
    fc.assert(
      fc.property(comment, fc.string({ maxLength: 20 }).filter((s) => !/[`\n\r]/.test(s)), (inner, info) => {
        const safe = inner.replace(/```|~~~/g, "");
        expect(parseCommands(`\`\`\`${info}\n${safe}`)).toEqual([]);
        expect(parseCommands(`~~~${info}\n${safe}\n~~~`)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test("every line outside code and quotes is kept in order", () => {
    expect(commandLines("a\n```\nb\n```\nc\n> d\ne")).toEqual(["a", "c", "e"]);
  });
});
