import { performance } from 'node:perf_hooks'
import { Agent, EnvHttpProxyAgent, Pool, request, type Dispatcher } from 'undici'
import {
  ApiKeyRefusedError,
  CortexApiError,
  StoppedInFlightError,
  TAG_PATTERN,
  TAG_RULE,
  UnusableAnswerError,
  isLoopback,
  mapConcurrently,
  type CortexApiErrorDetails,
  type CortexOperation
} from '../domain/secret.ts'
import { headOf, Redactor, seconds } from '../domain/text.ts'
import {
  DEFAULT_BACKOFF,
  RequestGate,
  TIMEOUT_CODE,
  sendWithRetries,
  systemClock,
  type AttemptResult,
  type Clock,
  type RetryEvent,
  type RetryPolicy,
  type WaitReason
} from './retry.ts'

/** A secret as Cortex describes it (`SecretResponse`), never with its value; and a page of the list. */
export interface SecretSummary {
  id: string
  tag: string
  name?: string
}

interface SecretPage {
  page: number
  secrets: SecretSummary[]
  total: number
  totalPages: number
}

/**
 * What a create came to. `exists`: Cortex refused it, and reading the tag back found it; when an
 * earlier attempt got no complete answer or a 5xx, the secret found may be the one it stored.
 */
type CreateResult = { outcome: 'created' } | { outcome: 'exists'; earlierAttemptMayHaveLanded: boolean }

/** A request that failed and is sent again: which one, and why. */
export type RequestRetry = RetryEvent & { operation: CortexOperation; tag?: string }

/**
 * `baseUrl` ends in `/` (paths resolve against it, so a prefix is kept); `timeoutMs` is per attempt,
 * body included; `secrets` are the values Cortex's text must never show (the key is added);
 * `debug` gets one line per attempt: method, path, status, milliseconds.
 */
export interface CortexClientOptions {
  baseUrl: URL
  apiKey: string
  userAgent: string
  dispatcher: Dispatcher
  timeoutMs: number
  maxRetries: number
  requestsPerMinute: number
  secrets?: Iterable<string>
  clock?: Clock
  random?: () => number
  /** The variable that names the proxy requests go through, for messages. */
  proxy?: string
  debug?: (line: string) => void
  onRetry?: (retry: RequestRetry) => void
  onWait?: (ms: number, reason: WaitReason) => void
}

/** The largest body read (a full list page is under 1 MiB); the largest page; the most pages (a million secrets). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024
const MAX_PAGE_SIZE = 1000
const MAX_LIST_PAGES = 1000
/** Characters shown of a secret's name, and of each field of Cortex's errors. */
const SHOWN = { name: 200, type: 64, detail: 300, requestId: 100 } as const
const MAX_VIOLATIONS = 10
const RESPONSE_TOO_LARGE_CODE = 'RESPONSE_TOO_LARGE'
/** An attempt abandoned because the run stopped: never retried, and reported with the stop's reason. */
const RUN_STOPPED_CODE = 'RUN_STOPPED'
const PROXY_REFUSED_CODE = 'PROXY_REFUSED'
/** Failures before a request left for Cortex: any other without an answer may have reached it. */
const NOT_SENT = new Set(
  `ECONNREFUSED ENETUNREACH EAI_AGAIN ENOTFOUND UND_ERR_CONNECT_TIMEOUT ${PROXY_REFUSED_CODE}`.split(' ')
)
const WRITES = new Set<CortexOperation>(['create', 'update', 'delete'])

interface Call {
  operation: CortexOperation
  method: Dispatcher.HttpMethod
  path: string
  tag?: string
  body?: unknown
  page?: number
}

/** What a request came to after its retries: the last status (none without a complete answer), its body or error. */
interface Reply {
  status?: number
  text?: string
  /** Set unless the answer was 2xx; Cortex's text in it is cleaned only when it is read (a 404 the caller absorbs costs nothing). */
  error?: CortexApiError
  attempts: number
  /** An attempt before the last got no complete answer or a 5xx: Cortex may have carried it out. */
  earlierAttemptMayHaveLanded: boolean
}

/**
 * The five operations of the Cortex Secrets API, with retries, pacing and timeouts: bodies are
 * checked before use, statuses become typed results, and Cortex's text is cleaned before it leaves.
 */
export class CortexClient {
  readonly #options: CortexClientOptions
  readonly #policy: RetryPolicy
  readonly #gate: RequestGate
  readonly #redactor: Redactor

  constructor(options: CortexClientOptions) {
    this.#options = options
    const clock = options.clock ?? systemClock
    this.#policy = { ...DEFAULT_BACKOFF, maxRetries: options.maxRetries, clock, random: options.random ?? Math.random }
    this.#gate = new RequestGate({ requestsPerMinute: options.requestsPerMinute, clock, onWait: options.onWait })
    this.#redactor = new Redactor([options.apiKey, ...(options.secrets ?? [])])
  }

  /** Stops the run: no request starts, every wait ends, every request in flight is aborted. */
  stop(reason: Error): void {
    this.#gate.stop(reason)
  }

  async listPage(page: number, pageSize = MAX_PAGE_SIZE): Promise<SecretPage> {
    return (await this.#listPage(page, pageSize)).read
  }

  /**
   * Every secret in the workspace, each once, names cleaned. The first page's counts are claims:
   * the pages read are the fewer of `totalPages` and what `total` fills, at most MAX_LIST_PAGES,
   * stopping at the first empty page. A secret on two pages (an insertion moved it) is kept
   * once; one tag under two ids, or one id under two tags, is a list that cannot be trusted.
   */
  async listAll(concurrency = 1, known: ReadonlySet<string> = new Set()): Promise<SecretSummary[]> {
    const { read: first, call, reply } = await this.#listPage(0, MAX_PAGE_SIZE)
    const claimed = Math.min(first.totalPages, Math.ceil(first.total / MAX_PAGE_SIZE))
    if (claimed > MAX_LIST_PAGES) {
      const detail = `${first.total} secrets in ${first.totalPages} pages: more than the ${MAX_LIST_PAGES} pages of ${MAX_PAGE_SIZE} this action reads`
      throw this.#unusable(call, reply, detail)
    }
    const rest = Array.from({ length: first.secrets.length === 0 ? 0 : Math.max(0, claimed - 1) }, (_, i) => i + 1)
    // Past an empty page a server only repeats its count: later pages are neither read nor kept.
    let end = rest.length + 1
    const pages = await mapConcurrently(rest, concurrency, async (page) => {
      if (page >= end) return []
      // A failed page ends the list: no other page is asked for.
      const { secrets } = await this.listPage(page).catch((error: unknown) => {
        end = 0
        throw error
      })
      if (secrets.length === 0) end = Math.min(end, page)
      return secrets
    })
    const unique = uniqueSecrets([first.secrets, ...pages].slice(0, end).flat())
    if (typeof unique === 'string') {
      throw this.#unusable({ operation: 'list' }, undefined, `${unique}: the list cannot be trusted`)
    }
    // Names are Cortex's text, shown in the log and the summary: cleaned here, all in one look. So are the
    // tags the caller did not write: one that quotes a secret is a list that cannot be trusted (it would be
    // shown in the log, the summary and the outputs, and named in a request's path).
    const raw = unique.map((secret) => secret.name ?? '')
    const tags = unique.map((secret) => secret.tag).filter((tag) => !known.has(tag))
    const limits = [...raw.map(() => SHOWN.name), ...tags.map((tag) => tag.length + 64)]
    const cleaned = this.#redactor.cleanAll([...raw, ...tags], limits)
    if (tags.some((tag, i) => cleaned[raw.length + i] !== tag)) {
      const detail = 'a tag that quotes a secret value of this run: the list cannot be trusted'
      throw this.#unusable({ operation: 'list' }, undefined, detail)
    }
    const names = cleaned.slice(0, raw.length)
    return unique.map((secret, i) => (secret.name === undefined ? secret : { ...secret, name: names[i] as string }))
  }

  /** Whether the tag exists: Cortex answers 404, or its lookup (by tag or id) finds another tag. */
  async exists(tag: string): Promise<boolean> {
    const call: Call = { operation: 'get', method: 'GET', path: secretPath(tag), tag }
    const reply = await this.#exchange(call)
    if (reply.status === 404) return false
    if (reply.error) throw reply.error
    return this.#read(call, reply, (body) => readSummary(body, 'the body')).tag === tag
  }

  /**
   * Creates the secret, or finds that its tag exists. Cortex answers an existing tag with 400 or
   * 409 (it documents neither), and 400 is also its answer to a bad body: only reading the tag
   * back, and finding that very tag, makes it "exists". Otherwise the create's own error is thrown.
   */
  async create(secret: { tag: string; name: string; value: string }): Promise<CreateResult> {
    const { tag } = secret
    const body = { name: secret.name, secret: secret.value, tag }
    const call: Call = { operation: 'create', method: 'POST', path: 'api/v1/secrets', tag, body }
    const reply = await this.#exchange(call)
    if (reply.status === 400 || reply.status === 409) {
      const found = await this.exists(tag).catch((error: unknown) => {
        if (error instanceof ApiKeyRefusedError) throw error
        return false
      })
      if (!found) throw reply.error
      return { outcome: 'exists', earlierAttemptMayHaveLanded: reply.earlierAttemptMayHaveLanded }
    }
    if (reply.error) throw reply.error
    this.#read(call, reply, (b) => readSummary(b, 'the body', tag))
    return { outcome: 'created' }
  }

  /** Sends `name` only when given, so that an update never renames a secret by accident. `absent`: 404. */
  async update(tag: string, change: { name?: string; value: string }): Promise<'updated' | 'absent'> {
    const body = { ...(change.name === undefined ? {} : { name: change.name }), secret: change.value }
    const call: Call = { operation: 'update', method: 'PUT', path: secretPath(tag), tag, body }
    const reply = await this.#exchange(call)
    if (reply.status === 404) return 'absent'
    if (reply.error) throw reply.error
    this.#read(call, reply, (b) => readSummary(b, 'the body', tag))
    return 'updated'
  }

  /** `absent`: 404, already gone. Any 2xx is `deleted`, whatever its body: the API gives DELETE's 200 none. */
  async delete(tag: string): Promise<'deleted' | 'absent'> {
    const reply = await this.#exchange({ operation: 'delete', method: 'DELETE', path: secretPath(tag), tag })
    if (reply.status === 404) return 'absent'
    if (reply.error) throw reply.error
    return 'deleted'
  }

  async #listPage(page: number, pageSize: number): Promise<{ read: SecretPage; call: Call; reply: Reply }> {
    // Both parameters are always sent: the spec marks them required.
    const path = `api/v1/secrets?page=${page}&pageSize=${pageSize}`
    const call: Call = { operation: 'list', method: 'GET', path, page }
    const reply = await this.#exchange(call)
    if (reply.error) throw reply.error
    return { read: this.#read(call, reply, (body) => readPage(body, page, pageSize)), call, reply }
  }

  /** Reads a 2xx body with `read`; a body that is not JSON or does not match is the request's failure. */
  #read<T>(call: Call, reply: Reply, read: (body: unknown) => T): T {
    let body: unknown
    try {
      body = reply.text ? JSON.parse(reply.text) : undefined
    } catch {
      throw this.#unusable(call, reply, `a ${reply.text?.length ?? 0}-character success body that is not JSON`)
    }
    try {
      return read(body)
    } catch (error) {
      if (!(error instanceof ShapeMismatch)) throw error
      throw this.#unusable(call, reply, `a body that does not match the API: ${error.message}`)
    }
  }

  /**
   * Sends with retries and says what it came to. Throws only when the run stops (a refused key,
   * or a stop while this request waited or was in flight): every other failure is returned, so
   * that callers turn the statuses they expect into results.
   */
  async #exchange(call: Call): Promise<Reply> {
    const url = new URL(call.path, this.#options.baseUrl)
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    const uncertain: boolean[] = []
    let unanswered = false
    // A stop while a write waits to be sent again, after an attempt that got no answer: it may have been applied.
    const stopped = (stop: unknown) =>
      unanswered && WRITES.has(call.operation)
        ? new StoppedInFlightError(call.operation, call.tag, stop as Error)
        : stop
    const { result, verdict, attempts } = await sendWithRetries(
      async () => {
        // The stop may have come since the gate let this request through: then it is not sent.
        this.#gate.stopped.throwIfAborted()
        const attempt = await this.#attempt(call.method, url, body)
        uncertain.push(!('status' in attempt) || attempt.status >= 500)
        unanswered ||= !('status' in attempt) && !NOT_SENT.has(attempt.code)
        return attempt
      },
      this.#policy,
      this.#gate,
      (event) => this.#options.onRetry?.({ ...event, operation: call.operation, tag: call.tag })
    ).catch((stop: unknown) => {
      throw stopped(stop)
    })
    const reply = { attempts, earlierAttemptMayHaveLanded: uncertain.slice(0, -1).includes(true) }
    // A write sent without an answer may have been carried out: every report of it says so.
    const mayHave = WRITES.has(call.operation) && unanswered ? '; it may have been applied' : ''
    const error = (said: Omit<CortexApiErrorDetails, 'operation' | 'tag' | 'attempts'>, cause?: unknown) =>
      new CortexApiError(
        { operation: call.operation, tag: call.tag, attempts, ...said, detail: said.detail + mayHave },
        { cause }
      )

    if ('error' in result) {
      if (result.code === RUN_STOPPED_CODE) throw this.#stoppedInFlight(call)
      const detail =
        result.code === TIMEOUT_CODE
          ? `no response within ${seconds(this.#options.timeoutMs)}`
          : result.code === RESPONSE_TOO_LARGE_CODE
            ? `the response was larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, so it was not read`
            : result.code === PROXY_REFUSED_CODE
              ? proxyRefusal(result.error.message, this.#options.proxy)
              : 'the connection failed before the response was complete'
      return { ...reply, error: error({ type: result.code, detail }, result.error) }
    }
    const { status, text } = result
    if (verdict.kind === 'success') return { ...reply, status, text }
    // A give-up reason of the policy's own (a Retry-After too long to wait) replaces Cortex's message.
    const describe = () => {
      const said =
        status >= 300 && status < 400
          ? {
              detail:
                'a redirect, which the action never follows (the API key would go along): set api-url to the final URL'
            }
          : this.#errorBody(text)
      return error({ status, ...said, detail: (verdict.kind === 'fail' && verdict.reason) || said.detail })
    }
    if (verdict.kind === 'stop-run') {
      const refused = new ApiKeyRefusedError(describe())
      this.#gate.stop(refused)
      throw stopped(refused)
    }
    let failure: CortexApiError | undefined
    return {
      ...reply,
      status,
      get error() {
        return (failure ??= describe())
      }
    }
  }

  /**
   * What Cortex says in an error body: its ErrorResponse, the `violations` shape, or problem+json.
   * Anything else is summarised by its length, never echoed. Each field is cleaned.
   */
  #errorBody(text: string): Pick<CortexApiErrorDetails, 'type' | 'detail' | 'requestId'> {
    let body: Record<string, unknown> = {}
    try {
      body = { ...JSON.parse(text) }
    } catch {
      // not JSON: summarised below
    }
    const string = (value: unknown) => (typeof value === 'string' ? value : undefined)
    let [type, detail] = [string(body.type), string(body.message)]
    if (detail === undefined && Array.isArray(body.violations)) {
      const violations = body.violations as Record<string, unknown>[]
      const parts = violations
        .slice(0, MAX_VIOLATIONS)
        .map((v) => [v?.pointer, v?.title].filter((s) => typeof s === 'string').join(' '))
      if (violations.length > MAX_VIOLATIONS) parts.push(`and ${violations.length - MAX_VIOLATIONS} more`)
      ;[type, detail] = ['VIOLATIONS', parts.join('; ') || 'validation failed']
    }
    detail ??= string(body.title)
    if (detail === undefined) return { detail: `a ${Buffer.byteLength(text)}-byte body that is not a Cortex error` }
    const fields = { type, detail, requestId: string(body.requestId) }
    const keys = (['type', 'detail', 'requestId'] as const).filter((key) => fields[key] !== undefined)
    const [raw, limits] = [keys.map((key) => fields[key] as string), keys.map((key) => SHOWN[key])]
    const cleaned = this.#redactor.cleanAll(raw, limits)
    keys.forEach((key, i) => (fields[key] = cleaned[i] as string))
    return fields
  }

  /**
   * A request abandoned in flight when the run stopped. A read changed nothing, so it fails with
   * the stop's reason; a write may have reached Cortex and been carried out, and says so.
   */
  #stoppedInFlight({ operation, tag }: Call): Error {
    const stop = this.#gate.stopped.reason as Error
    return operation === 'list' || operation === 'get' ? stop : new StoppedInFlightError(operation, tag, stop)
  }

  /** A 2xx answer the action cannot act on: `detail` says why, never quoting the body. */
  #unusable(
    call: Pick<Call, 'operation' | 'tag' | 'page'>,
    reply: Reply | undefined,
    detail: string
  ): UnusableAnswerError {
    const { operation, tag, page } = call
    return new UnusableAnswerError({ operation, tag, page, status: reply?.status, attempts: reply?.attempts, detail })
  }

  async #attempt(method: Dispatcher.HttpMethod, url: URL, body: string | undefined): Promise<AttemptResult> {
    const { apiKey, userAgent, dispatcher, debug, timeoutMs } = this.#options
    const started = performance.now()
    const target = `${method} ${url.pathname}${url.search}`
    const elapsed = () => Math.round(performance.now() - started)
    try {
      const response = await request(url, {
        method,
        dispatcher,
        body,
        // A stopped run waits for no answer: the stop aborts what is in flight, as it ends every wait.
        signal: AbortSignal.any([timeoutSignal(timeoutMs), this.#gate.stopped]),
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': userAgent
        }
      })
      const text = await readCapped(response.body, MAX_RESPONSE_BYTES)
      debug?.(`${target} ${response.statusCode} ${elapsed()} ms`)
      return { status: response.statusCode, headers: response.headers, text }
    } catch (error) {
      const err = error as Error & { code?: string }
      // Once the run has stopped, whatever ended this attempt, the stop is why it is not retried.
      const code = this.#gate.stopped.aborted
        ? RUN_STOPPED_CODE
        : err.name === 'TimeoutError'
          ? TIMEOUT_CODE
          : err.code === 'UND_ERR_ABORTED' && err.message.startsWith('Proxy response (')
            ? PROXY_REFUSED_CODE
            : (err.code ?? 'NETWORK_ERROR')
      debug?.(`${target} failed (${code}) after ${elapsed()} ms`)
      return { error: err, code }
    }
  }
}

/** Each secret once, or the first conflict (a tag under two ids, an id under two tags: a prune could delete the wrong one). */
function uniqueSecrets(secrets: readonly SecretSummary[]): SecretSummary[] | string {
  const byTag = new Map<string, SecretSummary>()
  const byId = new Map<string, SecretSummary>()
  for (const secret of secrets) {
    const sameTag = byTag.get(secret.tag)
    if (sameTag !== undefined && sameTag.id !== secret.id) return `the tag "${secret.tag}" under two different ids`
    const sameId = byId.get(secret.id)
    if (sameId !== undefined && sameId.tag !== secret.tag)
      return `the tags "${sameId.tag}" and "${secret.tag}" under one id`
    byTag.set(secret.tag, secret)
    byId.set(secret.id, secret)
  }
  return [...byTag.values()]
}

/**
 * Aborts after `ms` of this process's time waiting, not of it computing: a timer that fires late
 * (the event loop was busy) waits as long again, so that an answer that came meanwhile is read.
 */
export function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController()
  let due = performance.now() + ms
  const check = () => {
    const late = performance.now() - due
    if (late < 100) return controller.abort(new DOMException('The attempt timed out', 'TimeoutError'))
    due = performance.now() + late
    setTimeout(check, late).unref()
  }
  setTimeout(check, ms).unref()
  return controller.signal
}

/** undici's "Proxy response (407) !== 200 when HTTP Tunneling", said for the user. */
function proxyRefusal(message: string, proxy = 'the proxy variable'): string {
  const status = /\((\d{3})\)/.exec(message)?.[1] ?? 'an error'
  const credentials = status === '407' ? `: it refused the credentials in ${proxy}` : ''
  return `the proxy named by ${proxy} refused the tunnel to Cortex with HTTP ${status}${credentials}`
}

function secretPath(tag: string): string {
  return `api/v1/secrets/${encodeURIComponent(tag)}`
}

/** The body as text, read only up to `maxBytes`: a server cannot make the run hold an endless body. */
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

// Cortex's bodies, checked by hand against the OpenAPI shapes (a schema validator would cost start-up
// time for three small shapes). A mismatch names the field and the kind found there, never the body.

class ShapeMismatch extends Error {}

/** A list page: safe whole numbers, `page` the one asked, at most the page size; one bad item fails it all. */
function readPage(body: unknown, page: number, pageSize: number): SecretPage {
  const fields = field(body, 'the body', 'object') as Record<string, unknown>
  const [read, total, totalPages] = (['page', 'total', 'totalPages'] as const).map(
    (key) => field(fields[key], key, 'number') as number
  )
  if (read !== page) throw new ShapeMismatch(`page is ${read}, not the page asked (${page})`)
  const items = fields.secrets
  if (!Array.isArray(items)) throw new ShapeMismatch(`secrets is ${kindOf(items)}, not an array`)
  if (items.length > pageSize) {
    throw new ShapeMismatch(`secrets holds ${items.length} items, more than the ${pageSize} asked`)
  }
  const secrets = items.map((item: unknown, i) => readSummary(item, `secrets[${i}]`))
  return { page, secrets, total: total as number, totalPages: totalPages as number }
}

/** A secret; the answer to a create or an update must carry the tag asked for (`asked`). */
function readSummary(value: unknown, where: string, asked?: string): SecretSummary {
  const fields = field(value, where, 'object') as Record<string, unknown>
  const at = (key: string) => (where === 'the body' ? key : `${where}.${key}`)
  const id = field(fields.id, at('id'), 'string') as string
  if (id === '') throw new ShapeMismatch(`${at('id')} is empty`)
  const tag = field(fields.tag, at('tag'), 'string') as string
  if (!TAG_PATTERN.test(tag)) throw new ShapeMismatch(`${at('tag')} is not a tag (${TAG_RULE})`)
  if (asked !== undefined && tag !== asked) throw new ShapeMismatch('tag is not the tag asked')
  // `name` is optional; a null is read as absent, as a serialiser writes an unset field.
  // Only the start of a name is ever shown: a page of long names is not kept whole.
  const name = fields.name ?? undefined
  return name === undefined ? { id, tag } : { id, tag, name: headOf(field(name, at('name'), 'string') as string, 1000) }
}

/** The value when it is of `kind` (a number: a safe whole number of 0 or more). */
function field(value: unknown, where: string, kind: 'object' | 'string' | 'number'): unknown {
  const expected = kind === 'object' ? 'an object' : `a ${kind}`
  if (kindOf(value) !== expected) throw new ShapeMismatch(`${where} is ${kindOf(value)}, not ${expected}`)
  if (kind === 'number' && (!Number.isSafeInteger(value) || (value as number) < 0)) {
    throw new ShapeMismatch(`${where} is ${value as number}, not a whole number of 0 or more`)
  }
  return value
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/**
 * A loopback host is reached directly, never through a proxy (plain http is allowed there only because it stays on
 * this machine); any other through undici's EnvHttpProxyAgent (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case).
 * undici follows no redirect, so the key never reaches another origin, and one choice holds for the whole run.
 */
export function dispatcherFor(apiUrl: URL, timeoutMs = 30_000): Dispatcher {
  if (isLoopback(apiUrl.hostname)) return new Agent()
  // undici gives the proxy's CONNECT no deadline of the request's: a proxy that never answers gets timeoutMs.
  return new EnvHttpProxyAgent({
    clientFactory: (origin, opts) => new Pool(origin, { ...opts, headersTimeout: timeoutMs }),
    // Nor the TLS handshake through the tunnel, nor the connection to the proxy: timeoutMs, not undici's 10 s.
    requestTls: { timeout: timeoutMs },
    proxyTls: { timeout: timeoutMs }
  })
}
