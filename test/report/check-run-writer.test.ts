/** One check run per run, and a report handed to later work never hides a newer one. */
import { writeRendered } from "../../src/report/check-run-writer.js";
import { MemoryStore } from "../../src/state/store.js";
import type { CheckRunWrite, GitHubClient } from "../../src/github/client.js";

function fakeGitHub() {
  const writes: { how: "create" | "update"; title: string }[] = [];
  const gh = {
    owner: "o",
    repo: "r",
    createCheckRun: async (c: CheckRunWrite) => (writes.push({ how: "create", title: c.output.title }), 7),
    updateCheckRun: async (_id: number, c: CheckRunWrite) => void writes.push({ how: "update", title: c.output.title }),
  } as unknown as GitHubClient;
  return { gh, writes };
}
const check = (title: string) => ({ name: "rerun-bot (CI)", headSha: "abc", externalId: "42", conclusion: "neutral", output: { title, summary: "" }, actions: [] }) as unknown as CheckRunWrite;

test("created once, then updated; a late report decided before the last one written is dropped", async () => {
  const { gh, writes } = fakeGitHub();
  const store = new MemoryStore();
  await writeRendered(gh, store, 42, check("Re-ran failed jobs"), { at: 1_000 });
  await writeRendered(gh, store, 42, check("1 flaky job caught"), { at: 3_000 });
  // The re-run's own report, decided at 2,000 and handed to later work, arrives last: not written.
  expect(await writeRendered(gh, store, 42, check("Re-ran failed jobs (late)"), { at: 2_000, late: true })).toBeNull();
  // A late report that is still the newest is written.
  expect(await writeRendered(gh, store, 42, check("newest"), { at: 4_000, late: true })).toBe(7);
  expect(writes).toEqual([
    { how: "create", title: "Re-ran failed jobs" },
    { how: "update", title: "1 flaky job caught" },
    { how: "update", title: "newest" },
  ]);
});
