import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'
import type { UntrustedText } from '../text/untrusted-text.ts'
import { ApiKeyRefusedError, CortexApiError, type CortexOperation } from './cortex-api-error.ts'
import { readErrorBody } from './error-body.ts'
import type { RequestGate } from './request-gate.ts'
import { sendWithRetries, TIMEOUT_CODE, type AttemptResult, type RetryEvent, type RetryPolicy } from './retry-policy.ts'
import { cleanSecretNames, SHOWN_NAME_CHARS } from './secret-names.ts'

/** A secret as Cortex describes it: never with its value. */
export interface SecretSummary {
  id: string
  tag: string
  name?: string
}

export interface SecretPage {
  page: number
  secrets: SecretSummary[]
  total: number
  totalPages: number
}

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
  onRetry?: (event: RetryEvent & { operation: CortexOperation; tag?: string }) => void
}

/** The most the list endpoint returns per page. */
export const MAX_PAGE_SIZE = 1000

interface Call {
  operation: CortexOperation
  method: Dispatcher.HttpMethod
  path: string
  tag?: string
  body?: unknown
}

/** The five operations of the Cortex Secrets API, with retries, pacing and timeouts. */
export class CortexClient {
  readonly #options: CortexClientOptions

  constructor(options: CortexClientOptions) {
    this.#options = options
  }

  async listPage(page: number, pageSize = MAX_PAGE_SIZE): Promise<SecretPage> {
    // Both parameters are always sent: the spec marks them required.
    const path = `api/v1/secrets?page=${page}&pageSize=${pageSize}`
    return (await this.#send({ operation: 'list', method: 'GET', path })) as SecretPage
  }

  /**
   * Every secret in the workspace, following `totalPages`. The first page says
   * how many there are; the rest are fetched together (through the same gate,
   * so the rate limit still holds).
   */
  async listAll(): Promise<SecretSummary[]> {
    const first = await this.listPage(0)
    const pages = Array.from({ length: Math.max(0, first.totalPages - 1) }, (_, i) => i + 1)
    const rest = await Promise.all(pages.map((page) => this.listPage(page)))
    return [first, ...rest].flatMap((page) => page.secrets)
  }

  /** The secret with this tag, or `undefined` when Cortex answers 404. */
  async get(tag: string): Promise<SecretSummary | undefined> {
    try {
      return (await this.#send({ operation: 'get', method: 'GET', path: secretPath(tag), tag })) as SecretSummary
    } catch (error) {
      if (error instanceof CortexApiError && error.status === 404) return undefined
      throw error
    }
  }

  async create(secret: { tag: string; name: string; value: string }): Promise<SecretSummary> {
    const body = { name: secret.name, secret: secret.value, tag: secret.tag }
    return (await this.#send({
      operation: 'create',
      method: 'POST',
      path: 'api/v1/secrets',
      tag: secret.tag,
      body
    })) as SecretSummary
  }

  /** Sends `name` only when given, so an update never renames a secret by accident. */
  async update(tag: string, change: { name?: string; value: string }): Promise<SecretSummary> {
    const body = { ...(change.name === undefined ? {} : { name: change.name }), secret: change.value }
    return (await this.#send({ operation: 'update', method: 'PUT', path: secretPath(tag), tag, body })) as SecretSummary
  }

  async delete(tag: string): Promise<void> {
    await this.#send({ operation: 'delete', method: 'DELETE', path: secretPath(tag), tag })
  }

  async #send(call: Call): Promise<unknown> {
    const { retryPolicy, gate, onRetry, serverText } = this.#options
    const url = new URL(call.path, this.#options.baseUrl)
    const body = call.body === undefined ? undefined : JSON.stringify(call.body)
    const { result, verdict, attempts } = await sendWithRetries(
      () => this.#attempt(call.method, url, body),
      retryPolicy,
      gate,
      (event) => onRetry?.({ ...event, operation: call.operation, tag: call.tag })
    )
    const where = { operation: call.operation, tag: call.tag, attempts }

    if ('error' in result) {
      const detail =
        result.code === TIMEOUT_CODE
          ? `no response within ${this.#options.timeoutMs / 1000} s`
          : 'the connection failed before a response arrived'
      throw new CortexApiError({ ...where, type: result.code, detail }, { cause: result.error })
    }
    if (verdict.kind === 'success') {
      if (result.text === '') return undefined
      try {
        return cleanSecretNames(JSON.parse(result.text), (name) => serverText.clean(name, SHOWN_NAME_CHARS))
      } catch {
        throw new CortexApiError({
          ...where,
          status: result.status,
          detail: `a ${result.text.length}-character success body that is not JSON`
        })
      }
    }
    // A give-up reason of the policy's own (a Retry-After too long to wait) replaces Cortex's message.
    const said = readErrorBody(result.text, serverText)
    const reason = verdict.kind === 'fail' ? verdict.reason : undefined
    const error = new CortexApiError({ ...where, status: result.status, ...said, detail: reason ?? said.detail })
    if (verdict.kind === 'stop-run') {
      const refused = new ApiKeyRefusedError(error)
      gate.stop(refused)
      throw refused
    }
    throw error
  }

  async #attempt(method: Dispatcher.HttpMethod, url: URL, body: string | undefined): Promise<AttemptResult> {
    const { apiKey, userAgent, dispatcher, debug, timeoutMs } = this.#options
    const started = performance.now()
    const target = `${method} ${url.pathname}${url.search}`
    try {
      const response = await request(url, {
        method,
        dispatcher,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': userAgent
        }
      })
      const text = await response.body.text()
      debug?.(`${target} ${response.statusCode} ${elapsed(started)} ms`)
      return { status: response.statusCode, headers: response.headers, text }
    } catch (error) {
      const err = error as Error & { code?: string }
      const code = err.name === 'TimeoutError' ? TIMEOUT_CODE : (err.code ?? 'NETWORK_ERROR')
      debug?.(`${target} failed (${code}) after ${elapsed(started)} ms`)
      return { error: err, code }
    }
  }
}

function secretPath(tag: string): string {
  return `api/v1/secrets/${encodeURIComponent(tag)}`
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}
