import type { CortexClient, SecretSummary } from './cortex/client.ts'
import {
  compareTags,
  foldCase,
  mapConcurrently,
  nameOrTag,
  subjectOf,
  type DesiredSecret,
  type Outcome,
  type SecretResult,
  type SyncReport
} from './domain/secret.ts'
import { count } from './domain/text.ts'

interface SyncOptions {
  concurrency: number
  owns?: (tag: string) => boolean // prune: the workspace tags the workflow owns; absent, nothing is deleted
  dryRun: boolean // only the list is requested; the results say what a real run would do
  onResult?: (result: SecretResult) => void // once per secret, when done (or planned, in a dry run)
}

/** `currentName`: the name Cortex holds now, for an update; shown when the input gives none. */
type PlannedWrite = { action: 'create' | 'update'; secret: DesiredSecret; currentName?: string }

type Subject = Pick<SecretResult, 'tag' | 'key' | 'name'>

/** `write`: an input tag not pushed; `delete`: an owned tag prune would have deleted. */
interface Plan {
  writes: PlannedWrite[]
  deletions: { tag: string; name: string }[]
  refusals: (Subject & { reason: string; action: 'write' | 'delete' })[]
}

const CLASHES = {
  write: ['writing it could change', 'Not pushed: give this secret another tag.'],
  delete: ['deleting it could delete', 'Not deleted: delete it in Cortex by hand.']
} as const

/**
 * Never deletes a tag equal to an input tag ignoring case (Cortex may not tell them apart); a tag equal to another
 * listed secret's id ignoring case is neither written nor deleted, as a path's `tagOrId` may be either.
 */
export function plan(
  desired: readonly DesiredSecret[],
  existing: readonly SecretSummary[],
  owns?: (tag: string) => boolean
): Plan {
  const byTag = new Map(existing.map((s) => [s.tag, s]))
  const byId = new Map<string, SecretSummary[]>()
  for (const secret of existing) byId.set(foldCase(secret.id), [...(byId.get(foldCase(secret.id)) ?? []), secret])
  const result: Plan = { writes: [], deletions: [], refusals: [] }
  const refused = (subject: Subject, action: 'write' | 'delete'): boolean => {
    const other = byId.get(foldCase(subject.tag))?.find((s) => foldCase(s.tag) !== foldCase(subject.tag))
    if (other === undefined) return false
    const [risk, outcome] = CLASHES[action]
    const reason =
      `"${subject.tag}" is also the id of the secret "${other.tag}", and Cortex reads a secret's path as a tag or an id: ` +
      `${risk} "${other.tag}" instead. ${outcome}`
    result.refusals.push({ ...subject, reason, action })
    return true
  }
  for (const secret of desired) {
    const current = byTag.get(secret.tag)
    const write: PlannedWrite = { action: current ? 'update' : 'create', secret, currentName: current?.name }
    if (!refused(resultOf(write), 'write')) result.writes.push(write)
  }
  const wanted = new Set(desired.map((s) => foldCase(s.tag)))
  for (const secret of existing.filter((s) => owns?.(s.tag) && !wanted.has(foldCase(s.tag)))) {
    const deletion = { tag: secret.tag, name: nameOrTag(secret) }
    if (!refused(deletion, 'delete')) result.deletions.push(deletion)
  }
  return result
}

/** The name a secret ends up with: the input's when it gives one (it is sent), else the one an update leaves. */
export const displayName = (write: PlannedWrite): string => resultOf(write).name

function resultOf({ secret, currentName }: { secret: DesiredSecret; currentName?: string }): Subject {
  const name = secret.name ?? currentName ?? secret.tag
  return secret.key === undefined ? { tag: secret.tag, name } : { tag: secret.tag, key: secret.key, name }
}

/** Deletes only once every write landed; when the list fails, every input secret fails with its reason. */
export async function syncSecrets(
  client: CortexClient,
  secrets: readonly DesiredSecret[],
  options: SyncOptions
): Promise<SyncReport> {
  if (options.owns && secrets.length === 0)
    throw new Error('Refusing to prune with no secrets to push: every owned secret would be deleted.')
  const { concurrency, dryRun } = options
  const done = (result: SecretResult): SecretResult => (options.onResult?.(result), result)
  const failed = (subject: Subject, error: unknown) => done({ ...subject, outcome: 'failed', error: error as Error })
  // One secret's failure stops no other.
  const settle = async (subject: Subject, work: () => Promise<Outcome>): Promise<SecretResult> => {
    try {
      return done({ ...subject, outcome: await work() })
    } catch (error) {
      return failed(subject, error)
    }
  }

  let existing
  try {
    existing = await client.listAll(concurrency, new Set(secrets.map((secret) => secret.tag)))
  } catch (error) {
    return { results: secrets.map((secret) => failed(resultOf({ secret }), error)), dryRun }
  }
  const { writes, deletions, refusals } = plan(secrets, existing, options.owns)
  const refused = (action: 'write' | 'delete') =>
    refusals.filter((r) => r.action === action).map(({ reason, action: _, ...r }) => failed(r, new Error(reason)))

  const results = [
    ...refused('write'),
    ...(dryRun
      ? writes.map((w) => done({ ...resultOf(w), outcome: w.action === 'create' ? 'created' : 'updated' }))
      : await mapConcurrently(writes, concurrency, (w) => settle(resultOf(w), () => upsert(client, w))))
  ]
  const failures = results.filter((r) => r.outcome === 'failed').length
  results.push(...refused('delete'))
  if (dryRun) results.push(...deletions.map((d) => done({ ...d, outcome: 'deleted' })))
  else if (failures > 0 && deletions.length > 0) {
    const reason = `${count(failures, 'create or update', 'creates or updates')} failed, so nothing was deleted`
    return { results, dryRun, pruneSkipped: { reason, tags: deletions.map((d) => d.tag).sort(compareTags) } }
  } else {
    // `absent` (already gone) counts as deleted too: what the prune wanted holds.
    const deleted = (d: Subject) => settle(d, async () => (await client.delete(d.tag), 'deleted'))
    results.push(...(await mapConcurrently(deletions, concurrency, deleted)))
  }
  return { results, dryRun }
}

// Races with another writer are absorbed: an update of a tag that has gone becomes a create, and a create that
// finds the tag becomes an update.
async function upsert(client: CortexClient, write: PlannedWrite): Promise<'created' | 'updated'> {
  const { tag, name, value } = write.secret
  if (write.action === 'update' && (await client.update(tag, { name, value })) === 'updated') return 'updated'
  const created = await client.create({ tag, name: nameOrTag(write.secret), value })
  if (created.outcome === 'created') return 'created'
  // The tag exists: another writer created it since the list, or an earlier attempt of this create landed and its
  // answer was lost. Either way an update writes the value; in the second case this run created it, and says so.
  if ((await client.update(tag, { name, value })) === 'absent') {
    throw new Error(
      `${subjectOf('update', tag)}: Cortex said the tag exists, then that it does not: another writer is changing it`
    )
  }
  return created.earlierAttemptMayHaveLanded ? 'created' : 'updated'
}
