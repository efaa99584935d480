/**
 * Answers the decision's "need" (policy/decide.ts) one fact at a time until it gives a plan. Every
 * caller brings its own `Sources`: the bot reads GitHub and its store, `explain` reads GitHub and
 * only peeks at the store, the backtest reads a run's history. The loop, and so the order and the
 * bound of the reads, is this one.
 */
import type { Annotation, JobFacts, RunFacts } from "../domain/facts.js";
import type { Trip } from "../policy/breaker.js";
import { decide, type DecisionFacts, type Plan } from "../policy/decide.js";
import type { Evidence } from "../policy/rules.js";
import { isUnreadable, type Unreadable } from "../github/client.js";

/** Annotation lists and log tails read at most per failed run: a bound on calls per event. */
export const MAX_EVIDENCE_READS = 20;

export interface Sources {
  trips(): Promise<Map<string, Trip>>;
  jobs(): Promise<JobFacts[]>;
  /** Evidence GitHub would not give comes back as its status (`Unreadable`), for the report. */
  annotations(job: JobFacts): Promise<Annotation[] | Unreadable>;
  log(job: JobFacts): Promise<string | Unreadable>;
  current(): Promise<Pick<RunFacts, "runAttempt" | "status" | "conclusion">>;
  pullHead(): Promise<string | null>;
  infraFailures(): Promise<number>;
  budget(): Promise<{ repoHour: number; commit: number }>;
}

/** One read; `status` is GitHub's answer when it had nothing to give (404, 410, 403). */
export type EvidenceRead = { jobId: number; what: "annotations" | "log"; found: boolean; status?: number };

export interface Gathered {
  plan: Plan;
  facts: DecisionFacts;
  reads: EvidenceRead[];
}

export async function gatherAndDecide(start: DecisionFacts, sources: Sources): Promise<Gathered> {
  const facts: DecisionFacts = { ...start };
  const evidence = new Map<number, Evidence>(start.evidence ?? []);
  facts.evidence = evidence;
  const reads: EvidenceRead[] = [];
  for (;;) {
    const d = decide(facts);
    if (d.kind !== "need") return { plan: d, facts, reads };
    switch (d.what) {
      case "trips":
        facts.trips = await sources.trips();
        break;
      case "jobs":
        facts.jobs = await sources.jobs();
        break;
      case "current":
        facts.current = await sources.current();
        break;
      case "pull-head":
        facts.pullHead = await sources.pullHead();
        break;
      case "infra-failures":
        facts.infraFailures = await sources.infraFailures();
        break;
      case "budget":
        facts.budget = await sources.budget();
        break;
      case "annotations":
      case "log": {
        const known = { ...(evidence.get(d.job.id) ?? {}) };
        const what = d.what;
        // Past the bound, evidence counts as unreadable: the job is judged on what is known.
        const within = reads.length < MAX_EVIDENCE_READS;
        const got = !within ? null : what === "annotations" ? await sources.annotations(d.job) : await sources.log(d.job);
        const unread = got === null ? ("budget" as const) : isUnreadable(got) ? got.unreadable : undefined;
        if (what === "annotations") known.annotations = Array.isArray(got) ? got : null;
        else known.log = typeof got === "string" ? got : null;
        // What could not be read is no evidence, and the report says why (its status, or the bound).
        if (unread !== undefined) known.unread = { ...known.unread, [what]: unread };
        evidence.set(d.job.id, known);
        if (within) reads.push({ jobId: d.job.id, what, found: unread === undefined, ...(typeof unread === "number" ? { status: unread } : {}) });
        break;
      }
    }
  }
}
