import { CortexApiError } from '../cortex/cortex-api-error.ts'
import type { CortexClient } from '../cortex/cortex-client.ts'
import { mapConcurrently } from './concurrency.ts'
import { displayName, type PlannedDelete, type PlannedWrite } from './plan.ts'

export type Outcome = 'created' | 'updated' | 'deleted' | 'failed'

export interface SecretResult {
  tag: string
  name: string
  outcome: Outcome
  /** Why it failed; never holds the value. */
  error?: Error
}

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

/** Deletes what the plan prunes; a tag already gone (404) counts as deleted. */
export async function applyDeletions(
  client: CortexClient,
  deletions: readonly PlannedDelete[],
  options: ApplyOptions
): Promise<SecretResult[]> {
  return mapConcurrently(deletions, options.concurrency, ({ tag, name }) =>
    settle(tag, name, options, async () => {
      await client.delete(tag).catch((error: unknown) => {
        if (!(error instanceof CortexApiError && error.status === 404)) throw error
      })
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
 * Creates or updates one secret, absorbing races with another writer:
 * a create refused because the tag now exists becomes an update, and an
 * update of a tag that has gone becomes a create.
 */
async function upsert(client: CortexClient, write: PlannedWrite): Promise<'created' | 'updated'> {
  const { tag, name, value } = write.secret
  if (write.action === 'update') {
    try {
      await client.update(tag, { name, value })
      return 'updated'
    } catch (error) {
      if (!(error instanceof CortexApiError && error.status === 404)) throw error
    }
    await client.create({ tag, name: name ?? tag, value })
    return 'created'
  }

  try {
    await client.create({ tag, name: name ?? tag, value })
    return 'created'
  } catch (error) {
    if (!(error instanceof CortexApiError && (error.status === 400 || error.status === 409))) throw error
    // 400 is also Cortex's answer to a bad body: only an existing tag makes this a race.
    if ((await client.get(tag).catch(() => undefined)) === undefined) throw error
  }
  await client.update(tag, { name, value })
  return 'updated'
}
