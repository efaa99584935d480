/** The backtest's report for a person, and its progress bar (a terminal only). */
import { printable, progressBar, renderBacktest, type BacktestHeader } from "../../src/report/backtest.js";
import { summarise, type ReplayedRun } from "../../src/policy/backtest.js";

const header: BacktestHeader = { repo: "o/r", from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", days: 30, config: "o/r's .github/rerun.yml", workflow: null, runs: 40, vanished: [] };

function run(id: number, over: Partial<ReplayedRun>): ReplayedRun {
  return { id, runNumber: id, workflow: "CI", url: `https://github.com/o/r/actions/runs/${id}`, createdAt: "", attempts: 2, truth: "passed-on-rerun", wouldRerun: false, why: "not re-run", job: "test", line: null, lines: [], rerunMinutes: 4, ...over };
}

test("counts, the missed flakes with their line, minutes, and suggestions as YAML to paste (quotes doubled)", () => {
  const lines = (n: number) => [{ text: `Error: can't reach host-${n}`, in: "annotations" as const }];
  const s = summarise([run(1, { wouldRerun: true, why: "flake evidence" }), run(2, { lines: lines(1), line: "Error: can't reach host-1" }), run(3, { lines: lines(2) })]);
  const text = renderBacktest(header, s).join("\n");
  expect(text).toContain("rerun-bot backtest o/r: runs created 2026-11-01T00:00:00Z .. 2026-12-01T00:00:00Z (30 days)");
  expect(text).toMatch(/failed at attempt 1: +3\n/);
  expect(text).toMatch(/flakes people re-ran \(caught\): +1 of 3 \(33%\)/);
  expect(text).toContain("Flakes people re-ran that the bot would have missed (2):\n  CI #2 / test: not re-run\n      Error: can't reach host-1\n      https://github.com/o/r/actions/runs/2");
  expect(text).not.toContain("stayed red when people re-ran them");
  expect(text).toContain("people's re-runs:  12 minutes over 3 re-runs");
  expect(text).toContain("    annotations:\n      - 'Error: can''t reach host-\\d+'   # 2");
});

test("no suggestion says why; a list longer than the limit is counted", () => {
  const s = summarise(Array.from({ length: 5 }, (_, i) => run(i + 1, { wouldRerun: true })));
  const text = renderBacktest(header, s, { maxRuns: 2 }).join("\n");
  expect(text).toContain("... and 3 more (--json lists them all)");
  expect(text).toContain("Suggested rules: none (no missed flakes).");
  expect(text).not.toContain("gone before");
  expect(renderBacktest({ ...header, vanished: [7, 8] }, s).join("\n")).toContain("gone before they were read:        2 (deleted since listed: left out)");
});

test("text from GitHub cannot drive the terminal", () => {
  expect(printable("ok\u001b[2J\u001b]0;title\u0007\r\nend")).toBe("ok?[2J?]0;title???end");
  const s = summarise([run(1, { job: "te\u001b[31mst", line: "bad\u001b[0m line" })]);
  expect(renderBacktest(header, s).join("\n")).not.toContain("\u001b");
});

test("the progress bar draws on a terminal only, and clears its line when done", () => {
  const tty = { isTTY: true, out: "", write(s: string) { this.out += s; } };
  const bar = progressBar(tty, 10);
  bar.update(3, 6, "runs replayed");
  bar.done();
  expect(tty.out).toBe("\r[#####-----] 3/6 runs replayed\u001b[K\r\u001b[K");
  const pipe = { isTTY: false, out: "", write(s: string) { this.out += s; } };
  const quiet = progressBar(pipe);
  quiet.update(1, 2, "x");
  quiet.done();
  expect(pipe.out).toBe("");
});
