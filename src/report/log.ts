// The run's text: log lines, outputs and the failure message. Tags, names, statuses and Cortex's cleaned text only:
// never a value. Where each line goes (info, warning, debug) is main.ts's choice.
import type { RequestRetry } from '../cortex/client.ts'
import type { WaitReason } from '../cortex/retry.ts'
import {
  ApiKeyRefusedError,
  CancelledError,
  StoppedInFlightError,
  byTag,
  compareTags,
  subjectOf,
  type Outcome,
  type PruneSkipped,
  type SecretResult,
  type SyncReport
} from '../domain/secret.ts'
import { count, cut, seconds, showControls } from '../domain/text.ts'
import type { SelectionCount } from '../inputs/select.ts'

type RunStart = { secrets: number; host: string; dryRun: boolean; prune: boolean; selection?: SelectionCount }

/** An outcome as the log and the summary say it: `created`, or in a dry run `would create`. */
export const outcomeWord = (outcome: Outcome, dryRun: boolean): string =>
  !dryRun || outcome === 'failed' ? outcome : `would ${outcome.slice(0, -1)}`

export function startLine({ secrets, host, dryRun, prune, selection }: RunStart): string {
  const mode = dryRun ? 'Dry run: planning' : 'Pushing'
  const selected = selection ? ` (selected from ${count(selection.keys, 'key')})` : ''
  return `${mode} ${count(secrets, 'secret')}${selected} to ${host}${prune ? ', pruning owned tags' : ''}`
}

export const leftOutLines = (selection: SelectionCount | undefined): string[] =>
  (selection?.leftOut ?? []).map(({ key, reason }) => `Left out ${key}: ${reason}.`)

/** A secret as reports name it: its tag, or `key → tag` when the tag was made from an input key. */
export const secretLabel = (result: Pick<SecretResult, 'tag' | 'key'>): string =>
  result.key === undefined ? result.tag : `${result.key} → ${result.tag}`

const NAME_CHARS = 200 // of a name, in a log line

/** `✔ tag: created (name)`, `• key → tag: would create (name)` in a dry run, `✖ tag: failed: why`. */
export function resultLine(result: SecretResult, dryRun: boolean): string {
  if (result.outcome === 'failed') return `✖ ${secretLabel(result)}: failed: ${result.error?.message}`
  return `${dryRun ? '•' : '✔'} ${secretLabel(result)}: ${outcomeWord(result.outcome, dryRun)} (${cut(result.name, NAME_CHARS)})`
}

export const retryLine = (retry: RequestRetry): string =>
  `retry ${retry.attempt} of ${subjectOf(retry.operation, retry.tag)} in ${retry.delayMs} ms after ${retry.reason}`

/** Said once per pause of the whole run: the 429 that started it. */
export function rateLimitWarning(retry: RequestRetry): string | undefined {
  if (retry.pause !== 'new') return undefined
  return `Cortex rate limit reached (HTTP 429): all requests wait ${seconds(retry.delayMs)}.`
}

/** Our own pacing: only the long waits, when the run has used its budget for the minute. */
export function budgetWarning(ms: number, reason: WaitReason, perMinute: number): string | undefined {
  if (reason !== 'paced' || ms < 1000) return undefined
  return `Request budget reached (rate-limit: ${perMinute} a minute): waiting ${seconds(ms)}.`
}

export function doneLine(tags: TagsByOutcome, dryRun: boolean): string {
  const said = (o: 'created' | 'updated' | 'deleted') => `${tags[o].length} ${dryRun ? 'would be ' : ''}${o}`
  return `Done: ${said('created')}, ${said('updated')}, ${said('deleted')}.`
}

/** What the run spent on retries, and on waits: Cortex's 429s, and its own pacing. */
export class RetryTally {
  readonly #byTag = new Map<string, number>()
  retries = 0
  rateLimitPauses = 0
  rateLimitedMs = 0
  pacedMs = 0

  recordRetry(event: Pick<RequestRetry, 'tag' | 'pause'>): void {
    this.retries++
    if (event.tag !== undefined) this.#byTag.set(event.tag, this.retriesFor(event.tag) + 1)
    if (event.pause === 'new') this.rateLimitPauses++
  }

  recordWait(ms: number, reason: WaitReason): void {
    if (reason === 'rate-limited') this.rateLimitedMs += ms
    else this.pacedMs += ms
  }

  retriesFor(tag: string): number {
    return this.#byTag.get(tag) ?? 0
  }

  /** One sentence for the summary, or undefined when nothing was retried or waited for. */
  describe(): string | undefined {
    if (this.retries === 0 && this.rateLimitedMs === 0 && this.pacedMs < 50) return undefined
    const parts = [`${count(this.retries, 'request')} retried`]
    if (this.rateLimitPauses > 0 || this.rateLimitedMs > 0)
      parts.push(`waited ${seconds(this.rateLimitedMs)} on Cortex's rate limit (${this.rateLimitPauses} × HTTP 429)`)
    if (this.pacedMs >= 50) parts.push(`paced ${seconds(this.pacedMs)} to stay within rate-limit`)
    return `${parts.join('; ')}.`
  }
}

type TagsByOutcome = Record<Outcome, string[]>

/** The four outputs (tags by outcome, sorted) and, on any failure, the step's message. `inputTags`: the input's. */
export function verdict(
  { results, pruneSkipped }: Pick<SyncReport, 'results' | 'pruneSkipped'>,
  inputTags: ReadonlySet<string>
): { tags: TagsByOutcome; failure?: string } {
  const tags: TagsByOutcome = { created: [], updated: [], deleted: [], failed: [] }
  for (const result of results) tags[result.outcome].push(result.tag)
  for (const list of Object.values(tags)) list.sort(compareTags)
  const failed = results.filter((r) => r.outcome === 'failed').sort(byTag)
  if (failed.length === 0) return { tags }
  // A refused key or a cancelled job stops every secret left for one reason: said once, then what is left undone.
  const stop = failed
    .map((r) => (r.error instanceof StoppedInFlightError ? (r.error.cause as Error) : r.error))
    .find((e) => e instanceof ApiKeyRefusedError || e instanceof CancelledError)
  if (stop) {
    const inFlight = failed.filter((r) => r.error instanceof StoppedInFlightError)
    const listed = (list: SecretResult[]) => list.map((r) => showControls(r.tag)).join(', ')
    const left = (what: string, pushed: boolean) => {
      const list = failed.filter((r) => inputTags.has(r.tag) === pushed && !inFlight.includes(r))
      return list.length > 0 ? [`${what} (${list.length}): ${listed(list)}`] : []
    }
    const mayHave = `${inFlight.length} in flight may have been applied${inFlight.length > 0 ? `: ${listed(inFlight)}` : ''}`
    const header =
      stop instanceof CancelledError
        ? `Cancelled: ${results.length - failed.length} applied; ${mayHave}. ${stop.message}`
        : showControls(stop.message) + (inFlight.length > 0 ? ` ${mayHave}.` : '')
    return { tags, failure: [header, ...left('Not pushed', true), ...left('Not deleted', false)].join('\n') }
  }
  const lines = failed.map((r) => `- ${showControls(r.tag)}: ${showControls(r.error?.message ?? 'failed')}`)
  if (pruneSkipped) lines.push(`Prune skipped: ${pruneSkipped.reason} (${pruneSkipped.tags.length} planned).`)
  return { tags, failure: [`${failed.length} of ${count(results.length, 'secret')} failed:`, ...lines].join('\n') }
}

export const pruneSkippedWarning = (skip: PruneSkipped): string => `Prune skipped: ${skip.reason}.`
