/**
 * A job's health as the org view shows it, decided from the ledger alone: broken when the breaker
 * stopped it, flaky when it was caught often enough lately, healthy otherwise. The thresholds are
 * returned with the verdict, so a page can say what decided it.
 */
import { configSchema } from "../config/schema.js";

export type Health = "healthy" | "flaky" | "broken";

export interface HealthThresholds {
  /** Catches in the last 30 days from which a job is flaky (one catch a month is noise). */
  flakyCatches30: number;
  /** The breaker's `after`: red runs in a row that make a job broken. */
  brokenRedRuns: number;
}

const AFTER = configSchema.properties.breaker.properties.after;

/** The breaker's default `after` and two catches a month. */
export const DEFAULT_THRESHOLDS: HealthThresholds = { flakyCatches30: 2, brokenRedRuns: AFTER.default };

/**
 * A repo is judged by its own `breaker.after`, as the bot last recorded it in the ledger (entries
 * written before it was recorded, or by an older build, leave the default).
 */
export function repoThresholds(entries: { breakerAfter?: number }[], base: HealthThresholds = DEFAULT_THRESHOLDS): HealthThresholds {
  for (let i = entries.length - 1; i >= 0; i--) {
    const after = entries[i].breakerAfter;
    if (typeof after === "number" && Number.isInteger(after) && after >= AFTER.minimum && after <= AFTER.maximum) return { ...base, brokenRedRuns: after };
  }
  return base;
}

export interface HealthInput {
  catches30: number;
  /** Red runs in a row now (the breaker's streak; 0 when the last re-run of it passed). */
  redStreak: number;
}

export interface HealthVerdict {
  health: Health;
  /** Why, in a sentence with the numbers. */
  reason: string;
}

export function jobHealth(input: HealthInput, t: HealthThresholds = DEFAULT_THRESHOLDS): HealthVerdict {
  const catches = `${input.catches30} catch${input.catches30 === 1 ? "" : "es"} in 30 days`;
  if (t.brokenRedRuns > 0 && input.redStreak >= t.brokenRedRuns) {
    return { health: "broken", reason: `red on every attempt of ${input.redStreak} re-run runs in a row (broken from ${t.brokenRedRuns}): the breaker stopped it` };
  }
  if (input.catches30 >= t.flakyCatches30) return { health: "flaky", reason: `${catches} (flaky from ${t.flakyCatches30})` };
  const broken = t.brokenRedRuns > 0 ? `broken from ${t.brokenRedRuns}` : "the breaker is off";
  return { health: "healthy", reason: `${catches} (flaky from ${t.flakyCatches30}), ${input.redStreak} red run${input.redStreak === 1 ? "" : "s"} in a row (${broken})` };
}
