/**
 * Memory under load (issue 23): a fresh bot and a fresh empty Probot app (same Probot install, same
 * start-up), each sent the same 3,000 irrelevant signed webhooks at 32 in flight; RSS read from /proc
 * at rest and after. Rounds alternate which server goes first. Part of `npm run bench`.
 */
import { join } from "node:path";
import type { FakeGitHub } from "../test/e2e/fake-github.js";
import { startBot } from "../test/e2e/server.js";
import { noActionEvents, sendAll, statusMiB } from "./load.js";

const EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 3000);
const IN_FLIGHT = Number(process.env.BENCH_MEMORY_IN_FLIGHT ?? 32);
const ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? 3);
/** Another build's lib/main.js (e.g. a worktree of an older commit), measured in the same rounds. */
const BASELINE = process.env.BENCH_MEMORY_BASELINE;

type Server = "bot" | "empty" | "baseline";
const NAMES: Record<Server, string> = { bot: "rerun-bot", empty: "empty Probot app", baseline: `rerun-bot at ${BASELINE}` };

export interface MemoryRow {
  round: number;
  server: Server;
  rest: number;
  after: number;
  peak: number;
  errors: number;
}

const settle = () => new Promise((r) => setTimeout(r, 500));

export async function memoryUnderLoad(github: FakeGitHub): Promise<{ rows: MemoryRow[]; events: number; inFlight: number }> {
  const rows: MemoryRow[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const servers: Server[] = BASELINE ? ["bot", "empty", "baseline"] : ["bot", "empty"];
    const order = round % 2 === 1 ? servers : [...servers].reverse();
    for (const server of order) {
      const script = { bot: undefined, empty: join(process.cwd(), "build-bench", "bench", "empty-app.js"), baseline: BASELINE }[server];
      const target = await startBot(github.port, {}, script);
      try {
        await settle();
        const rest = statusMiB(target.proc.pid!, "VmRSS");
        const { errors } = await sendAll(target, noActionEvents(), EVENTS, IN_FLIGHT);
        await settle();
        rows.push({ round, server, rest, after: statusMiB(target.proc.pid!, "VmRSS"), peak: statusMiB(target.proc.pid!, "VmHWM"), errors });
        console.error(`memory round ${round}/${ROUNDS}: ${server} done`);
      } finally {
        await target.stop();
      }
    }
  }
  return { rows, events: EVENTS, inFlight: IN_FLIGHT };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function memoryTable({ rows, events, inFlight }: Awaited<ReturnType<typeof memoryUnderLoad>>): string {
  const f = (x: number) => x.toFixed(1);
  const out = [
    `Memory: a fresh server each, ${events} irrelevant webhooks at ${inFlight} in flight, RSS 0.5 s after the last answer\n`,
    "| round | server | RSS at rest MiB | RSS after MiB | peak RSS MiB | non-200 |",
    "| ---: | --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => `| ${r.round} | ${NAMES[r.server]} | ${f(r.rest)} | ${f(r.after)} | ${f(r.peak)} | ${r.errors} |`),
  ];
  const ratios = (server: Server, key: "rest" | "after" | "peak") => {
    const byRound = [...new Set(rows.map((r) => r.round))].map((n) => {
      const of = (s: Server) => rows.find((r) => r.round === n && r.server === s)![key];
      return of(server) / of("empty");
    });
    return `${median(byRound).toFixed(3)} (rounds: ${byRound.map((x) => x.toFixed(2)).join(", ")})`;
  };
  out.push(`| **median ratio rerun-bot / empty** | | ${ratios("bot", "rest")} | **${ratios("bot", "after")}** (target ≤ 1.15) | ${ratios("bot", "peak")} | |`);
  if (rows.some((r) => r.server === "baseline")) {
    out.push(`| median ratio baseline / empty | | ${ratios("baseline", "rest")} | ${ratios("baseline", "after")} | ${ratios("baseline", "peak")} | |`);
  }
  return out.join("\n");
}
