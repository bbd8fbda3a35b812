import type { SecretSummary } from '../cortex/cortex-client.ts'
import { foldCase, nameOrTag, type DesiredSecret } from '../inputs/secret-spec.ts'

export interface PlannedWrite {
  action: 'create' | 'update'
  secret: DesiredSecret
  /** The name Cortex holds now, for an update; shown in the summary when the input gives none. */
  currentName?: string
}

/**
 * Decides, from the workspace's current tags, which secrets are created and which
 * updated. A tag `planRefusals` refuses is in neither.
 */
export function planUpserts(desired: readonly DesiredSecret[], existing: readonly SecretSummary[]): PlannedWrite[] {
  const byTag = new Map(existing.map((s) => [s.tag, s]))
  const idOfAnother = idOfAnotherSecret(existing)
  return desired
    .filter((secret) => idOfAnother(secret.tag) === undefined)
    .map((secret) => {
      const current = byTag.get(secret.tag)
      if (current === undefined) return { action: 'create', secret }
      return { action: 'update', secret, ...(current.name === undefined ? {} : { currentName: current.name }) }
    })
}

/**
 * The name a secret ends up with in Cortex, as far as this run knows: the input's
 * name when it gives one (it is sent), else the name an update leaves in place.
 */
export function displayName({ secret, currentName }: PlannedWrite): string {
  return nameOrTag(secret.name === undefined ? { tag: secret.tag, name: currentName } : secret)
}

export interface PlannedDelete {
  tag: string
  name: string
}

/**
 * The workspace secrets the workflow owns (`owns`) that the input no longer names.
 * A tag equal to an input tag ignoring case is never deleted: the API does not say
 * whether Cortex tells `Payments_DB` from `payments_db`, and if it does not, that
 * secret is the one this run just wrote. A tag `planRefusals` refuses is not either.
 */
export function planDeletions(
  desired: readonly DesiredSecret[],
  existing: readonly SecretSummary[],
  owns: (tag: string) => boolean
): PlannedDelete[] {
  const idOfAnother = idOfAnotherSecret(existing)
  return unwanted(desired, existing, owns)
    .filter((s) => idOfAnother(s.tag) === undefined)
    .map((s) => ({ tag: s.tag, name: nameOrTag(s) }))
}

/** A tag the run does not send, and why. */
export interface RefusedTag {
  tag: string
  name: string
  /** Names the tags concerned, never a value. */
  reason: string
  /** `write`: an input tag, not pushed. `delete`: a tag prune would have deleted. */
  action: 'write' | 'delete'
}

/**
 * The tags a request could not name without ambiguity. Cortex addresses one
 * secret in a path by `tagOrId`, so a tag equal to another listed secret's id
 * (ignoring case, when in doubt) may reach that secret instead: a Cortex that
 * looks ids up first would update or delete it. Such an input tag is not
 * written, and such a tag is not pruned (`owns`, when given): each is refused
 * with the reason, and the rest of the plan goes on.
 */
export function planRefusals(
  desired: readonly DesiredSecret[],
  existing: readonly SecretSummary[],
  owns?: (tag: string) => boolean
): RefusedTag[] {
  const idOfAnother = idOfAnotherSecret(existing)
  const byTag = new Map(existing.map((s) => [s.tag, s]))
  const clash = (tag: string, other: SecretSummary, risk: string, outcome: string) =>
    `"${tag}" is also the id of the secret "${other.tag}", and Cortex reads a secret's path as a tag or an id: ` +
    `${risk} "${other.tag}" instead. ${outcome}`
  const writes = desired.flatMap((secret): RefusedTag[] => {
    const other = idOfAnother(secret.tag)
    if (other === undefined) return []
    const name = nameOrTag({ tag: secret.tag, name: secret.name ?? byTag.get(secret.tag)?.name })
    const reason = clash(secret.tag, other, 'writing it could change', 'Not pushed: give this secret another tag.')
    return [{ tag: secret.tag, name, reason, action: 'write' }]
  })
  const deletes = (owns ? unwanted(desired, existing, owns) : []).flatMap((s): RefusedTag[] => {
    const other = idOfAnother(s.tag)
    if (other === undefined) return []
    const reason = clash(s.tag, other, 'deleting it could delete', 'Not deleted: delete it in Cortex by hand.')
    return [{ tag: s.tag, name: nameOrTag(s), reason, action: 'delete' }]
  })
  return [...writes, ...deletes]
}

/** The owned secrets the input does not name, ignoring case. */
function unwanted(
  desired: readonly DesiredSecret[],
  existing: readonly SecretSummary[],
  owns: (tag: string) => boolean
): SecretSummary[] {
  const wanted = new Set(desired.map((s) => foldCase(s.tag)))
  return existing.filter((s) => owns(s.tag) && !wanted.has(foldCase(s.tag)))
}

/**
 * For a tag, a listed secret with another tag whose id equals it (ignoring
 * case): the secret a path naming that tag could reach instead.
 */
function idOfAnotherSecret(existing: readonly SecretSummary[]): (tag: string) => SecretSummary | undefined {
  const byId = new Map<string, SecretSummary[]>()
  for (const secret of existing) {
    const id = foldCase(secret.id)
    byId.set(id, [...(byId.get(id) ?? []), secret])
  }
  return (tag) => byId.get(foldCase(tag))?.find((s) => foldCase(s.tag) !== foldCase(tag))
}
