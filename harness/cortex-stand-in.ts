/**
 * A local stand-in for the Cortex Secrets API: the five operations of
 * shared/cortex-secrets-openapi.json, secrets kept in memory, every request
 * recorded. Tests, the demo and the benchmark start it on 127.0.0.1, over
 * http, or over https under a host name only a test proxy resolves.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Server, Socket } from 'node:net'
import type { IssuedCertificate } from './test-ca.ts'

export interface StoredSecret {
  id: string
  tag: string
  name: string
  secret: string
}

/** One request as the stand-in saw it, and what it answered. */
export interface RecordedRequest {
  method: string
  /** Path below the API prefix, e.g. `/api/v1/secrets/my_tag` (still percent-encoded). */
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  rawBody: string
  status: number
  responseContentType?: string
  responseBody: string
}

/** A canned answer from a fault hook, instead of the normal handling. */
export type InterceptReply =
  { status: number; headers?: Record<string, string>; body?: unknown } | { hang: true } | { reset: true }

export interface StandInOptions {
  /** The key requests must carry as `Authorization: Bearer <key>`. */
  apiKey?: string
  /** Status for creating a tag that exists: Cortex documents neither; 400 and 409 are both expected. */
  conflictStatus?: 400 | 409
  /** A path prefix in front of `/api/v1`, as a self-managed install behind a path would have. */
  pathPrefix?: string
  /** Milliseconds to wait before answering each request (the benchmark's latency). */
  latencyMs?: number
  /**
   * A token bucket per client, as Cortex's rate limit: `burst` requests at
   * once, refilled at `perSecond`. Beyond it: 429 with Retry-After (whole
   * seconds, as the contract says) and a problem+json body.
   */
  rateLimit?: { burst: number; perSecond: number }
  /**
   * Sees each request before it is handled; returning a reply answers it
   * instead (fault injection, races). Runs after the request is recorded.
   * A promise holds the answer back until it settles (to order answers).
   */
  intercept?: (
    request: RecordedRequest,
    standIn: CortexStandIn
  ) => InterceptReply | undefined | Promise<InterceptReply | undefined>
  /**
   * Serve https with this certificate. The URL then names `hostname` (still
   * listening on 127.0.0.1): a name that a test proxy maps to this machine.
   */
  tls?: IssuedCertificate & { hostname: string }
}

export const STAND_IN_API_KEY = 'stand-in-api-key'
const TAG_PATTERN = /^[A-Za-z0-9_-]+$/
const COLLECTION = '/api/v1/secrets'

class HttpError extends Error {
  readonly status: number
  readonly type: string
  constructor(status: number, type: string, message: string) {
    super(message)
    this.status = status
    this.type = type
  }
}

export class CortexStandIn {
  readonly secrets = new Map<string, StoredSecret>()
  readonly requests: RecordedRequest[] = []
  readonly options: StandInOptions
  #server: Server
  #sockets = new Set<Socket>()
  #url = ''
  #tokens = 0
  #refilledAt = 0

  private constructor(options: StandInOptions) {
    this.options = options
    const handle = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res)
    this.#server = options.tls
      ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handle)
      : createServer(handle)
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
  }

  static async start(options: StandInOptions = {}, port = 0): Promise<CortexStandIn> {
    const standIn = new CortexStandIn(options)
    standIn.#tokens = options.rateLimit?.burst ?? 0
    standIn.#refilledAt = performance.now()
    await new Promise<void>((resolve) => standIn.#server.listen(port, '127.0.0.1', resolve))
    const { port: bound } = standIn.#server.address() as AddressInfo
    const origin = options.tls ? `https://${options.tls.hostname}` : 'http://127.0.0.1'
    standIn.#url = `${origin}:${bound}${options.pathPrefix ?? ''}`
    return standIn
  }

  /** The base URL to give the action as `api-url`. */
  get url(): string {
    return this.#url
  }

  /** Adds secrets as if created earlier, without recording requests. */
  seed(secrets: Iterable<{ tag: string; name?: string; secret: string }>): void {
    for (const s of secrets)
      this.secrets.set(s.tag, { id: newId(), tag: s.tag, name: s.name ?? s.tag, secret: s.secret })
  }

  /** The stored values by tag: what a test compares byte for byte. */
  values(): Record<string, string> {
    return Object.fromEntries([...this.secrets.values()].map((s) => [s.tag, s.secret]))
  }

  requestsWith(method: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method)
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const prefix = this.options.pathPrefix ?? ''
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody: Buffer.concat(chunks).toString('utf8'),
      status: 0,
      responseBody: ''
    }
    this.requests.push(record)
    const limited = this.#takeToken()
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs))

    const requestId = randomBytes(8).toString('hex')
    const reply = limited ?? (await this.options.intercept?.(record, this))
    if (reply && 'hang' in reply) return
    if (reply && 'reset' in reply) {
      req.socket.destroy()
      return
    }
    let status: number
    let body: unknown
    let headers: Record<string, string> = {}
    if (reply) {
      ;({ status, body } = reply)
      headers = reply.headers ?? {}
    } else {
      try {
        this.#authorize(req.headers.authorization)
        ;({ status, body } = this.#route(record))
      } catch (error) {
        if (!(error instanceof HttpError)) throw error
        status = error.status
        body = { type: error.type, message: error.message, httpStatus: error.status, requestId }
      }
    }
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)
    const contentType = headers['content-type'] ?? (typeof body === 'object' ? 'application/json' : undefined)
    record.status = status
    record.responseBody = text
    record.responseContentType = contentType
    res.writeHead(status, { ...headers, ...(contentType ? { 'content-type': contentType } : {}) })
    res.end(text)
  }

  /** Spends a token of the rate limit, or returns the 429 to send. */
  #takeToken(): InterceptReply | undefined {
    const limit = this.options.rateLimit
    if (!limit) return undefined
    const now = performance.now()
    this.#tokens = Math.min(limit.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * limit.perSecond)
    this.#refilledAt = now
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return undefined
    }
    const retryAfter = Math.ceil((1 - this.#tokens) / limit.perSecond)
    return {
      status: 429,
      headers: { 'retry-after': String(retryAfter), 'content-type': 'application/problem+json' },
      body: { type: 'about:blank', title: 'Too Many Requests', status: 429, retryAfter }
    }
  }

  #authorize(header: string | undefined): void {
    const key = this.options.apiKey ?? STAND_IN_API_KEY
    if (header === undefined) throw new HttpError(401, 'UNCATEGORIZED', 'Missing Authorization header')
    if (header !== `Bearer ${key}`) throw new HttpError(401, 'UNCATEGORIZED', 'Invalid API key')
  }

  #route(r: RecordedRequest): { status: number; body?: unknown } {
    if (r.path === COLLECTION) {
      if (r.method === 'GET') return this.#list(r.query)
      if (r.method === 'POST') return this.#create(parseBody(r.rawBody))
    } else if (r.path.startsWith(`${COLLECTION}/`)) {
      const tagOrId = decodeURIComponent(r.path.slice(COLLECTION.length + 1))
      const found = this.#find(tagOrId)
      if (!['GET', 'PUT', 'DELETE'].includes(r.method)) throw new HttpError(405, 'BAD_REQUEST', 'Method not allowed')
      if (!found) throw new HttpError(404, 'NOT_FOUND', `Secret ${tagOrId} not found`)
      if (r.method === 'GET') return { status: 200, body: summary(found) }
      if (r.method === 'PUT') return this.#update(found, parseBody(r.rawBody))
      this.secrets.delete(found.tag)
      return { status: 200 }
    }
    throw new HttpError(404, 'NOT_FOUND', 'No such endpoint')
  }

  #list(query: Record<string, string>): { status: number; body: unknown } {
    const page = integerParam(query, 'page')
    const pageSize = integerParam(query, 'pageSize')
    if (page < 0) throw new HttpError(400, 'BAD_REQUEST', 'page must be 0 or more')
    if (pageSize < 1 || pageSize > 1000) throw new HttpError(400, 'BAD_REQUEST', 'pageSize must be between 1 and 1000')
    const all = [...this.secrets.values()]
    const secrets = all.slice(page * pageSize, (page + 1) * pageSize).map(summary)
    return { status: 200, body: { page, secrets, total: all.length, totalPages: Math.ceil(all.length / pageSize) } }
  }

  #create(body: Record<string, unknown>): { status: number; body: unknown } {
    const { tag, name, secret } = body
    for (const [field, value] of Object.entries({ tag, name, secret })) {
      if (typeof value !== 'string') throw new HttpError(400, 'BAD_REQUEST', `${field} is required`)
    }
    if (!TAG_PATTERN.test(tag as string)) throw new HttpError(400, 'BAD_REQUEST', 'Invalid tag')
    if (this.secrets.has(tag as string)) {
      const status = this.options.conflictStatus ?? 409
      throw new HttpError(status, status === 409 ? 'CONFLICT' : 'BAD_REQUEST', `Secret with tag ${tag} already exists`)
    }
    const stored: StoredSecret = { id: newId(), tag: tag as string, name: name as string, secret: secret as string }
    this.secrets.set(stored.tag, stored)
    return { status: 200, body: summary(stored) }
  }

  #update(found: StoredSecret, body: Record<string, unknown>): { status: number; body: unknown } {
    for (const key of Object.keys(body)) {
      if (key !== 'name' && key !== 'secret') throw new HttpError(400, 'BAD_REQUEST', `Unknown field ${key}`)
      if (typeof body[key] !== 'string') throw new HttpError(400, 'BAD_REQUEST', `${key} must be a string`)
    }
    if (typeof body.name === 'string') found.name = body.name
    if (typeof body.secret === 'string') found.secret = body.secret
    return { status: 200, body: summary(found) }
  }

  #find(tagOrId: string): StoredSecret | undefined {
    return this.secrets.get(tagOrId) ?? [...this.secrets.values()].find((s) => s.id === tagOrId)
  }
}

function parseBody(raw: string): Record<string, unknown> {
  try {
    const body: unknown = JSON.parse(raw)
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>
  } catch {
    // answered below
  }
  throw new HttpError(400, 'BAD_REQUEST', 'Request body must be a JSON object')
}

function integerParam(query: Record<string, string>, name: string): number {
  const text = query[name]
  if (text === undefined || !/^-?\d+$/.test(text))
    throw new HttpError(400, 'BAD_REQUEST', `${name} is required and must be an integer`)
  return Number(text)
}

function summary(s: StoredSecret): { id: string; name: string; tag: string } {
  return { id: s.id, name: s.name, tag: s.tag }
}

function newId(): string {
  return `se${randomBytes(8).toString('hex')}`
}
