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

/** Annotation lists and log tails read at most per failed run: a bound on calls per event. */
export const MAX_EVIDENCE_READS = 20;

export interface Sources {
  trips(): Promise<Map<string, Trip>>;
  jobs(): Promise<JobFacts[]>;
  annotations(job: JobFacts): Promise<Annotation[] | null>;
  log(job: JobFacts): Promise<string | null>;
  current(): Promise<Pick<RunFacts, "runAttempt" | "status" | "conclusion">>;
  pullHead(): Promise<string | null>;
  infraFailures(): Promise<number>;
  budget(): Promise<{ repoHour: number; commit: number }>;
}

export type EvidenceRead = { jobId: number; what: "annotations" | "log"; found: boolean };

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
        // Past the bound, evidence counts as unreadable: the job is judged on what is known.
        const within = reads.length < MAX_EVIDENCE_READS;
        if (d.what === "annotations") known.annotations = within ? await sources.annotations(d.job) : null;
        else known.log = within ? await sources.log(d.job) : null;
        evidence.set(d.job.id, known);
        if (within) reads.push({ jobId: d.job.id, what: d.what, found: (d.what === "annotations" ? known.annotations : known.log) != null });
        break;
      }
    }
  }
}
