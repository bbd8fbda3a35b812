// The action's vocabulary: tags, secrets, what became of each, and the failures that say why. Imports no layer.
import { count } from './text.ts'

/** The characters Cortex accepts in a tag (see the API notes), and how messages state the rule. */
export const TAG_CHARACTERS = 'A-Za-z0-9_-'
export const TAG_PATTERN = new RegExp(`^[${TAG_CHARACTERS}]+$`)
export const TAG_RULE = 'letters, digits, "_" and "-" only'

/** A tag with case folded (upper then lower, so `ſ` and the Kelvin sign fold too): Cortex may not tell cases apart. */
export const foldCase = (tag: string): string => tag.toUpperCase().toLowerCase()

/** The one order of tags wherever they are listed: by UTF-16 code unit, as `sort` orders strings. */
export const compareTags = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
export const byTag = (a: { tag: string }, b: { tag: string }): number => compareTags(a.tag, b.tag)

/** A hostname on this machine: plain http is allowed to it, and no proxy is used for it. */
export const isLoopback = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)

/** A secret ready to send. `key`: the input key its tag was made from (`select`, `strip-prefix`, `tag-case`). */
export type DesiredSecret = { tag: string; name?: string; value: string; key?: string }

/** The name a secret has in Cortex when none is given: its tag (a create must send one). */
export const nameOrTag = (secret: { tag: string; name?: string }): string => secret.name ?? secret.tag

/** What became of one secret (in a dry run, what would), in the order every report lists them. */
export const OUTCOMES = ['created', 'updated', 'deleted', 'failed'] as const
export type Outcome = (typeof OUTCOMES)[number]

export interface SecretResult {
  tag: string
  key?: string
  name: string // in Cortex, as far as the run knows
  outcome: Outcome
  error?: Error // why it failed; never holds a value
}

/** Deletions a prune planned and did not make, and why; tags sorted. */
export type PruneSkipped = { reason: string; tags: string[] }
export type SyncReport = { results: SecretResult[]; dryRun: boolean; pruneSkipped?: PruneSkipped }

/** A problem with the inputs, found before any request; it names the input, tag or line, never a value. */
export class InputError extends Error {
  override name = 'InputError'
}

export type CortexOperation = 'list' | 'get' | 'create' | 'update' | 'delete'

/** How every message names a request: `list`, `create "tag"`. */
export const subjectOf = (operation: CortexOperation, tag?: string): string =>
  tag === undefined ? operation : `${operation} "${tag}"`

export interface CortexApiErrorDetails {
  operation: CortexOperation
  tag?: string
  status?: number // absent when no complete response arrived (refused, reset, timed out, too large)
  type?: string // Cortex's error `type` (`BAD_REQUEST`, …) or the network error code
  detail: string // Cortex's cleaned `message`, or what the action makes of the answer
  requestId?: string
  attempts?: number
  page?: number // the list page an unusable answer was to
}

/** A failed Cortex API call, described without anything from the request body. */
export class CortexApiError extends Error {
  override name = 'CortexApiError'
  readonly details: CortexApiErrorDetails

  constructor(details: CortexApiErrorDetails, options?: { cause?: unknown }) {
    const { operation, tag, status, type, detail, requestId, attempts = 1 } = details
    const context = [...(requestId ? [`requestId ${requestId}`] : []), count(attempts, 'attempt')].join(', ')
    const answer = `${status === undefined ? 'no response' : `HTTP ${status}`}${type ? ` ${type}` : ''}`
    super(`${subjectOf(operation, tag)}: ${answer}: ${detail} (${context})`, options)
    this.details = details
  }

  get status(): number | undefined {
    return this.details.status
  }
}

/** Cortex answered with success, but with a body the action cannot act on; `detail` says why. */
export class UnusableAnswerError extends CortexApiError {
  override name = 'UnusableAnswerError'
  constructor(details: CortexApiErrorDetails) {
    super(details)
    const { operation, tag, page, status, attempts = 1, detail } = details
    const list = page === undefined ? 'the list' : `the list (page ${page})`
    const context = status === undefined ? '' : ` (HTTP ${status}, ${count(attempts, 'attempt')})`
    this.message = `Cortex answered ${operation === 'list' ? list : subjectOf(operation, tag)} with ${detail}${context}`
  }
}

/** Cortex refused the key itself (401, 403): no request can succeed, so the run stops and says so once. */
export class ApiKeyRefusedError extends Error {
  override name = 'ApiKeyRefusedError'
  constructor(cause: CortexApiError) {
    const why =
      cause.status === 401
        ? 'the key is invalid or expired'
        : 'the key lacks the "Create secrets" permission (list and get need it too)'
    const requestId = cause.details.requestId ? ` (requestId ${cause.details.requestId})` : ''
    super(`Cortex refused the API key with HTTP ${cause.status}: ${why}${requestId}. The run stopped.`, { cause })
  }
}

/** The job was cancelled: the runner sent SIGINT (then SIGTERM). */
export class CancelledError extends Error {
  override name = 'CancelledError'
  constructor(signal: string) {
    super(`The job was cancelled (${signal}).`)
  }
}

/** A write abandoned in flight when the run stopped: Cortex may have carried it out. */
export class StoppedInFlightError extends Error {
  override name = 'StoppedInFlightError'
  constructor(operation: CortexOperation, tag: string | undefined, stop: Error) {
    const what = 'the run stopped while this request was in flight; it may have been applied.'
    super(`${subjectOf(operation, tag)}: ${what} ${stop.message}`, { cause: stop })
  }
}

/** Runs `work` over `items`, at most `limit` at once; results keep the input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
  return results
}
