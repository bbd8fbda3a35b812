import { ApiKeyRefusedError } from '../cortex/cortex-api-error.ts'
import type { Outcome, SecretResult } from '../sync/apply.ts'
import type { SyncReport } from '../sync/sync-secrets.ts'
import { count } from '../text/count.ts'

export type TagsByOutcome = Record<Outcome, string[]>

/** Tags grouped by outcome, each list sorted: the action's outputs. */
export function tagsByOutcome(results: readonly SecretResult[]): TagsByOutcome {
  const groups: TagsByOutcome = { created: [], updated: [], deleted: [], failed: [] }
  for (const result of results) groups[result.outcome].push(result.tag)
  for (const tags of Object.values(groups)) tags.sort()
  return groups
}

/** The step's failure message: every failed tag with Cortex's reason, and a skipped prune. */
export function failureMessage({
  results,
  pruneSkipped
}: Pick<SyncReport, 'results' | 'pruneSkipped'>): string | undefined {
  const failed = results.filter((r) => r.outcome === 'failed').sort((a, b) => (a.tag < b.tag ? -1 : 1))
  if (failed.length === 0) return undefined
  // A refused key fails every secret for one reason: say it once.
  const refused = failed.find((r) => r.error instanceof ApiKeyRefusedError)?.error
  if (refused) return `${refused.message}\nNot pushed (${failed.length}): ${failed.map((r) => r.tag).join(', ')}`
  const lines = failed.map((r) => `- ${r.tag}: ${r.error?.message ?? 'failed'}`)
  if (pruneSkipped) lines.push(`Prune skipped: ${pruneSkipped.reason} (${pruneSkipped.tags.length} planned).`)
  return [`${failed.length} of ${count(results.length, 'secret')} failed:`, ...lines].join('\n')
}
