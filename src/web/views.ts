/** The org view's data for one person: the ledger of each repo they can see, summarised. */
import type { LedgerEntry } from "../domain/ledger.js";
import { repoView, type RepoView } from "../policy/org-view.js";
import type { Ledger } from "../state/ledger.js";
import type { VisibleRepo } from "./github-user.js";

/** Each visible repo's view, by GitHub's spelling of its name; repos the ledger never saw are empty. */
export async function scopedViews(ledger: Ledger, scope: Map<string, VisibleRepo>, now: number): Promise<RepoView[]> {
  const kept = new Set(await ledger.repos());
  const repos = [...scope.values()].sort((a, b) => a.fullName.localeCompare(b.fullName));
  const lists = await Promise.all(repos.map((r) => (kept.has(r.fullName.toLowerCase()) ? ledger.list(r.fullName) : Promise.resolve([] as LedgerEntry[]))));
  return repos.map((r, i) => repoView(r.fullName, lists[i], now));
}
