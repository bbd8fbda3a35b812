import type { CortexClient } from '../cortex/cortex-client.ts'
import { nameOrTag, type DesiredSecret } from '../inputs/secret-spec.ts'
import { count } from '../text/count.ts'
import { applyDeletions, applyWrites, type ApplyOptions } from './apply.ts'
import { displayName, planDeletions, planRefusals, planUpserts, type RefusedTag } from './plan.ts'
import { compareTags, type SecretResult, type SyncReport } from './results.ts'

export interface SyncOptions extends ApplyOptions {
  /** Prune: which workspace tags the workflow owns. Absent: nothing is deleted. */
  owns?: (tag: string) => boolean
  /** Only the list is requested; the results say what a real run would do. */
  dryRun: boolean
}

/**
 * One run: list the workspace once, create or update every input secret,
 * then, only if every write landed, delete the owned secrets the input no
 * longer names. A tag that is also another secret's id is neither written
 * nor deleted, and is reported failed (an input tag counts as a failed write).
 * If the list fails, every input secret is reported failed with that reason:
 * none is left unaccounted for.
 *
 * A prune with no secrets is refused before any request: it would delete
 * every owned secret, and an empty input is what a typo or a missing file
 * looks like. (readSettings refuses it first, naming the inputs; this holds
 * for any caller.)
 */
export async function syncSecrets(
  client: CortexClient,
  secrets: readonly DesiredSecret[],
  options: SyncOptions
): Promise<SyncReport> {
  if (options.owns && secrets.length === 0) {
    throw new Error('Refusing to prune with no secrets to push: every owned secret would be deleted.')
  }
  const report = (results: SecretResult[], extra: Partial<SyncReport> = {}): SyncReport => ({
    results,
    dryRun: options.dryRun,
    ...extra
  })
  const notify = (results: SecretResult[]): SecretResult[] => {
    results.forEach((r) => options.onResult?.(r))
    return results
  }

  let existing
  try {
    existing = await client.listAll(options.concurrency)
  } catch (error) {
    return report(
      notify(secrets.map((s) => ({ tag: s.tag, name: nameOrTag(s), outcome: 'failed', error: error as Error })))
    )
  }
  const writes = planUpserts(secrets, existing)
  const deletions = options.owns ? planDeletions(secrets, existing, options.owns) : []
  // Tags no request may name (another secret's id): failed before anything is sent.
  const refusals = planRefusals(secrets, existing, options.owns)
  const refused = (action: RefusedTag['action']) =>
    refusals
      .filter((r) => r.action === action)
      .map(({ tag, name, reason }): SecretResult => ({
        tag,
        name,
        outcome: 'failed',
        error: new Error(reason)
      }))

  if (options.dryRun) {
    return report(
      notify([
        ...refused('write'),
        ...writes.map((w): SecretResult => ({
          tag: w.secret.tag,
          name: displayName(w),
          outcome: w.action === 'create' ? 'created' : 'updated'
        })),
        ...refused('delete'),
        ...deletions.map((d): SecretResult => ({ ...d, outcome: 'deleted' }))
      ])
    )
  }

  const written = [...notify(refused('write')), ...(await applyWrites(client, writes, options))]
  const failures = written.filter((r) => r.outcome === 'failed').length
  const notDeleted = notify(refused('delete'))
  if (deletions.length === 0) return report([...written, ...notDeleted])
  if (failures > 0) {
    const reason = `${count(failures, 'create or update', 'creates or updates')} failed, so nothing was deleted`
    return report([...written, ...notDeleted], {
      pruneSkipped: { reason, tags: deletions.map((d) => d.tag).sort(compareTags) }
    })
  }
  return report([...written, ...notDeleted, ...(await applyDeletions(client, deletions, options))])
}
