import { verdictText } from "../../src/report/verdict.js";
import { judgeJob, rulesOf, type Evidence } from "../../src/policy/rules.js";
import { auto, job } from "../helpers/facts.js";

const note = (message: string) => ({ level: "failure", message, title: null });
const both = auto({ preset: ["infrastructure", "network"] });

test.each<[string, ReturnType<typeof job>, Evidence, string]>([
  ["a flake, with the annotation that proved it", job(), { annotations: [note("The runner has received a shutdown signal.")] },
    'infrastructure (flake): infrastructure: the runner received a shutdown signal (preset infrastructure, network); annotation: "The runner has received a shutdown signal."'],
  ["a network flake, quoted without its timestamp", job(), { annotations: [], log: "2026-11-23T11:59:01.1234567Z npm ERR! code ECONNRESET\n" },
    'network (flake): network: a connection was reset (preset infrastructure, network); log: "npm ERR! code ECONNRESET"'],
  ["a real failure", job({ failedStep: null }), { annotations: [note("This request was automatically failed because there were no enabled runners online to process the request for more than 1 days.")] },
    'real: no runner online to take the job (never retried by a preset); annotation: "This request was automatically failed because there were no enabled runners online to process the request for more than 1 days."'],
  ["unknown, and what could not be read", job(), { annotations: null, log: null, unread: { annotations: 403, log: 410 } },
    "unknown: no signature matched; annotations: 403, log gone (410)"],
])("%s", (_name, j, evidence, expected) => {
  expect(verdictText(judgeJob(j, rulesOf(both), evidence))).toBe(expected);
});
