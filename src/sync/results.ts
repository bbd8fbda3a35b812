/** What became of one secret; in a dry run, what would become of it. */
export type Outcome = 'created' | 'updated' | 'deleted' | 'failed'

/** The outcomes in the order every report lists them. */
export const OUTCOMES = ['created', 'updated', 'deleted', 'failed'] as const satisfies readonly Outcome[]

export interface SecretResult {
  tag: string
  /** The input key the tag was made from, when `select`, `strip-prefix` or `tag-case` made it: shown `key → tag`. */
  key?: string
  /** The name the secret has in Cortex, as far as the run knows. */
  name: string
  outcome: Outcome
  /** Why it failed; never holds the value. */
  error?: Error
}

/** Deletions a prune planned but did not make, and why. */
export interface PruneSkipped {
  reason: string
  /** Sorted by tag. */
  tags: string[]
}

/** What a sync came to: one result per secret it wrote or deleted. */
export interface SyncReport {
  results: SecretResult[]
  dryRun: boolean
  pruneSkipped?: PruneSkipped
}

/**
 * The one order of tags, wherever tags are listed (outputs, messages, the summary):
 * by UTF-16 code unit, as `Array.prototype.sort` orders strings.
 */
export function compareTags(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Results in tag order. */
export function byTag(a: { tag: string }, b: { tag: string }): number {
  return compareTags(a.tag, b.tag)
}
