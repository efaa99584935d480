/** `rerun-bot backtest`'s arguments: what it reads, and a clear answer for what it cannot. */
import { MAX_DAYS, parseBacktestArgs } from "../src/backtest.js";

test.each([
  [["o/r"], { owner: "o", repo: "r", days: 30, configFile: null, workflow: null, json: false }],
  [["o/r", "--days", "7", "--json"], { owner: "o", repo: "r", days: 7, configFile: null, workflow: null, json: true }],
  [["--config", "x.yml", "my-org/my.repo", "--workflow", "CI"], { owner: "my-org", repo: "my.repo", days: 30, configFile: "x.yml", workflow: "CI", json: false }],
])("%j", (args, want) => {
  expect(parseBacktestArgs(args)).toEqual(want);
});

test.each([
  [[], "which repository? owner/repo is required"],
  [["o/r", "--days", "0"], `--days must be a whole number from 1 to ${MAX_DAYS}`],
  [["o/r", "--days", "1.5"], "--days must be a whole number"],
  [["o/r", "--days"], "--days needs a value"],
  [["o/r", "--config", "--json"], "--config needs a value"],
  [["o/r", "--wat"], "unknown option --wat"],
  [["o/r", "p/q"], "one repository only"],
  [["https://github.com/o/r"], "not owner/repo"],
])("%j: %s", (args, message) => {
  const r = parseBacktestArgs(args);
  expect("error" in r && r.error).toContain(message);
});
