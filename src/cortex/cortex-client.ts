import { performance } from 'node:perf_hooks'
import { request, type Dispatcher } from 'undici'
import { CortexApiError, type CortexOperation } from './cortex-api-error.ts'
import { readErrorBody } from './error-body.ts'

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
  /** undici dispatcher: an Agent, a proxy agent, or a mock in tests. */
  dispatcher: Dispatcher
  /** Receives one line per request: method, path, status, milliseconds. */
  debug?: (line: string) => void
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

/** The five operations of the Cortex Secrets API. */
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

  /** Every secret in the workspace, following `totalPages`. */
  async listAll(): Promise<SecretSummary[]> {
    const first = await this.listPage(0)
    const secrets = [...first.secrets]
    for (let page = 1; page < first.totalPages; page++) {
      secrets.push(...(await this.listPage(page)).secrets)
    }
    return secrets
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
    return (await this.#send({ operation: 'create', method: 'POST', path: 'api/v1/secrets', tag: secret.tag, body })) as SecretSummary
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
    const { baseUrl, apiKey, userAgent, dispatcher, debug } = this.#options
    const url = new URL(call.path, baseUrl)
    const started = performance.now()
    let status: number
    let text: string
    try {
      const response = await request(url, {
        method: call.method,
        dispatcher,
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          'content-type': 'application/json',
          'user-agent': userAgent
        },
        body: call.body === undefined ? undefined : JSON.stringify(call.body)
      })
      status = response.statusCode
      text = await response.body.text()
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'NETWORK_ERROR'
      debug?.(`${call.method} ${url.pathname}${url.search} failed (${code}) after ${elapsed(started)} ms`)
      throw new CortexApiError(
        { operation: call.operation, tag: call.tag, type: code, detail: 'the request failed before a response arrived' },
        { cause: error }
      )
    }
    debug?.(`${call.method} ${url.pathname}${url.search} ${status} ${elapsed(started)} ms`)

    if (status >= 200 && status < 300) {
      if (text === '') return undefined
      try {
        return JSON.parse(text)
      } catch {
        throw new CortexApiError({ operation: call.operation, tag: call.tag, status, detail: `a ${text.length}-character success body that is not JSON` })
      }
    }
    throw new CortexApiError({ operation: call.operation, tag: call.tag, status, ...readErrorBody(status, text) })
  }
}

function secretPath(tag: string): string {
  return `api/v1/secrets/${encodeURIComponent(tag)}`
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started)
}
