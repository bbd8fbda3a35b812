import type { Outcome } from '../sync/results.ts'

/** A dry run's outcomes are a plan: what a real run would do. */
const PLANNED: Record<Outcome, string> = {
  created: 'would create',
  updated: 'would update',
  deleted: 'would delete',
  failed: 'failed'
}

/** An outcome as the log and the summary say it: `created`, or in a dry run `would create`. */
export function outcomeWord(outcome: Outcome, dryRun: boolean): string {
  return dryRun ? PLANNED[outcome] : outcome
}

/** An outcome after a count: `2 created`, or in a dry run `2 would be created`. */
export function countedOutcome(n: number, outcome: Outcome, dryRun: boolean): string {
  return `${n} ${dryRun && outcome !== 'failed' ? 'would be ' : ''}${outcome}`
}
