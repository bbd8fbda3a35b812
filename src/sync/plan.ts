import type { SecretSummary } from '../cortex/cortex-client.ts'
import { nameOrTag, type DesiredSecret } from '../inputs/secret-spec.ts'

export interface PlannedWrite {
  action: 'create' | 'update'
  secret: DesiredSecret
  /** The name Cortex holds now, for an update; shown in the summary when the input gives none. */
  currentName?: string
}

/** Decides, from the workspace's current tags, which secrets are created and which updated. */
export function planUpserts(desired: readonly DesiredSecret[], existing: readonly SecretSummary[]): PlannedWrite[] {
  const byTag = new Map(existing.map((s) => [s.tag, s]))
  return desired.map((secret) => {
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
 * secret is the one this run just wrote.
 */
export function planDeletions(
  desired: readonly DesiredSecret[],
  existing: readonly SecretSummary[],
  owns: (tag: string) => boolean
): PlannedDelete[] {
  const wanted = new Set(desired.map((s) => foldCase(s.tag)))
  return existing
    .filter((s) => owns(s.tag) && !wanted.has(foldCase(s.tag)))
    .map((s) => ({ tag: s.tag, name: nameOrTag(s) }))
}

/**
 * Upper then lower case: one form for every spelling a case-insensitive comparison
 * could take as equal, including `ſ` (S) and the Kelvin sign (K), which lower case
 * alone keeps apart. When in doubt, two tags count as the same and nothing is deleted.
 */
function foldCase(tag: string): string {
  return tag.toUpperCase().toLowerCase()
}
