import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'
import {
  ApiKeyRefusedError,
  CortexApiError,
  type CortexApiErrorDetails,
  type CortexOperation
} from './cortex-api-error.ts'
import type { UntrustedText } from '../text/untrusted-text.ts'
import { readErrorBody } from './error-body.ts'
import type { RequestGate } from './request-gate.ts'
import {
  readAnySecretSummary,
  readSecretPage,
  readSecretSummary,
  ShapeMismatch,
  type SecretPage,
  type SecretSummary
} from './response-shapes.ts'
import { sendWithRetries, TIMEOUT_CODE, type AttemptResult, type RetryEvent, type RetryPolicy } from './retry-policy.ts'
import { UnusableAnswerError } from './unusable-answer-error.ts'
import { cleanSecretNames, SHOWN_NAME_CHARS } from './secret-names.ts'
import { StoppedInFlightError } from './stopped-in-flight-error.ts'

export type { SecretPage, SecretSummary } from './response-shapes.ts'

/** What a create came to. */
export type CreateResult =
  | { outcome: 'created'; secret: SecretSummary }
  /**
   * The tag exists: Cortex refused the create, and reading the tag back found it.
   * `earlierAttemptMayHaveLanded`: an attempt before the last got no complete
   * answer, or a server error, so the secret found may be the one this create
   * stored. (A refused connection counts too: network failures are not told apart.)
   */
  | { outcome: 'exists'; earlierAttemptMayHaveLanded: boolean }

export interface CortexClientOptions {
  /** Base URL ending in `/`; API paths are resolved against it so a path prefix is kept. */
  baseUrl: URL
  apiKey: string
  userAgent: string
  /** undici dispatcher: an Agent, the proxy-aware agent, or a mock in tests. */
  dispatcher: Dispatcher
  /** Per attempt: a response that has not fully arrived by then is abandoned. */
  timeoutMs: number
  retryPolicy: RetryPolicy
  /** Shared by every request of the run: pacing, 429 pauses, and the stop after a refused key. */
  gate: RequestGate
  /**
   * Cleans every string Cortex sends before it leaves the client (error type, message,
   * requestId: readErrorBody; secret names: cleanSecretNames): no layer above sees
   * Cortex's text as it came.
   */
  serverText: UntrustedText
  /** Receives one line per attempt: method, path, status, milliseconds. */
  debug?: (line: string) => void
  onRetry?: (retry: RequestRetry) => void
}

/** A request that failed and is sent again: which one, and why. */
export type RequestRetry = RetryEvent & { operation: CortexOperation; tag?: string }

/**
 * The largest response body read. A full list page (1000 secrets with long
 * names) is well under 1 MiB; anything past this is not an answer to use.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024
const RESPONSE_TOO_LARGE_CODE = 'RESPONSE_TOO_LARGE'
/** An attempt abandoned because the run stopped: never retried, and reported with the stop's reason. */
const RUN_STOPPED_CODE = 'RUN_STOPPED'

/** The most the list endpoint returns per page. */
export const MAX_PAGE_SIZE = 1000

/**
 * The most list pages a run reads: 1,000 pages of 1,000 is a million secrets,
 * far past any workspace this action is for, and already a minute of requests
 * at Cortex's documented 1,000 a minute. A count past it comes from a server
 * that cannot be trusted to list, not from a workspace to read.
 */
export const MAX_LIST_PAGES = 1000

interface Call {
  operation: CortexOperation
  method: Dispatcher.HttpMethod
  path: string
  tag?: string
  body?: unknown
  /** The list page asked for, named in errors. */
  page?: number
  /** A success's body is not read (DELETE): whatever it holds, the status says it all. */
  bodyless?: boolean
}

/** What a request came to after its retries. */
interface Reply {
  /** The last answer's status; absent when no complete response arrived. */
  status?: number
  /** A 2xx answer's body, parsed; undefined when empty. */
  body?: unknown
  /** Set unless the answer was 2xx; the caller throws it for the statuses it does not handle. */
  error?: CortexApiError
  attempts: number
  /** An attempt before the last got no complete answer or a 5xx: Cortex may have carried it out. */
  earlierAttemptMayHaveLanded: boolean
}

/**
 * The five operations of the Cortex Secrets API, with retries, pacing and
 * timeouts. Cortex's rules live here: every body is checked against the shape
 * the API gives before it is used, and statuses become typed results (a create
 * that finds the tag, an update or delete of a tag that is gone), so that the
 * callers never look at an HTTP status.
 */
export class CortexClient {
  readonly #options: CortexClientOptions

  constructor(options: CortexClientOptions) {
    this.#options = options
  }

  async listPage(page: number, pageSize = MAX_PAGE_SIZE): Promise<SecretPage> {
    return (await this.#listPage(page, pageSize)).read
  }

  /**
   * Every secret in the workspace, each tag once. The first page's counts are
   * claims, not orders: the pages read are the fewer of `totalPages` and what
   * `total` fills, at most `MAX_LIST_PAGES`, stopping at the first empty page,
   * `concurrency` at a time through the same gate as every request. A secret
   * that two pages both hold (an insertion moved it while the list was read) is
   * kept once; one tag under two ids, or one id under two tags, is a list that
   * cannot be trusted.
   */
  async listAll(concurrency = 1): Promise<SecretSummary[]> {
    const { read: first, call, reply } = await this.#listPage(0, MAX_PAGE_SIZE)
    const claimed = Math.min(first.totalPages, Math.ceil(first.total / MAX_PAGE_SIZE))
    if (claimed > MAX_LIST_PAGES) {
      const detail = `${first.total} secrets in ${first.totalPages} pages: more than the ${MAX_LIST_PAGES} pages of ${MAX_PAGE_SIZE} this action reads`
      throw this.#unusable(call, reply, detail)
    }
    // Page 0 is always kept, whatever the counts say.
    const count = first.secrets.length === 0 ? 1 : Math.max(1, claimed)
    const pages: SecretSummary[][] = [first.secrets]
    let end = count
    let next = 1
    let failure: { error: unknown } | undefined
    const reader = async (): Promise<void> => {
      while (next < end && failure === undefined) {
        const index = next++
        try {
          const { secrets } = await this.listPage(index)
          pages[index] = secrets
          // Past an empty page a server only repeats its count; pages after it are not read or kept.
          if (secrets.length === 0) end = Math.min(end, index)
        } catch (error) {
          failure ??= { error }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count - 1)) }, reader))
    if (failure) throw failure.error
    const { unique, conflict } = uniqueSecrets(pages.slice(0, end).flat())
    if (conflict !== undefined) {
      throw this.#unusable({ operation: 'list' }, undefined, `${conflict}: the list cannot be trusted`)
    }
    return unique
  }

  /**
   * The secret with this tag, or `undefined`: Cortex answers 404, or its
   * lookup (by tag or id) found a secret with another tag.
   */
  async getByTag(tag: string): Promise<SecretSummary | undefined> {
    const call: Call = { operation: 'get', method: 'GET', path: secretPath(tag), tag }
    const reply = await this.#exchange(call)
    if (reply.status === 404) return undefined
    if (reply.error) throw reply.error
    const found = this.#read(call, reply, readAnySecretSummary)
    return found.tag === tag ? found : undefined
  }

  /**
   * Creates the secret, or finds that its tag exists. Cortex answers an
   * existing tag with 400 or 409 (it documents neither for this), and 400 is
   * also its answer to a bad body: only reading the tag back, and getting that
   * very tag, makes it "exists". Otherwise the create's own error is thrown.
   */
  async create(secret: { tag: string; name: string; value: string }): Promise<CreateResult> {
    const { tag } = secret
    const body = { name: secret.name, secret: secret.value, tag }
    const call: Call = { operation: 'create', method: 'POST', path: 'api/v1/secrets', tag, body }
    const reply = await this.#exchange(call)
    if (reply.error && (reply.status === 400 || reply.status === 409)) {
      const found = await this.getByTag(tag).catch((error: unknown) => {
        if (error instanceof ApiKeyRefusedError) throw error
        return undefined
      })
      if (found === undefined) throw reply.error
      return { outcome: 'exists', earlierAttemptMayHaveLanded: reply.earlierAttemptMayHaveLanded }
    }
    if (reply.error) throw reply.error
    return { outcome: 'created', secret: this.#read(call, reply, (b) => readSecretSummary(b, tag)) }
  }

  /** Sends `name` only when given, so an update never renames a secret by accident. `absent`: Cortex answered 404. */
  async update(tag: string, change: { name?: string; value: string }): Promise<'updated' | 'absent'> {
    const body = { ...(change.name === undefined ? {} : { name: change.name }), secret: change.value }
    const call: Call = { operation: 'update', method: 'PUT', path: secretPath(tag), tag, body }
    const reply = await this.#exchange(call)
    if (reply.status === 404) return 'absent'
    if (reply.error) throw reply.error
    this.#read(call, reply, (b) => readSecretSummary(b, tag))
    return 'updated'
  }

  /**
   * `absent`: Cortex answered 404, the tag is already gone. Any 2xx is `deleted`,
   * whatever its body: the API gives DELETE's 200 no body, so there is nothing in
   * one to check, and a body that is not JSON does not undo the deletion.
   */
  async delete(tag: string): Promise<'deleted' | 'absent'> {
    const reply = await this.#exchange({
      operation: 'delete',
      method: 'DELETE',
      path: secretPath(tag),
      tag,
      bodyless: true
    })
    if (reply.status === 404) return 'absent'
    if (reply.error) throw reply.error
    return 'deleted'
  }

  async #listPage(page: number, pageSize: number): Promise<{ read: SecretPage; call: Call; reply: Reply }> {
    // Both parameters are always sent: the spec marks them required.
    const path = `api/v1/secrets?page=${page}&pageSize=${pageSize}`
    const call: Call = { operation: 'list', method: 'GET', path, page }
    const reply = await this.#send(call)
    return { read: this.#read(call, reply, (body) => readSecretPage(body, { page, pageSize })), call, reply }
  }

  async #send(call: Call): Promise<Reply> {
    const reply = await this.#exchange(call)
    if (reply.error) throw reply.error
    return reply
  }

  /** Reads a 2xx body with `read`; a body that does not match is the request's failure. */
  #read<T>(call: Call, reply: Reply, read: (body: unknown) => T): T {
    try {
      return read(reply.body)
    } catch (error) {
      if (!(error instanceof ShapeMismatch)) throw error
      throw this.#unusable(call, reply, `a body that does not match the API: ${error.message}`)
    }
  }

  /**
   * Sends with retries, and says what it came to. Throws only when the run
   * stops (a refused key, or the gate already stopped, also while this request
   * was in flight): every other failure is returned, so that callers can turn
   * the statuses they expect into results.
   */
  async #exchange(call: Call): Promise<Reply> {
    const { retryPolicy, gate, onRetry, serverText } = this.#options
    const url = new URL(call.path, this.#options.baseUrl)
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    const uncertain: boolean[] = []
    const { result, verdict, attempts } = await sendWithRetries(
      async () => {
        // The stop may have come since the gate let this request through: then it is not sent.
        gate.stopped.throwIfAborted()
        const attempt = await this.#attempt(call.method, url, body)
        uncertain.push(!('status' in attempt) || attempt.status >= 500)
        return attempt
      },
      retryPolicy,
      gate,
      (event) => onRetry?.({ ...event, operation: call.operation, tag: call.tag })
    )
    const reply = { attempts, earlierAttemptMayHaveLanded: uncertain.slice(0, -1).includes(true) }

    if ('error' in result && result.code === RUN_STOPPED_CODE) throw this.#stoppedInFlight(call)
    if ('error' in result) {
      const detail =
        result.code === TIMEOUT_CODE
          ? `no response within ${this.#options.timeoutMs / 1000} s`
          : result.code === RESPONSE_TOO_LARGE_CODE
            ? `the response was larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, so it was not read`
            : 'the connection failed before the response was complete'
      return { ...reply, error: this.#error(call, attempts, { type: result.code, detail }, result.error) }
    }
    const { status } = result
    if (verdict.kind === 'success') {
      if (result.text === '' || call.bodyless) return { ...reply, status, body: undefined }
      try {
        const body: unknown = JSON.parse(result.text)
        // Names are Cortex's text: cleaned here, before anything above the client sees them.
        return { ...reply, status, body: cleanSecretNames(body, (name) => serverText.clean(name, SHOWN_NAME_CHARS)) }
      } catch {
        const detail = `a ${result.text.length}-character success body that is not JSON`
        return { ...reply, status, error: this.#error(call, attempts, { status, detail }) }
      }
    }
    // A give-up reason of the policy's own (a Retry-After too long to wait) replaces Cortex's message.
    const said = readErrorBody(result.text, serverText)
    const reason = verdict.kind === 'fail' ? verdict.reason : undefined
    const error = this.#error(call, attempts, { status, ...said, detail: reason ?? said.detail })
    if (verdict.kind === 'stop-run') {
      const refused = new ApiKeyRefusedError(error)
      gate.stop(refused)
      throw refused
    }
    return { ...reply, status, error }
  }

  /**
   * The error of a request abandoned in flight when the run stopped. A read
   * changed nothing, so it fails with the stop's reason like a request that
   * never started; a write may have reached Cortex and been carried out, and
   * its error says so.
   */
  #stoppedInFlight(call: Call): Error {
    const stop = this.#options.gate.stopped.reason as Error
    if (call.operation === 'list' || call.operation === 'get') return stop
    return new StoppedInFlightError(call.operation, call.tag, stop)
  }

  /** Every failed request's error is made here. */
  #error(
    call: Call,
    attempts: number,
    said: Omit<CortexApiErrorDetails, 'operation' | 'tag' | 'attempts'>,
    cause?: unknown
  ): CortexApiError {
    const details = { operation: call.operation, tag: call.tag, attempts, ...said }
    return new CortexApiError(details, cause === undefined ? undefined : { cause })
  }

  /** 2xx answers the action cannot act on: `detail` says why, never quoting a body. */
  #unusable(
    call: Pick<Call, 'operation' | 'tag' | 'page'>,
    reply: Reply | undefined,
    detail: string
  ): UnusableAnswerError {
    const { operation, tag, page } = call
    return new UnusableAnswerError({ operation, tag, page, status: reply?.status, attempts: reply?.attempts, detail })
  }

  async #attempt(method: Dispatcher.HttpMethod, url: URL, body: string | undefined): Promise<AttemptResult> {
    const { apiKey, userAgent, dispatcher, debug, timeoutMs, gate } = this.#options
    const started = performance.now()
    const target = `${method} ${url.pathname}${url.search}`
    try {
      const response = await request(url, {
        method,
        dispatcher,
        body,
        // A stopped run waits for no answer: the stop aborts what is in flight, as it ends every wait.
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), gate.stopped]),
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': userAgent
        }
      })
      const text = await readCapped(response.body, MAX_RESPONSE_BYTES)
      debug?.(`${target} ${response.statusCode} ${elapsed(started)} ms`)
      return { status: response.statusCode, headers: response.headers, text }
    } catch (error) {
      const err = error as Error & { code?: string }
      // Once the run has stopped, whatever ended this attempt, the stop is why it is not retried.
      const code = gate.stopped.aborted
        ? RUN_STOPPED_CODE
        : err.name === 'TimeoutError'
          ? TIMEOUT_CODE
          : (err.code ?? 'NETWORK_ERROR')
      debug?.(`${target} failed (${code}) after ${elapsed(started)} ms`)
      return { error: err, code }
    }
  }
}

/**
 * The list with each secret once (the same secret on two pages is kept once),
 * or the first conflict found: a tag under two ids, or an id under two tags.
 * Either way two entries claim what only one secret can be, and a prune driven
 * by them would delete one secret twice over, or the wrong one. The conflict
 * names tags only: they are checked against the tag pattern, ids are not.
 */
function uniqueSecrets(secrets: readonly SecretSummary[]): { unique: SecretSummary[]; conflict?: string } {
  const byTag = new Map<string, SecretSummary>()
  const byId = new Map<string, SecretSummary>()
  for (const secret of secrets) {
    const sameTag = byTag.get(secret.tag)
    if (sameTag !== undefined && sameTag.id !== secret.id) {
      return { unique: [], conflict: `the tag "${secret.tag}" under two different ids` }
    }
    const sameId = byId.get(secret.id)
    if (sameId !== undefined && sameId.tag !== secret.tag) {
      return { unique: [], conflict: `the tags "${sameId.tag}" and "${secret.tag}" under one id` }
    }
    if (sameTag === undefined) byTag.set(secret.tag, secret)
    if (sameId === undefined) byId.set(secret.id, secret)
  }
  return { unique: [...byTag.values()] }
}

function secretPath(tag: string): string {
  return `api/v1/secrets/${encodeURIComponent(tag)}`
}

/**
 * The response body as text, read only up to `maxBytes`: a hostile or broken
 * server cannot make the run hold an endless body in memory.
 */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.length
    if (size > maxBytes) {
      body.destroy()
      throw Object.assign(new Error('response body too large'), { code: RESPONSE_TOO_LARGE_CODE })
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}
