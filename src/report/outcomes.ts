import { ApiKeyRefusedError } from '../cortex/cortex-api-error.ts'
import { byTag, compareTags, type Outcome, type SecretResult, type SyncReport } from '../sync/results.ts'
import { count } from '../text/count.ts'
import { oneLine } from '../text/one-line.ts'

export type TagsByOutcome = Record<Outcome, string[]>

/** Tags grouped by outcome, each list sorted: the action's outputs. */
export function tagsByOutcome(results: readonly SecretResult[]): TagsByOutcome {
  const groups: TagsByOutcome = { created: [], updated: [], deleted: [], failed: [] }
  for (const result of results) groups[result.outcome].push(result.tag)
  for (const tags of Object.values(groups)) tags.sort(compareTags)
  return groups
}

/**
 * The step's failure message: every failed tag with Cortex's reason, one a line
 * (a line break in a tag or in Cortex's text does not start a line of its own),
 * and a skipped prune. `inputTags` are the tags the input names: a failed tag
 * outside them was being deleted by prune (which deletes only tags the input does
 * not name), not pushed.
 */
export function failureMessage(
  { results, pruneSkipped }: Pick<SyncReport, 'results' | 'pruneSkipped'>,
  inputTags: ReadonlySet<string>
): string | undefined {
  const failed = results.filter((r) => r.outcome === 'failed').sort(byTag)
  if (failed.length === 0) return undefined
  // A refused key fails every secret left for one reason: say it once, then what it left undone.
  const refused = failed.find((r) => r.error instanceof ApiKeyRefusedError)?.error
  if (refused) {
    const notPushed = failed.filter((r) => inputTags.has(r.tag)).map((r) => oneLine(r.tag))
    const notDeleted = failed.filter((r) => !inputTags.has(r.tag)).map((r) => oneLine(r.tag))
    return [
      oneLine(refused.message),
      ...(notPushed.length > 0 ? [`Not pushed (${notPushed.length}): ${notPushed.join(', ')}`] : []),
      ...(notDeleted.length > 0 ? [`Not deleted (${notDeleted.length}): ${notDeleted.join(', ')}`] : [])
    ].join('\n')
  }
  const lines = failed.map((r) => `- ${oneLine(r.tag)}: ${oneLine(r.error?.message ?? 'failed')}`)
  if (pruneSkipped) lines.push(`Prune skipped: ${pruneSkipped.reason} (${pruneSkipped.tags.length} planned).`)
  return [`${failed.length} of ${count(results.length, 'secret')} failed:`, ...lines].join('\n')
}
