import type { RequestRetry } from '../cortex/cortex-client.ts'
import type { WaitReason } from '../cortex/request-gate.ts'
import type { SelectionCount } from '../inputs/select-secrets.ts'
import type { PruneSkipped, SecretResult } from '../sync/results.ts'
import { count } from '../text/count.ts'
import type { TagsByOutcome } from './outcomes.ts'
import { countedOutcome, outcomeWord } from './outcome-words.ts'

// The text of the run's log: one line per secret, a warning when Cortex rate-limits the
// run or its own budget holds it back, and detail lines for retries. Tags, names and
// statuses only: never a value. Where each line goes (info, warning, debug) is the
// front door's choice; these functions only say what the lines are.

/** What the run is about to do. */
export interface RunStart {
  secrets: number
  /** The Cortex API host. */
  host: string
  dryRun: boolean
  prune: boolean
  /** When `select` is set: how many keys the input has, and those it matched but left out. */
  selection?: SelectionCount
}

export function startLine({ secrets, host, dryRun, prune, selection }: RunStart): string {
  const mode = dryRun ? 'Dry run: planning' : 'Pushing'
  const selected = selection ? ` (selected from ${count(selection.keys, 'key')})` : ''
  return `${mode} ${count(secrets, 'secret')}${selected} to ${host}${prune ? ', pruning owned tags' : ''}`
}

/** One line per key `select` matched and left out: `Left out github_token: why`. */
export function leftOutLines(selection: SelectionCount | undefined): string[] {
  return (selection?.leftOut ?? []).map(({ key, reason }) => `Left out ${key}: ${reason}.`)
}

/** A secret as reports name it: its tag, or `key → tag` when the tag was made from an input key. */
export function secretLabel(result: Pick<SecretResult, 'tag' | 'key'>): string {
  return result.key === undefined ? result.tag : `${result.key} → ${result.tag}`
}

/** `✔ tag: created (name)`, `• key → tag: would create (name)` in a dry run, `✖ tag: failed: why`. */
export function resultLine(result: SecretResult, dryRun: boolean): string {
  if (result.outcome === 'failed') return `✖ ${secretLabel(result)}: failed: ${result.error?.message}`
  return `${dryRun ? '•' : '✔'} ${secretLabel(result)}: ${outcomeWord(result.outcome, dryRun)} (${result.name})`
}

/** How many retries one secret's requests took, when there were any. */
export function retriesLine(tag: string, retries: number): string | undefined {
  return retries > 0 ? `${tag}: ${count(retries, 'retry', 'retries')}` : undefined
}

export function retryLine(retry: RequestRetry): string {
  const subject = retry.tag === undefined ? retry.operation : `${retry.operation} "${retry.tag}"`
  return `retry ${retry.attempt} of ${subject} in ${retry.delayMs} ms after ${retry.reason}`
}

/** Said once per pause of the whole run: the 429 that started it. */
export function rateLimitWarning(retry: RequestRetry): string | undefined {
  if (retry.pause !== 'new') return undefined
  return `Cortex rate limit reached (HTTP 429): all requests wait ${(retry.delayMs / 1000).toFixed(1)} s.`
}

/** Our own pacing: only the long waits, when the run has used its budget for the minute. */
export function budgetWarning(ms: number, reason: WaitReason, perMinute: number): string | undefined {
  if (reason !== 'paced' || ms < 1000) return undefined
  return `Request budget reached (rate-limit: ${perMinute} a minute): waiting ${(ms / 1000).toFixed(1)} s.`
}

export function pruneSkippedWarning(skip: PruneSkipped): string {
  return `Prune skipped: ${skip.reason}.`
}

export function doneLine(tags: TagsByOutcome, dryRun: boolean): string {
  const counts = (['created', 'updated', 'deleted'] as const).map((o) => countedOutcome(tags[o].length, o, dryRun))
  return `Done: ${counts.join(', ')}.`
}
