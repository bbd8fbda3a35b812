import type { CortexClient, SecretSummary } from './cortex/client.ts'
import {
  compareTags,
  foldCase,
  mapConcurrently,
  nameOrTag,
  type DesiredSecret,
  type Outcome,
  type SecretResult,
  type SyncReport
} from './domain/secret.ts'
import { count } from './domain/text.ts'

export interface SyncOptions {
  concurrency: number
  /** Prune: which workspace tags the workflow owns. Absent: nothing is deleted. */
  owns?: (tag: string) => boolean
  /** Only the list is requested; the results say what a real run would do. */
  dryRun: boolean
  /** Called once per secret when it is done (or planned, in a dry run). */
  onResult?: (result: SecretResult) => void
}

export interface PlannedWrite {
  action: 'create' | 'update'
  secret: DesiredSecret
  /** The name Cortex holds now, for an update; shown when the input gives none. */
  currentName?: string
}

export interface PlannedDelete {
  tag: string
  name: string
}

/** A tag the run does not send, and why. `write`: an input tag, not pushed; `delete`: one prune would delete. */
export interface RefusedTag {
  tag: string
  key?: string
  name: string
  reason: string
  action: 'write' | 'delete'
}

export interface Plan {
  writes: PlannedWrite[]
  deletions: PlannedDelete[]
  refusals: RefusedTag[]
}

/**
 * What the run does with the workspace as listed: create the input tags it lacks, update those
 * it has, and with `owns`, delete the owned tags the input no longer names. A workspace tag equal
 * to an input tag ignoring case is never deleted: Cortex does not say whether it tells
 * `Payments_DB` from `payments_db`, and if not, that secret is the one this run writes.
 *
 * Cortex addresses one secret in a path by `tagOrId`, so a tag equal to another listed secret's
 * id (ignoring case) may reach that secret instead: such a tag is neither written nor deleted,
 * but refused with the reason, and the rest of the plan goes on.
 */
export function plan(
  desired: readonly DesiredSecret[],
  existing: readonly SecretSummary[],
  owns?: (tag: string) => boolean
): Plan {
  const byTag = new Map(existing.map((s) => [s.tag, s]))
  const byId = new Map<string, SecretSummary[]>()
  for (const secret of existing) byId.set(foldCase(secret.id), [...(byId.get(foldCase(secret.id)) ?? []), secret])
  const idOfAnother = (tag: string) => byId.get(foldCase(tag))?.find((s) => foldCase(s.tag) !== foldCase(tag))
  const clash = (tag: string, other: SecretSummary, risk: string, outcome: string) =>
    `"${tag}" is also the id of the secret "${other.tag}", and Cortex reads a secret's path as a tag or an id: ` +
    `${risk} "${other.tag}" instead. ${outcome}`

  const result: Plan = { writes: [], deletions: [], refusals: [] }
  for (const secret of desired) {
    const current = byTag.get(secret.tag)
    const other = idOfAnother(secret.tag)
    if (other !== undefined) {
      const reason = clash(secret.tag, other, 'writing it could change', 'Not pushed: give this secret another tag.')
      const name = nameOrTag({ tag: secret.tag, name: secret.name ?? current?.name })
      result.refusals.push({ tag: secret.tag, ...withKey(secret), name, reason, action: 'write' })
    } else if (current === undefined) {
      result.writes.push({ action: 'create', secret })
    } else {
      result.writes.push({
        action: 'update',
        secret,
        ...(current.name === undefined ? {} : { currentName: current.name })
      })
    }
  }
  const wanted = new Set(desired.map((s) => foldCase(s.tag)))
  for (const secret of existing.filter((s) => owns?.(s.tag) && !wanted.has(foldCase(s.tag)))) {
    const other = idOfAnother(secret.tag)
    if (other === undefined) result.deletions.push({ tag: secret.tag, name: nameOrTag(secret) })
    else {
      const reason = clash(secret.tag, other, 'deleting it could delete', 'Not deleted: delete it in Cortex by hand.')
      result.refusals.push({ tag: secret.tag, name: nameOrTag(secret), reason, action: 'delete' })
    }
  }
  return result
}

/** The name a secret ends up with: the input's when it gives one (it is sent), else the one an update leaves. */
export function displayName({ secret, currentName }: PlannedWrite): string {
  return secret.name ?? currentName ?? secret.tag
}

/**
 * One run: list the workspace once, create or update every input secret, then, only if every
 * write landed, delete the owned secrets the input no longer names. If the list fails, every
 * input secret fails with its reason: none is left unaccounted for. A prune with no secrets is
 * refused before any request: it would delete every owned secret.
 */
export async function syncSecrets(
  client: CortexClient,
  secrets: readonly DesiredSecret[],
  options: SyncOptions
): Promise<SyncReport> {
  if (options.owns && secrets.length === 0) {
    throw new Error('Refusing to prune with no secrets to push: every owned secret would be deleted.')
  }
  const { dryRun } = options
  const done = (result: SecretResult): SecretResult => {
    options.onResult?.(result)
    return result
  }
  const failed = (error: unknown) => (r: { tag: string; key?: string; name: string }) =>
    done({ ...r, outcome: 'failed', error: error as Error })

  let existing
  try {
    existing = await client.listAll(options.concurrency)
  } catch (error) {
    const results = secrets.map((s) => failed(error)({ tag: s.tag, ...withKey(s), name: nameOrTag(s) }))
    return { results, dryRun }
  }
  const { writes, deletions, refusals } = plan(secrets, existing, options.owns)
  const refused = (action: RefusedTag['action']) =>
    refusals.filter((r) => r.action === action).map(({ reason, action: _, ...r }) => failed(new Error(reason))(r))
  const planned = (write: PlannedWrite): Pick<SecretResult, 'tag' | 'key' | 'name'> => ({
    tag: write.secret.tag,
    ...withKey(write.secret),
    name: displayName(write)
  })

  if (dryRun) {
    const results = [
      ...refused('write'),
      ...writes.map((w) => done({ ...planned(w), outcome: w.action === 'create' ? 'created' : 'updated' })),
      ...refused('delete'),
      ...deletions.map((d) => done({ ...d, outcome: 'deleted' }))
    ]
    return { results, dryRun }
  }

  const written = [
    ...refused('write'),
    ...(await mapConcurrently(writes, options.concurrency, (w) => settle(planned(w), () => upsert(client, w), done)))
  ]
  const notDeleted = refused('delete')
  const failures = written.filter((r) => r.outcome === 'failed').length
  if (deletions.length === 0) return { results: [...written, ...notDeleted], dryRun }
  if (failures > 0) {
    const reason = `${count(failures, 'create or update', 'creates or updates')} failed, so nothing was deleted`
    const pruneSkipped = { reason, tags: deletions.map((d) => d.tag).sort(compareTags) }
    return { results: [...written, ...notDeleted], dryRun, pruneSkipped }
  }
  // `absent` (already gone) counts as deleted too: what the prune wanted holds.
  const deleted = await mapConcurrently(deletions, options.concurrency, (d) =>
    settle(d, async () => (await client.delete(d.tag), 'deleted'), done)
  )
  return { results: [...written, ...notDeleted, ...deleted], dryRun }
}

function withKey(secret: { key?: string }): { key?: string } {
  return secret.key === undefined ? {} : { key: secret.key }
}

/** Runs one secret's work and turns its outcome, or its error, into a result: one failure stops no other. */
async function settle(
  subject: Pick<SecretResult, 'tag' | 'key' | 'name'>,
  work: () => Promise<Exclude<Outcome, 'failed'>>,
  done: (result: SecretResult) => SecretResult
): Promise<SecretResult> {
  try {
    return done({ ...subject, outcome: await work() })
  } catch (error) {
    return done({ ...subject, outcome: 'failed', error: error as Error })
  }
}

/**
 * Creates or updates one secret, absorbing races with another writer: an update of a tag that
 * has gone becomes a create, and a create that finds the tag becomes an update.
 */
async function upsert(client: CortexClient, write: PlannedWrite): Promise<'created' | 'updated'> {
  const { tag, name, value } = write.secret
  if (write.action === 'update' && (await client.update(tag, { name, value })) === 'updated') return 'updated'

  const created = await client.create({ tag, name: nameOrTag(write.secret), value })
  if (created.outcome === 'created') return 'created'
  // The tag exists: another writer created it since the list, or an earlier attempt of this very
  // create landed before its answer was lost. Either way an update writes the value; in the second
  // case the secret is the one this run created, and is reported so.
  if ((await client.update(tag, { name, value })) === 'absent') {
    throw new Error(`update "${tag}": Cortex said the tag exists, then that it does not: another writer is changing it`)
  }
  return created.earlierAttemptMayHaveLanded ? 'created' : 'updated'
}
