import type { CortexClient } from '../cortex/cortex-client.ts'
import { nameOrTag } from '../inputs/secret-spec.ts'
import { mapConcurrently } from './concurrency.ts'
import { displayName, type PlannedDelete, type PlannedWrite } from './plan.ts'
import type { Outcome, SecretResult } from './results.ts'

export interface ApplyOptions {
  concurrency: number
  /** Called once per secret when it is done. */
  onResult?: (result: SecretResult) => void
}

/** Carries out the plan; one secret's failure does not stop the others. */
export async function applyWrites(
  client: CortexClient,
  writes: readonly PlannedWrite[],
  options: ApplyOptions
): Promise<SecretResult[]> {
  return mapConcurrently(writes, options.concurrency, (write) =>
    settle(write.secret.tag, displayName(write), options, () => upsert(client, write))
  )
}

/** Deletes what the plan prunes. */
export async function applyDeletions(
  client: CortexClient,
  deletions: readonly PlannedDelete[],
  options: ApplyOptions
): Promise<SecretResult[]> {
  return mapConcurrently(deletions, options.concurrency, ({ tag, name }) =>
    settle(tag, name, options, async () => {
      // `absent` (already gone) counts as deleted too: what the prune wanted holds.
      await client.delete(tag)
      return 'deleted'
    })
  )
}

/** Runs one secret's work and turns its outcome, or its error, into a result. */
async function settle(
  tag: string,
  name: string,
  options: ApplyOptions,
  work: () => Promise<Exclude<Outcome, 'failed'>>
): Promise<SecretResult> {
  let result: SecretResult
  try {
    result = { tag, name, outcome: await work() }
  } catch (error) {
    result = { tag, name, outcome: 'failed', error: error as Error }
  }
  options.onResult?.(result)
  return result
}

/**
 * Creates or updates one secret, absorbing races with another writer: an
 * update of a tag that has gone becomes a create, and a create that finds the
 * tag becomes an update.
 */
async function upsert(client: CortexClient, write: PlannedWrite): Promise<'created' | 'updated'> {
  const { tag, name, value } = write.secret
  if (write.action === 'update' && (await client.update(tag, { name, value })) === 'updated') return 'updated'

  const created = await client.create({ tag, name: nameOrTag(write.secret), value })
  if (created.outcome === 'created') return 'created'
  // The tag exists: another writer created it since the list, or an earlier attempt of this very
  // create landed before its answer was lost. Either way the value is written by an update; in the
  // second case the secret is the one this run created, and is reported so.
  if ((await client.update(tag, { name, value })) === 'absent') {
    throw new Error(`update "${tag}": Cortex said the tag exists, then that it does not: another writer is changing it`)
  }
  return created.earlierAttemptMayHaveLanded ? 'created' : 'updated'
}
