/**
 * CortexClient: with undici's MockAgent swapped in for the network where the answer is all that
 * matters (no server, no waiting), and over real HTTP to the stand-in where requests abandoned in
 * flight are about sockets. The body readers and the error-body reader are private: they are
 * tested through what the client answers.
 */
import { createServer } from 'node:http'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { Agent, EnvHttpProxyAgent, MockAgent } from 'undici'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { TestProxy } from '../../harness/http-proxy.ts'
import { OpenApiContract } from '../../harness/openapi-contract.ts'
import { CortexClient, dispatcherFor, MAX_RESPONSE_BYTES, timeoutSignal } from '../../src/cortex/client.ts'
import {
  ApiKeyRefusedError,
  CortexApiError,
  StoppedInFlightError,
  UnusableAnswerError
} from '../../src/domain/secret.ts'
import { WITHHELD } from '../../src/domain/text.ts'
import { parseApiUrl } from '../../src/inputs/settings.ts'
import { clientFor } from '../support/client.ts'
import { FakeClock } from '../support/fake-clock.ts'

const USER_AGENT = 'cortex-secrets-action/9.8.7'

function mockedClient(maxRetries = 2, secrets: string[] = [], apiKey = 'ck_test_key_0000') {
  const agent = new MockAgent({ enableCallHistory: true })
  agent.disableNetConnect()
  const clock = new FakeClock()
  const client = new CortexClient({
    baseUrl: parseApiUrl('https://cortex.example.com/prefix'),
    apiKey,
    userAgent: USER_AGENT,
    dispatcher: agent,
    timeoutMs: 5000,
    maxRetries,
    requestsPerMinute: 1000,
    secrets,
    clock,
    random: () => 0.5
  })
  // The list pages asked for, in order.
  const pagesAsked = () =>
    (agent.getCallHistory()?.calls() ?? []).filter((c) => c.method === 'GET').map((c) => Number(c.searchParams.page))
  return { client, pool: agent.get('https://cortex.example.com'), clock, pagesAsked }
}
type Pool = ReturnType<typeof mockedClient>['pool']

/** What a promise rejected with; fails the test when it resolved. */
async function failure(promise: Promise<unknown>): Promise<CortexApiError> {
  const settled = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error })
  )
  if (!('error' in settled)) throw new Error(`expected a failure, got ${JSON.stringify(settled.value)}`)
  return settled.error as CortexApiError
}

const LIST = '/prefix/api/v1/secrets'
const listPath = (page: number, pageSize = 1000) => `${LIST}?page=${page}&pageSize=${pageSize}`
const summary = (tag: string, id = `se${tag.padStart(16, '0')}`) => ({ id, tag, name: tag })
const NOT_FOUND = { type: 'NOT_FOUND', message: 'Secret not found' }

describe('CortexClient over an injected dispatcher', () => {
  it('sends to the path below the prefix, the tag encoded, with the headers Cortex needs', async () => {
    const { client, pool } = mockedClient()
    let seen: Record<string, string> = {}
    pool
      .intercept({ path: '/prefix/api/v1/secrets/a%20b', method: 'GET' })
      .reply(404, (opts) => ((seen = opts.headers as Record<string, string>), NOT_FOUND))
    expect(await client.exists('a b')).toBe(false)
    expect(seen).toMatchObject({
      authorization: 'Bearer ck_test_key_0000',
      accept: 'application/json',
      'content-type': 'application/json',
      'user-agent': USER_AGENT
    })
  })

  it('tells one debug line per attempt: method, path and query, status or failure, milliseconds', async () => {
    const lines: string[] = []
    const agent = new MockAgent()
    agent.disableNetConnect()
    const client = new CortexClient({
      baseUrl: parseApiUrl('https://cortex.example.com'),
      apiKey: 'k',
      userAgent: USER_AGENT,
      dispatcher: agent,
      timeoutMs: 5000,
      maxRetries: 1,
      requestsPerMinute: 1000,
      clock: new FakeClock(),
      debug: (line) => lines.push(line)
    })
    const pool = agent.get('https://cortex.example.com')
    pool
      .intercept({ path: '/api/v1/secrets/t', method: 'DELETE' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    pool.intercept({ path: '/api/v1/secrets/t', method: 'DELETE' }).reply(200, '')
    pool
      .intercept({ path: '/api/v1/secrets?page=0&pageSize=1000', method: 'GET' })
      .reply(200, { page: 0, secrets: [], total: 0, totalPages: 0 })
    await client.delete('t')
    await client.listAll()
    expect(lines.map((line) => line.replace(/ \d+ ms$/, ' N ms'))).toEqual([
      'DELETE /api/v1/secrets/t failed (ECONNRESET) after N ms',
      'DELETE /api/v1/secrets/t 200 N ms',
      'GET /api/v1/secrets?page=0&pageSize=1000 200 N ms'
    ])
  })

  it('retries a connection reset with backoff on the injected clock, then reports the code and attempts', async () => {
    const { client, pool, clock } = mockedClient(2)
    pool
      .intercept({ path: LIST, method: 'POST' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .times(3)
    const error = await failure(client.create({ tag: 't', name: 't', value: 'v' }))
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.message).toBe(
      'create "t": no response ECONNRESET: the connection failed before the response was complete; it may have been applied (3 attempts)'
    )
    expect(error.details).toMatchObject({ operation: 'create', tag: 't', type: 'ECONNRESET', attempts: 3 })
    expect(error.status).toBeUndefined()
    // Full jitter below 0.5 s × 2^retry, drawn at 0.5.
    expect(clock.sleeps).toEqual([250, 500])
  })

  it('tells each retry with the operation and tag, and a 429 as a pause of the run', async () => {
    const retries: unknown[] = []
    const waits: unknown[] = []
    const agent = new MockAgent()
    agent.disableNetConnect()
    const clock = new FakeClock()
    const client = new CortexClient({
      baseUrl: parseApiUrl('https://cortex.example.com'),
      apiKey: 'k',
      userAgent: USER_AGENT,
      dispatcher: agent,
      timeoutMs: 5000,
      maxRetries: 2,
      requestsPerMinute: 1000,
      clock,
      random: () => 0.5,
      onRetry: (retry) => retries.push(retry),
      onWait: (ms, reason) => waits.push({ ms, reason })
    })
    const pool = agent.get('https://cortex.example.com')
    pool.intercept({ path: '/api/v1/secrets/t', method: 'PUT' }).reply(503, { message: 'Busy' })
    pool
      .intercept({ path: '/api/v1/secrets/t', method: 'PUT' })
      .reply(429, { title: 'Too Many Requests' }, { headers: { 'retry-after': '2' } })
    pool.intercept({ path: '/api/v1/secrets/t', method: 'PUT' }).reply(200, summary('t'))
    expect(await client.update('t', { value: 'v' })).toBe('updated')
    expect(retries).toEqual([
      { attempt: 1, reason: 'HTTP 503', delayMs: 250, operation: 'update', tag: 't' },
      { attempt: 2, reason: 'HTTP 429', delayMs: 2000, pause: 'new', operation: 'update', tag: 't' }
    ])
    expect(waits).toEqual([{ ms: 2000, reason: 'rate-limited' }])
    expect(clock.sleeps).toEqual([250, 2000])
  })

  it('stops reading a response past 16 MiB and fails the request without retrying it', async () => {
    const { client, pool, clock } = mockedClient(2)
    const huge = `{"page":0,"secrets":[],"total":0,"totalPages":1,"pad":"${'x'.repeat(MAX_RESPONSE_BYTES)}"}`
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, huge)
    const error = await failure(client.listAll(1))
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.message).toBe(
      'list: no response RESPONSE_TOO_LARGE: the response was larger than 16 MiB, so it was not read (1 attempt)'
    )
    expect(clock.sleeps).toEqual([])
  })

  it('treats a success body that is not JSON as an answer it cannot use, without echoing it', async () => {
    const { client, pool } = mockedClient()
    pool.intercept({ path: `${LIST}/t`, method: 'PUT' }).reply(200, '<html>s3cr3t</html>')
    pool.intercept({ path: LIST, method: 'POST' }).reply(200, 'hello')
    const error = await failure(client.update('t', { value: 'v' }))
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect(error.message).toBe(
      'Cortex answered update "t" with a 19-character success body that is not JSON (HTTP 200, 1 attempt)'
    )
    const created = await failure(client.create({ tag: 'x', name: 'x', value: 'v' }))
    expect(created).toBeInstanceOf(UnusableAnswerError)
    expect(created.message).toBe(
      'Cortex answered create "x" with a 5-character success body that is not JSON (HTTP 200, 1 attempt)'
    )
  })

  it("gives up on a Retry-After longer than the run waits, saying so with Cortex's type", async () => {
    const { client, pool, clock } = mockedClient()
    pool
      .intercept({ path: `${LIST}/t`, method: 'DELETE' })
      .reply(
        429,
        { type: 'TOO_MANY_REQUESTS', title: 'Too Many Requests', status: 429 },
        { headers: { 'retry-after': '3600' } }
      )
    const error = await failure(client.delete('t'))
    expect(error.message).toBe(
      'delete "t": HTTP 429 TOO_MANY_REQUESTS: Cortex asked to wait 3600 s, longer than this run waits (1 attempt)'
    )
    expect(clock.sleeps).toEqual([])
  })

  it('waits out a Retry-After of 300 s, and no longer', async () => {
    const { client, pool, clock } = mockedClient()
    const ask = (seconds: number) =>
      pool
        .intercept({ path: `${LIST}/t`, method: 'DELETE' })
        .reply(429, { title: 'Too Many Requests' }, { headers: { 'retry-after': String(seconds) } })
    ask(300)
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(200, '')
    const start = clock.now()
    expect(await client.delete('t')).toBe('deleted')
    expect(clock.now() - start).toBe(300_000)
    ask(301)
    expect((await failure(client.delete('t'))).details.detail).toBe(
      'Cortex asked to wait 301 s, longer than this run waits'
    )
  })
})

describe('listAll: the first page says how many, within bounds', () => {
  it('reads only page 0 when total says nothing more, whatever totalPages claims', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, {
      page: 0,
      secrets: [summary('a')],
      total: 1,
      totalPages: 4_294_967_296
    })
    expect(await client.listAll(16)).toEqual([summary('a')])
    expect(pagesAsked()).toEqual([0])
  })

  it('reads only page 0 when totalPages says nothing more, whatever total claims', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, {
      page: 0,
      secrets: [summary('a')],
      total: 999_999,
      totalPages: 1
    })
    expect(await client.listAll(16)).toEqual([summary('a')])
    expect(pagesAsked()).toEqual([0])
  })

  it('stops at the first empty page, and does not ask for the pages after it', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    const first = { page: 0, secrets: [summary('a')], total: 5000, totalPages: 5 }
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, first)
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, { ...first, page: 1, secrets: [] })
    expect(await client.listAll(1)).toEqual([summary('a')])
    expect(pagesAsked()).toEqual([0, 1])
  })

  it('keeps nothing past an empty page, even from a page read at the same time', async () => {
    const { client, pool } = mockedClient()
    const pageOf = (page: number, secrets: object[]) => ({ page, secrets, total: 3000, totalPages: 3 })
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, []))
    pool.intercept({ path: listPath(2), method: 'GET' }).reply(200, pageOf(2, [summary('c')]))
    expect((await client.listAll(2)).map((s) => s.tag)).toEqual(['a'])
  })

  it('asks for no other page when page 0 is empty, whatever the counts claim', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    pool
      .intercept({ path: listPath(0), method: 'GET' })
      .reply(200, { page: 0, secrets: [], total: 5000, totalPages: 5 })
    expect(await client.listAll(4)).toEqual([])
    expect(pagesAsked()).toEqual([0])
  })

  it('fails past 1,000 pages, naming the counts, without asking for another page', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    pool
      .intercept({ path: listPath(0), method: 'GET' })
      .reply(200, { page: 0, secrets: [summary('a')], total: 1_000_001, totalPages: 1001 })
    const error = await failure(client.listAll(4))
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect(error.message).toBe(
      'Cortex answered the list (page 0) with 1000001 secrets in 1001 pages: more than the 1000 pages of 1000 this action reads (HTTP 200, 1 attempt)'
    )
    expect(pagesAsked()).toEqual([0])
  })

  it('reads exactly 1,000 pages when that is what the counts say', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    const pageOf = (page: number) => ({ page, secrets: [summary(`t${page}`)], total: 1_000_000, totalPages: 1000 })
    pool
      .intercept({ path: (path) => path.startsWith(`${LIST}?`), method: 'GET' })
      .reply(200, (opts) => pageOf(Number(new URL(opts.path, 'http://x').searchParams.get('page'))))
      .persist()
    const listed = await client.listAll(16)
    expect(listed.map((s) => s.tag)).toEqual(Array.from({ length: 1000 }, (_, page) => `t${page}`))
    expect(pagesAsked().sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, page) => page))
  })

  it('keeps a secret two pages hold once; refuses a tag under two ids, and an id under two tags', async () => {
    const { client, pool } = mockedClient()
    const pageOf = (page: number, secrets: object[]) => ({ page, secrets, total: 1500, totalPages: 2 })
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a'), summary('b')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, [summary('b'), summary('c')]))
    expect((await client.listAll(2)).map((s) => s.tag)).toEqual(['a', 'b', 'c'])

    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a'), summary('b')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, [summary('b', 'se00000000000000ff')]))
    const error = await failure(client.listAll(2))
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect(error.message).toBe(
      'Cortex answered the list with the tag "b" under two different ids: the list cannot be trusted'
    )

    // One secret under two tags: a prune would send two DELETEs for it and count two deletions.
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a'), summary('b')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, [summary('b2', summary('b').id)]))
    const mirror = await failure(client.listAll(2))
    expect(mirror).toBeInstanceOf(UnusableAnswerError)
    expect(mirror.message).toBe(
      'Cortex answered the list with the tags "b" and "b2" under one id: the list cannot be trusted'
    )
  })

  it('stops asking for pages after one fails, and throws that failure', async () => {
    const { client, pool, pagesAsked } = mockedClient(0)
    const first = { page: 0, secrets: [summary('a')], total: 5000, totalPages: 5 }
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, first)
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, { ...first, page: 1, secrets: [null] })
    const error = await failure(client.listAll(1))
    expect(error.message).toBe(
      'Cortex answered the list (page 1) with a body that does not match the API: secrets[0] is null, not an object (HTTP 200, 1 attempt)'
    )
    expect(error.details).toMatchObject({ operation: 'list', page: 1, status: 200 })
    expect(pagesAsked()).toEqual([0, 1])
  })

  it('throws the failure of a list page Cortex refuses, with its status', async () => {
    const { client, pool } = mockedClient(0)
    pool
      .intercept({ path: listPath(0), method: 'GET' })
      .reply(500, { type: 'INTERNAL', message: 'Down', requestId: 'req-5' })
    const error = await failure(client.listAll(1))
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.message).toBe('list: HTTP 500 INTERNAL: Down (requestId req-5, 1 attempt)')
  })
})

describe('typed results: the client owns the statuses', () => {
  const post = (pool: Pool) => pool.intercept({ path: LIST, method: 'POST' })
  const getTag = (pool: Pool, tag: string) => pool.intercept({ path: `${LIST}/${tag}`, method: 'GET' })

  it('create: created, sending the tag, name and value', async () => {
    const { client, pool } = mockedClient()
    let sent: unknown
    post(pool).reply(200, (opts) => ((sent = JSON.parse(String(opts.body))), summary('t')))
    expect(await client.create({ tag: 't', name: 'T name', value: 'v' })).toEqual({ outcome: 'created' })
    expect(sent).toEqual({ name: 'T name', secret: 'v', tag: 't' })
  })

  it.each([400, 409])('create: %i and the tag read back is "exists"', async (status) => {
    const { client, pool } = mockedClient()
    post(pool).reply(status, { type: 'CONFLICT', message: 'exists' })
    getTag(pool, 't').reply(200, summary('t'))
    expect(await client.create({ tag: 't', name: 't', value: 'v' })).toEqual({
      outcome: 'exists',
      earlierAttemptMayHaveLanded: false
    })
  })

  it.each([
    ['404', 404, NOT_FOUND],
    ['another tag (a lookup by id)', 200, summary('other', 't_is_an_id')],
    ['the tag in another case', 200, summary('T')],
    ['a body that does not match', 200, { id: 'se1' }],
    ['a server error', 500, { type: 'INTERNAL', message: 'Oops' }]
  ])('create: 409, and the GET answers %s: the create error is thrown', async (_, status, body) => {
    const { client, pool } = mockedClient(0)
    post(pool).reply(409, { type: 'CONFLICT', message: 'Secret already exists', requestId: 'req-1' })
    getTag(pool, 't').reply(status, body)
    const error = await failure(client.create({ tag: 't', name: 't', value: 'v' }))
    expect(error.message).toBe('create "t": HTTP 409 CONFLICT: Secret already exists (requestId req-1, 1 attempt)')
  })

  it('create: a key refused on the read-back fails the create with the refusal, not the 409', async () => {
    const { client, pool } = mockedClient(0)
    post(pool).reply(409, { type: 'CONFLICT', message: 'exists' })
    getTag(pool, 't').reply(401, { type: 'UNCATEGORIZED', message: 'Invalid API key' })
    const error = await failure(client.create({ tag: 't', name: 't', value: 'v' }))
    expect(error).toBeInstanceOf(ApiKeyRefusedError)
    expect(error.message).toBe(
      'Cortex refused the API key with HTTP 401: the key is invalid or expired. The run stopped.'
    )
  })

  it('create: other failures are thrown without reading the tag back', async () => {
    const { client, pool } = mockedClient(0)
    post(pool).reply(422, { type: 'BAD_REQUEST', message: 'Refused' })
    const error = await failure(client.create({ tag: 't', name: 't', value: 'v' }))
    expect(error.message).toBe('create "t": HTTP 422 BAD_REQUEST: Refused (1 attempt)')
    expect(error.status).toBe(422)
  })

  it('create: "exists" after an attempt that got no answer may be our own create', async () => {
    const { client, pool } = mockedClient()
    post(pool).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
    post(pool).reply(409, { type: 'CONFLICT', message: 'exists' })
    getTag(pool, 't').reply(200, summary('t'))
    expect(await client.create({ tag: 't', name: 't', value: 'v' })).toEqual({
      outcome: 'exists',
      earlierAttemptMayHaveLanded: true
    })
  })

  it('create: "exists" after a 502 may be our own create too (the server may have carried it out)', async () => {
    const { client, pool } = mockedClient()
    post(pool).reply(502, 'Bad Gateway')
    post(pool).reply(409, { type: 'CONFLICT', message: 'exists' })
    getTag(pool, 't').reply(200, summary('t'))
    expect(await client.create({ tag: 't', name: 't', value: 'v' })).toEqual({
      outcome: 'exists',
      earlierAttemptMayHaveLanded: true
    })
  })

  it('create: "exists" after a 429 is not our own create (Cortex did not process it)', async () => {
    const { client, pool } = mockedClient()
    post(pool).reply(429, { type: 'about:blank', title: 'Too Many Requests', status: 429 })
    post(pool).reply(409, { type: 'CONFLICT', message: 'exists' })
    getTag(pool, 't').reply(200, summary('t'))
    expect(await client.create({ tag: 't', name: 't', value: 'v' })).toEqual({
      outcome: 'exists',
      earlierAttemptMayHaveLanded: false
    })
  })

  it('create: answered 200 with another tag fails with a clear reason', async () => {
    const { client, pool } = mockedClient()
    post(pool).reply(200, summary('other'))
    const error = await failure(client.create({ tag: 't', name: 't', value: 'v' }))
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect(error.message).toBe(
      'Cortex answered create "t" with a body that does not match the API: tag is not the tag asked (HTTP 200, 1 attempt)'
    )
  })

  it('update and delete: 404 is "absent", 200 is done', async () => {
    const { client, pool } = mockedClient()
    pool.intercept({ path: `${LIST}/t`, method: 'PUT' }).reply(404, NOT_FOUND)
    pool.intercept({ path: `${LIST}/t`, method: 'PUT' }).reply(200, summary('t'))
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(404, NOT_FOUND)
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(200, '')
    expect(await client.update('t', { value: 'v' })).toBe('absent')
    expect(await client.update('t', { value: 'v' })).toBe('updated')
    expect(await client.delete('t')).toBe('absent')
    expect(await client.delete('t')).toBe('deleted')
  })

  it('update: sends the name only when given, so that it never renames by accident', async () => {
    const { client, pool } = mockedClient()
    const sent: unknown[] = []
    pool
      .intercept({ path: `${LIST}/t`, method: 'PUT' })
      .reply(200, (opts) => (sent.push(JSON.parse(String(opts.body))), summary('t')))
      .times(2)
    await client.update('t', { value: 'v1' })
    await client.update('t', { value: 'v2', name: 'New' })
    expect(sent).toEqual([{ secret: 'v1' }, { name: 'New', secret: 'v2' }])
  })

  it('update and delete: other failures are thrown', async () => {
    const { client, pool } = mockedClient(0)
    pool.intercept({ path: `${LIST}/t`, method: 'PUT' }).reply(400, { type: 'BAD_REQUEST', message: 'Too long' })
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(400, { type: 'BAD_REQUEST', message: 'In use' })
    expect((await failure(client.update('t', { value: 'v' }))).message).toBe(
      'update "t": HTTP 400 BAD_REQUEST: Too long (1 attempt)'
    )
    expect((await failure(client.delete('t'))).message).toBe('delete "t": HTTP 400 BAD_REQUEST: In use (1 attempt)')
  })

  it.each([
    ['a body that is not JSON', 200, '<<<garbage'],
    ['a JSON body', 200, summary('t')],
    ['no body', 204, '']
  ])('delete: any 2xx is "deleted", whatever its body (%s)', async (_, status, body) => {
    const { client, pool } = mockedClient()
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(status, body)
    expect(await client.delete('t')).toBe('deleted')
  })

  it('exists: true for that very tag, false for another tag or a 404, and fails on a body it cannot read', async () => {
    const { client, pool } = mockedClient()
    getTag(pool, 't').reply(200, summary('t'))
    getTag(pool, 't').reply(200, summary('other'))
    getTag(pool, 't').reply(404, NOT_FOUND)
    getTag(pool, 't').reply(200, { id: 'se1', tag: 5 })
    expect(await client.exists('t')).toBe(true)
    expect(await client.exists('t')).toBe(false)
    expect(await client.exists('t')).toBe(false)
    await expect(client.exists('t')).rejects.toThrow(
      'Cortex answered get "t" with a body that does not match the API: tag is a number, not a string (HTTP 200, 1 attempt)'
    )
  })

  it('listPage: the page as Cortex gave it, with the page size asked', async () => {
    const { client, pool } = mockedClient()
    const raw = { id: 'se0000000000000001', tag: 'a', name: 'one\n::set-output name=x::y' }
    pool
      .intercept({ path: listPath(3, 10), method: 'GET' })
      .reply(200, { page: 3, secrets: [raw], total: 31, totalPages: 4 })
    expect(await client.listPage(3, 10)).toEqual({ page: 3, secrets: [raw], total: 31, totalPages: 4 })
  })
})

// The body readers, held against the vendor's OpenAPI text: what they accept, the schema accepts
// too, and what they require is what it requires. Each body is Cortex's answer to a request.
describe('answers checked against the API: list pages', () => {
  const { components } = new OpenApiContract().spec
  const ajv = new Ajv({ strict: false, validateFormats: false })
  ajv.addSchema({ $id: 'cortex', components })
  const schemaAccepts = (name: string, body: unknown) =>
    ajv.validate({ $ref: `cortex#/components/schemas/${name}` }, body)

  const item = { id: 'se2da8159dbeefb974', tag: 'ci_token', name: 'CI token' }
  const page = { page: 0, secrets: [item], total: 1, totalPages: 1 }

  /** What the client makes of a list page answered with `body` (JSON text of it). */
  async function pageRead(body: unknown, pageSize = 1000): Promise<unknown> {
    const { client, pool } = mockedClient(0)
    pool.intercept({ path: listPath(0, pageSize), method: 'GET' }).reply(200, JSON.stringify(body) ?? '')
    try {
      return await client.listPage(0, pageSize)
    } catch (error) {
      if (!(error instanceof UnusableAnswerError)) throw error
      const said =
        /^Cortex answered the list \(page 0\) with a body that does not match the API: (.*) \(HTTP 200, 1 attempt\)$/.exec(
          error.message
        )
      return said ? `mismatch: ${said[1]}` : error.message
    }
  }

  const HOSTILE_PAGES: unknown[] = [
    null,
    [],
    'text',
    {},
    { ...page, secrets: undefined },
    { ...page, secrets: {} },
    { ...page, secrets: [null] },
    { ...page, secrets: [[]] },
    { ...page, secrets: [{ tag: 'x' }] },
    { ...page, secrets: [{ id: 'a', tag: 7 }] },
    { ...page, secrets: [{ id: 7, tag: 'x' }] },
    { ...page, secrets: [{ id: 'a', tag: 'x', name: 7 }] },
    { ...page, total: '1' },
    { ...page, total: 1.5 },
    { ...page, page: null }
  ]

  it('reads a page the OpenAPI text describes, keeping only the fields it names', async () => {
    const body = {
      ...page,
      secrets: [
        { ...item, extra: 'x' },
        { id: 'se0', tag: 'no-name' }
      ],
      extra: true
    }
    expect(schemaAccepts('AllSecretsResponse', body)).toBe(true)
    expect(await pageRead(body)).toEqual({ ...page, secrets: [item, { id: 'se0', tag: 'no-name' }] })
  })

  it('refuses every body the OpenAPI text refuses', async () => {
    for (const body of HOSTILE_PAGES) {
      expect(schemaAccepts('AllSecretsResponse', body) && body).toBe(false)
      expect(await pageRead(body)).toMatch(/^mismatch: /)
    }
  })

  it.each(['page', 'secrets', 'total', 'totalPages'])('requires %s, as the OpenAPI text does', async (field) => {
    const body: Record<string, unknown> = { ...page }
    delete body[field]
    expect(schemaAccepts('AllSecretsResponse', body)).toBe(false)
    expect(await pageRead(body)).toBe(
      `mismatch: ${field} is missing, not ${field === 'secrets' ? 'an array' : 'a number'}`
    )
  })

  it('goes further than the schema where the action depends on it', async () => {
    const cases: [unknown, string][] = [
      [{ ...page, page: 1 }, 'page is 1, not the page asked (0)'],
      [{ ...page, total: -1 }, 'total is -1, not a whole number of 0 or more'],
      [{ ...page, totalPages: 2 ** 53 }, 'totalPages is 9007199254740992, not a whole number of 0 or more'],
      [
        { ...page, secrets: [{ ...item, tag: 'a b' }] },
        'secrets[0].tag is not a tag (letters, digits, "_" and "-" only)'
      ],
      [{ ...page, secrets: [{ ...item, tag: '' }] }, 'secrets[0].tag is not a tag (letters, digits, "_" and "-" only)'],
      [{ ...page, secrets: [{ ...item, id: '' }] }, 'secrets[0].id is empty']
    ]
    for (const [body, problem] of cases) {
      expect(schemaAccepts('AllSecretsResponse', body)).toBe(true)
      expect(await pageRead(body)).toBe(`mismatch: ${problem}`)
    }
    expect(await pageRead({ ...page, secrets: [item, item] }, 1)).toBe(
      'mismatch: secrets holds 2 items, more than the 1 asked'
    )
  })

  it('reads a null name as absent (a serialiser writing an unset field), and only that', async () => {
    const read = (await pageRead({ ...page, secrets: [{ ...item, name: null }] })) as { secrets: object[] }
    expect(read.secrets).toEqual([{ id: item.id, tag: item.tag }])
    expect('name' in (read.secrets[0] as object)).toBe(false)
  })

  it('names kinds and numbers, never the text of the body', async () => {
    const hostile = { ...page, secrets: [{ id: 'se1', tag: 'sk_live_SECRET\n::stop-commands::x' }] }
    expect(await pageRead(hostile)).toBe('mismatch: secrets[0].tag is not a tag (letters, digits, "_" and "-" only)')
  })

  it('read the SecretResponse the OpenAPI text describes, and require id and tag as it does', async () => {
    expect(schemaAccepts('SecretResponse', item)).toBe(true)
    for (const field of ['id', 'tag']) {
      const body: Record<string, unknown> = { ...item }
      delete body[field]
      expect(schemaAccepts('SecretResponse', body)).toBe(false)
    }
  })
})

describe('answers checked against the API: single secrets', () => {
  const item = { id: 'se2da8159dbeefb974', tag: 'ci_token', name: 'CI token' }
  /** Cortex answers a create (which must name the tag asked) with `text`. */
  async function createRead(text: string, tag = 'ci_token'): Promise<string> {
    const { client, pool } = mockedClient(0)
    pool.intercept({ path: LIST, method: 'POST' }).reply(200, text)
    try {
      return (await client.create({ tag, name: 'n', value: 'v' })).outcome
    } catch (error) {
      return (error as Error).message
    }
  }
  /** Cortex answers a get (by tag or id: any tag) with `text`. */
  async function getRead(text: string): Promise<boolean | string> {
    const { client, pool } = mockedClient(0)
    pool.intercept({ path: `${LIST}/ci_token`, method: 'GET' }).reply(200, text)
    try {
      return await client.exists('ci_token')
    } catch (error) {
      return (error as Error).message
    }
  }
  const mismatch = (operation: string, problem: string) =>
    `Cortex answered ${operation} "ci_token" with a body that does not match the API: ${problem} (HTTP 200, 1 attempt)`

  it('reads the SecretResponse: a create must name the tag asked, a get may find another', async () => {
    expect(await createRead(JSON.stringify(item))).toBe('created')
    expect(await createRead(JSON.stringify({ id: 'se1', tag: 'ci_token' }))).toBe('created')
    expect(await getRead(JSON.stringify({ id: 'se1', tag: 'other' }))).toBe(false)
    expect(await createRead(JSON.stringify(item), 'CI_TOKEN')).toBe(
      'Cortex answered create "CI_TOKEN" with a body that does not match the API: tag is not the tag asked (HTTP 200, 1 attempt)'
    )
  })

  it.each(['id', 'tag'])('requires %s, as the OpenAPI text does', async (field) => {
    const body: Record<string, unknown> = { ...item }
    delete body[field]
    expect(await getRead(JSON.stringify(body))).toBe(mismatch('get', `${field} is missing, not a string`))
    expect(await createRead(JSON.stringify(body))).toBe(mismatch('create', `${field} is missing, not a string`))
  })

  it.each([
    ['null', 'null', 'the body is null, not an object'],
    ['no body', '', 'the body is missing, not an object'],
    ['a JSON string', '"{}"', 'the body is a string, not an object'],
    ['an array', JSON.stringify([item]), 'the body is an array, not an object'],
    ['a name that is an array', JSON.stringify({ ...item, name: ['x'] }), 'name is an array, not a string'],
    [
      'a tag that is an object',
      JSON.stringify({ ...item, tag: { toString: 'ci_token' } }),
      'tag is an object, not a string'
    ],
    ['an empty id', JSON.stringify({ ...item, id: '' }), 'id is empty'],
    [
      'a tag that is no tag',
      JSON.stringify({ ...item, tag: 'ci token' }),
      'tag is not a tag (letters, digits, "_" and "-" only)'
    ]
  ])('refuses %s', async (_, text, problem) => {
    expect(await createRead(text)).toBe(mismatch('create', problem))
  })

  it('checks an update answer the same way', async () => {
    const { client, pool } = mockedClient(0)
    pool.intercept({ path: `${LIST}/ci_token`, method: 'PUT' }).reply(200, { id: 'se1', tag: 'other' })
    pool.intercept({ path: `${LIST}/ci_token`, method: 'PUT' }).reply(200, '')
    expect((await failure(client.update('ci_token', { value: 'v' }))).message).toBe(
      mismatch('update', 'tag is not the tag asked')
    )
    expect((await failure(client.update('ci_token', { value: 'v' }))).message).toBe(
      mismatch('update', 'the body is missing, not an object')
    )
  })
})

describe('error bodies: what Cortex says, read and cleaned', () => {
  /** The details of the error a create answered `status` with `body` (JSON unless a string) fails with. */
  async function errorFor(body: unknown, options: { status?: number; secrets?: string[] } = {}) {
    const { client, pool } = mockedClient(0, options.secrets)
    pool
      .intercept({ path: LIST, method: 'POST' })
      .reply(options.status ?? 422, typeof body === 'string' ? body : JSON.stringify(body))
    const error = await failure(client.create({ tag: 't', name: 't', value: 'v' }))
    expect(error).toBeInstanceOf(CortexApiError)
    return error
  }
  const said = async (body: unknown, options: { status?: number; secrets?: string[] } = {}) => {
    const { type, detail, requestId } = (await errorFor(body, options)).details
    return { type, detail, requestId }
  }

  it('reads Cortex ErrorResponse', async () => {
    expect(await said({ type: 'BAD_REQUEST', message: 'Bad tag', requestId: 'r1' })).toEqual({
      type: 'BAD_REQUEST',
      detail: 'Bad tag',
      requestId: 'r1'
    })
    expect((await errorFor({ type: 'BAD_REQUEST', message: 'Bad tag', requestId: 'r1' })).message).toBe(
      'create "t": HTTP 422 BAD_REQUEST: Bad tag (requestId r1, 1 attempt)'
    )
  })

  it('reads the violations shape by pointer and title, leaving out descriptions', async () => {
    const body = { violations: [{ title: 'must not be blank', description: 'secret-ish detail', pointer: '/name' }] }
    expect(await said(body)).toEqual({ type: 'VIOLATIONS', detail: '/name must not be blank', requestId: undefined })
  })

  it('says "validation failed" for a violation list with nothing to show', async () => {
    expect(await said({ violations: [{ description: 'x' }] })).toEqual({
      type: 'VIOLATIONS',
      detail: 'validation failed',
      requestId: undefined
    })
  })

  it('reads problem+json', async () => {
    expect(await said({ type: 'about:blank', title: 'Too Many Requests', status: 429 }, { status: 429 })).toMatchObject(
      { detail: 'Too Many Requests' }
    )
  })

  // Possible unintended change: the old readErrorBody read `violations` before `title`, so a
  // problem+json body carrying a violation list (Zalando problem's "Constraint Violation") showed
  // the violations. src/cortex/client.ts #errorBody now shows only the title.
  it('reads the violations of a problem+json body that has a title too', async () => {
    const body = { title: 'Constraint Violation', status: 400, violations: [{ pointer: '/name', title: 'too long' }] }
    expect(await said(body, { status: 400 })).toEqual({
      type: 'VIOLATIONS',
      detail: '/name too long',
      requestId: undefined
    })
  })

  it('summarises anything else by its length, never echoing it', async () => {
    const error = await errorFor('<html>upstream said s3cr3t</html>')
    expect(error.details.detail).toBe('a 33-byte body that is not a Cortex error')
    expect(error.message).not.toContain('s3cr3t')
    expect(await said(JSON.stringify({ status: 500 }))).toEqual({
      type: undefined,
      detail: 'a 14-byte body that is not a Cortex error',
      requestId: undefined
    })
  })

  it('cleans every field Cortex wrote, and leaves its own summary as it is', async () => {
    const secrets = ['hunter2-but-longer']
    const body = { type: 'BAD\nREQUEST', message: 'value hunter2-but-longer\r\n##[error]x', requestId: 'r\u202e1' }
    expect(await said(body, { secrets })).toEqual({
      type: 'BAD⏎REQUEST',
      detail: 'value [redacted]⏎##［error]x',
      requestId: 'r\uFFFD1'
    })
    expect(await said('hunter2-but-longer', { secrets })).toEqual({
      type: undefined,
      detail: 'a 18-byte body that is not a Cortex error',
      requestId: undefined
    })
  })

  it('caps each field: 64 characters of type, 300 of message, 100 of requestId', async () => {
    const body = { type: 'T'.repeat(1000), message: 'M'.repeat(10_000), requestId: 'R'.repeat(1000) }
    const { type, detail, requestId } = await said(body)
    expect([type?.length, detail.length, requestId?.length]).toEqual([64, 300, 100])
    expect(detail).toMatch(/… \[cut: 10,000 characters in all\]$/)
  })
})

describe('CortexClient: what Cortex says reaches no layer above as it came', () => {
  const VALUE = 'sk_live_AAAABBBBCCCCDDDD'

  it('cleans the type, message and requestId of an error: no quoted secret, no line break, capped', async () => {
    const { client, pool } = mockedClient(0, [VALUE])
    pool.intercept({ path: LIST, method: 'POST' }).reply(400, {
      type: 'BAD_REQUEST\n::error::x',
      message: `bad body {"secret":"${VALUE.slice(0, 12)}\n::set-output name=x::y ${'z'.repeat(1000)}`,
      requestId: 'req-1\r\n##[warning]w'
    })
    const error = await failure(client.create({ tag: 't', name: 't', value: VALUE }))
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.details.type).toBe('BAD_REQUEST⏎::error::x')
    expect(error.details.requestId).toBe('req-1⏎##［warning]w')
    expect(error.details.detail).toMatch(
      /^bad body \{"secret":"\[redacted\]⏎::set-output name=x::y z+… \[cut: 1,056 characters in all\]$/
    )
    expect(error.details.detail).toHaveLength(300)
    expect(error.message).not.toMatch(/[\r\n]/)
  })

  it('cleans a violation list, and counts the violations past ten', async () => {
    const { client, pool } = mockedClient(0, [VALUE])
    const violations = Array.from({ length: 12 }, (_, i) => ({ pointer: `/p${i}`, title: i === 0 ? VALUE : 'bad' }))
    pool.intercept({ path: `${LIST}/t`, method: 'PUT' }).reply(400, { violations })
    const error = await failure(client.update('t', { value: VALUE }))
    expect(error.details.detail).toBe(
      '/p0 [redacted]; /p1 bad; /p2 bad; /p3 bad; /p4 bad; /p5 bad; /p6 bad; /p7 bad; /p8 bad; /p9 bad; and 2 more'
    )
  })

  it('withholds the API key when an error quotes it', async () => {
    const { client, pool } = mockedClient(0, [], 'ck_0123456789abcdef')
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(400, {
      type: 'BAD_REQUEST',
      message: 'key ck_0123456789 is not accepted here'
    })
    const error = await failure(client.delete('t'))
    expect(error.details.detail).toBe('key [redacted] is not accepted here')
  })

  it('withholds a whole message that quotes a secret only encoded', async () => {
    const { client, pool } = mockedClient(0, [VALUE])
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(400, {
      type: 'BAD_REQUEST',
      message: `bad value ${Buffer.from(`{"secret":"${VALUE}"}`).toString('base64')}`
    })
    const error = await failure(client.delete('t'))
    expect(error.details.detail).toBe(WITHHELD)
  })

  it('cleans the names listAll returns, at most 200 characters each', async () => {
    const { client, pool } = mockedClient(0, [VALUE])
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, {
      page: 0,
      total: 4,
      totalPages: 1,
      secrets: [
        { id: 'se0000000000000001', tag: 'a', name: 'one\n::set-output name=x::y' },
        { id: 'se0000000000000002', tag: 'b', name: `named after ${VALUE}` },
        { id: 'se0000000000000003', tag: 'c' },
        { id: 'se0000000000000004', tag: 'd', name: `\u202eevil ${'n'.repeat(500)}` }
      ]
    })
    const listed = await client.listAll(16)
    expect(listed.slice(0, 3)).toEqual([
      { id: 'se0000000000000001', tag: 'a', name: 'one⏎::set-output name=x::y' },
      { id: 'se0000000000000002', tag: 'b', name: 'named after [redacted]' },
      { id: 'se0000000000000003', tag: 'c' }
    ])
    expect(listed[3]?.name).toMatch(/^\uFFFDevil n+… \[cut: 506 characters in all\]$/)
    expect(listed[3]?.name).toHaveLength(200)
  })
})

describe('a run stopped while requests are in flight', () => {
  let standIn: CortexStandIn | undefined
  afterEach(async () => {
    await standIn?.close()
    standIn = undefined
  })

  it('aborts them at once: a write fails saying it may have been applied, a read with the stop reason', async () => {
    let hanging = 0
    let bothHanging!: () => void
    const hung = new Promise<void>((resolve) => (bothHanging = resolve))
    standIn = await CortexStandIn.start({
      intercept: async (r) => {
        if (r.method !== 'PUT') return (++hanging === 2 && bothHanging(), { hang: true })
        // The key is refused once the create and the get are both waiting for an answer.
        await hung
        return { status: 401, body: { type: 'UNCATEGORIZED', message: 'Invalid API key', requestId: 'req-401' } }
      }
    })
    // Far longer than the test waits: only the stop can end the two requests that get no answer.
    const client = clientFor(standIn, STAND_IN_API_KEY, { maxRetries: 2, timeoutMs: 30_000 })
    const [created, read, updated] = await Promise.allSettled([
      client.create({ tag: 'sent', name: 'sent', value: 'v' }),
      client.exists('asked'),
      client.update('refused', { value: 'v' })
    ])
    const reason = (settled: PromiseSettledResult<unknown>) => (settled as PromiseRejectedResult).reason as Error
    const refused =
      'Cortex refused the API key with HTTP 401: the key is invalid or expired (requestId req-401). The run stopped.'
    expect(reason(updated)).toBeInstanceOf(ApiKeyRefusedError)
    expect(reason(updated).message).toBe(refused)
    expect(reason(created)).toBeInstanceOf(StoppedInFlightError)
    expect(reason(created).message).toBe(
      `create "sent": the run stopped while this request was in flight; it may have been applied. ${refused}`
    )
    expect(reason(read)).toBe(reason(updated))
    // Abandoned, not retried; and nothing starts after the stop.
    expect(standIn.requests.map((r) => r.method).sort()).toEqual(['GET', 'POST', 'PUT'])
    await expect(client.delete('later')).rejects.toBe(reason(updated))
    expect(standIn.requests).toHaveLength(3)
  })

  it('stop() aborts a write in flight, saying it may have been applied, and no request starts after it', async () => {
    standIn = await CortexStandIn.start({ intercept: () => ({ hang: true }) })
    const client = clientFor(standIn, STAND_IN_API_KEY, { timeoutMs: 30_000 })
    const updating = client.update('t', { value: 'v' })
    while (standIn.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const cancelled = new Error('cancelled')
    client.stop(cancelled)
    const error = await failure(updating)
    expect(error).toBeInstanceOf(StoppedInFlightError)
    expect(error.message).toBe(
      'update "t": the run stopped while this request was in flight; it may have been applied. cancelled'
    )
    await expect(client.listAll()).rejects.toBe(cancelled)
    await expect(client.exists('t')).rejects.toBe(cancelled)
    expect(standIn.requests).toHaveLength(1)
  })

  it('times out an attempt that gets no answer, and says how long it waited', async () => {
    standIn = await CortexStandIn.start({ intercept: () => ({ hang: true }) })
    const error = await failure(clientFor(standIn, STAND_IN_API_KEY, { timeoutMs: 150 }).delete('t'))
    expect(error.message).toBe(
      'delete "t": no response TIMEOUT: no response within 0.15 s; it may have been applied (1 attempt)'
    )
  })

  it('says a write may have been applied only when it was sent and no answer came (issue 17, item 4)', async () => {
    standIn = await CortexStandIn.start({ intercept: () => ({ hang: true }) })
    const client = clientFor(standIn, STAND_IN_API_KEY, { timeoutMs: 100, maxRetries: 0 })
    for (const write of [client.create({ tag: 't', name: 't', value: 'v' }), client.update('t', { value: 'v' })]) {
      expect((await failure(write)).message).toMatch(
        /: no response within 0\.1 s; it may have been applied \(1 attempt\)$/
      )
    }
    // A read changed nothing: no such note.
    expect((await failure(client.exists('t'))).message).toBe(
      'get "t": no response TIMEOUT: no response within 0.1 s (1 attempt)'
    )
    // A request that never reached Cortex (connection refused) was not applied.
    const port = Number(new URL(standIn.url).port)
    await standIn.close()
    const refused = clientFor({ url: `http://127.0.0.1:${port}` } as CortexStandIn, STAND_IN_API_KEY, { maxRetries: 0 })
    expect((await failure(refused.delete('t'))).message).toBe(
      'delete "t": no response ECONNREFUSED: the connection failed before the response was complete (1 attempt)'
    )
  })

  it('says an update may have been applied when an earlier attempt got no answer, whatever the last one said', async () => {
    let attempts = 0
    standIn = await CortexStandIn.start({
      intercept: () =>
        ++attempts === 1 ? { hang: true } : { status: 500, body: { type: 'INTERNAL', message: 'Oops' } }
    })
    const error = await failure(
      clientFor(standIn, STAND_IN_API_KEY, { timeoutMs: 100, maxRetries: 1 }).update('t', { value: 'v' })
    )
    expect(error.message).toBe('update "t": HTTP 500 INTERNAL: Oops; it may have been applied (2 attempts)')
  })

  it('names a redirect as one, never follows it, and says what api-url should be (issue 17, item 7)', async () => {
    standIn = await CortexStandIn.start({
      intercept: () => ({ status: 301, headers: { location: 'https://elsewhere.example/api/v1/secrets' } })
    })
    const error = await failure(clientFor(standIn).listAll())
    expect(error.message).toBe(
      'list: HTTP 301: a redirect, which the action never follows (the API key would go along): set api-url to the final URL (1 attempt)'
    )
    expect(standIn.requests).toHaveLength(1)
  })

  it('does not time an attempt out for the time this process spent computing (red team of issue 16)', async () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms
      while (performance.now() < until);
    }
    const signal = timeoutSignal(100)
    busy(400)
    // The timers that came due while the process computed run first in the next turn, then an answer
    // that came meanwhile is read: by then the attempt must still be open.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(signal.aborted).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(signal.aborted).toBe(true)
    expect((signal.reason as Error).name).toBe('TimeoutError')
  })

  it("refuses a list whose tags, other than the input's own, quote a secret value (red team of issue 16)", async () => {
    const value = 'Sup3rS3cret-Value_abc'
    const quoting = [
      value,
      Buffer.from(`tok1 ${value}`).toString('base64url'),
      STAND_IN_API_KEY.replace(/[^\w-]/g, '_')
    ]
    for (const tag of quoting) {
      standIn = await CortexStandIn.start()
      standIn.seed([
        { tag, secret: 'x' },
        { tag: 'ok_tag', secret: 'y' }
      ])
      const error = await failure(
        clientFor(standIn, STAND_IN_API_KEY, { secrets: [value] }).listAll(1, new Set(['ok_tag']))
      )
      expect([tag, error.message]).toEqual([
        tag,
        'Cortex answered the list with a tag that quotes a secret value of this run: the list cannot be trusted'
      ])
      await standIn.close()
    }
    // The input's own tags are the caller's text: a value that holds its own tag is no reason to refuse.
    standIn = await CortexStandIn.start()
    standIn.seed([{ tag: 'datadog_api_key', secret: 'x' }])
    const listed = await clientFor(standIn, STAND_IN_API_KEY, { secrets: ['datadog_api_key=abc'] }).listAll(
      1,
      new Set(['datadog_api_key'])
    )
    expect(listed.map((s) => s.tag)).toEqual(['datadog_api_key'])
  })

  it('says a write may have been applied when the run stops while it waits to be sent again (red team of issue 17)', async () => {
    let attempts = 0
    standIn = await CortexStandIn.start({
      intercept: () =>
        ++attempts === 1 ? { hang: true } : { status: 401, body: { type: 'UNAUTHORIZED', message: 'No' } }
    })
    // The first attempt is sent and never answered; the retry is refused with 401, which stops the run.
    const client = clientFor(standIn, STAND_IN_API_KEY, { timeoutMs: 100, maxRetries: 1 })
    const error = await failure(client.update('t', { value: 'v' }))
    expect(error).toBeInstanceOf(StoppedInFlightError)
    expect(error.message).toMatch(
      /^update "t": the run stopped while this request was in flight; it may have been applied\. Cortex refused the API key with HTTP 401/
    )
    // A stop while it waits for its retry: the same.
    attempts = 0
    const waiting = clientFor(standIn, STAND_IN_API_KEY, { timeoutMs: 100, maxRetries: 5, clock: new FakeClock() })
    standIn.options.intercept = () => ({ hang: true })
    const writing = waiting.create({ tag: 't', name: 't', value: 'v' })
    while (standIn.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 5))
    await new Promise((resolve) => setTimeout(resolve, 150))
    waiting.stop(new Error('The job was cancelled (SIGINT).'))
    const stopped = await failure(writing)
    expect(stopped.message).toMatch(
      /^create "t": the run stopped while this request was in flight; it may have been applied\./
    )
  })

  it('refuses a key with 403 naming the permission, and stops the run', async () => {
    standIn = await CortexStandIn.start({
      intercept: () => ({ status: 403, body: { type: 'FORBIDDEN', message: 'No' } })
    })
    const client = clientFor(standIn)
    const error = await failure(client.listAll())
    expect(error).toBeInstanceOf(ApiKeyRefusedError)
    expect(error.message).toBe(
      'Cortex refused the API key with HTTP 403: the key lacks the "Create secrets" permission (list and get need it too). The run stopped.'
    )
    await expect(client.create({ tag: 't', name: 't', value: 'v' })).rejects.toBe(error)
    expect(standIn.requests).toHaveLength(1)
  })
})

describe('a redirect', () => {
  it('is not followed, so the key never reaches another origin: the request fails with the 3xx', async () => {
    const elsewhere: string[] = []
    const other = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.end('{}')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v1/secrets`
    const standIn = await CortexStandIn.start({ intercept: () => ({ status: 307, headers: { location } }) })
    try {
      const error = await failure(clientFor(standIn).create({ tag: 'moved', name: 'moved', value: 'v' }))
      expect(error).toBeInstanceOf(CortexApiError)
      expect(error.message).toMatch(/^create "moved": HTTP 307/)
      expect(elsewhere).toEqual([])
      expect(standIn.requests).toHaveLength(1)
    } finally {
      await standIn.close()
      other.close().closeAllConnections()
    }
  })
})

describe('dispatcherFor', () => {
  it.each([
    'http://127.0.0.1:8080',
    'http://127.9.8.7',
    'http://localhost:3000/cortex',
    'http://[::1]:8080',
    'https://localhost'
  ])('reaches the loopback api-url %s directly, whatever the proxy variables say', (url) => {
    const dispatcher = dispatcherFor(parseApiUrl(url))
    expect(dispatcher).toBeInstanceOf(Agent)
    expect(dispatcher).not.toBeInstanceOf(EnvHttpProxyAgent)
  })

  it.each([
    'https://api.getcortexapp.com',
    'https://cortex.internal.example.com:8443/api',
    'https://10.0.0.7',
    'https://127.0.0.1.example.com'
  ])('lets the proxy variables decide for %s', (url) => {
    expect(dispatcherFor(parseApiUrl(url))).toBeInstanceOf(EnvHttpProxyAgent)
  })
})

describe('dispatcherFor: the proxy variables, as undici reads them', () => {
  // cortex.test resolves only through the proxy, to a stand-in over plain http. What is checked is the
  // route (a CONNECT to the host, or none): TLS through the proxy to a Cortex the action trusts needs
  // a CA given at start-up (NODE_EXTRA_CA_CERTS), which e2e/faults.test.ts does.
  const HOST = 'cortex.test'
  const VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
  const saved: Record<string, string | undefined> = {}
  let proxy: TestProxy
  let standIn: CortexStandIn
  let port: string
  beforeEach(async () => {
    for (const name of VARIABLES) {
      saved[name] = process.env[name]
      delete process.env[name]
    }
    proxy = await TestProxy.start({ hosts: { [HOST]: '127.0.0.1' } })
    standIn = await CortexStandIn.start()
    port = new URL(standIn.url).port
  })
  afterEach(async () => {
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
    await Promise.all([proxy.close(), standIn.close()])
  })

  /** The error a request to https://cortex.test fails with, through the dispatcher `env` makes. */
  async function requestWith(env: Record<string, string>): Promise<CortexApiError> {
    for (const [name, value] of Object.entries(env)) process.env[name] = value === 'proxy' ? proxy.url : value
    const dispatcher = dispatcherFor(parseApiUrl(`https://${HOST}:${port}`))
    expect(dispatcher).toBeInstanceOf(EnvHttpProxyAgent)
    const client = new CortexClient({
      baseUrl: parseApiUrl(`https://${HOST}:${port}`),
      apiKey: STAND_IN_API_KEY,
      userAgent: USER_AGENT,
      dispatcher,
      timeoutMs: 10_000,
      maxRetries: 0,
      requestsPerMinute: 1000
    })
    try {
      return await failure(client.exists('t'))
    } finally {
      await dispatcher.close()
    }
  }

  // A proxy that stalls: it takes the CONNECT and never answers, or answers and then relays nothing (so the TLS
  // handshake through the tunnel never ends). undici gives neither the request's deadline.
  it.each([
    [
      'takes the CONNECT and never answers (issue 17, item 4)',
      () => undefined,
      /^get "t": no response UND_ERR_HEADERS_TIMEOUT: /
    ],
    [
      'answers the CONNECT, then relays nothing: the TLS handshake never ends (red team of issue 17)',
      (socket: Socket) => socket.write('HTTP/1.1 200 Connection Established\r\n\r\n'),
      /^get "t": no response /
    ]
  ])('gives up on a proxy that %s, within the attempt timeout', async (_, onConnect, message) => {
    const stalling = createNetServer((socket) => socket.once('data', () => onConnect(socket)))
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve))
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`
    const dispatcher = dispatcherFor(parseApiUrl(`https://${HOST}:${port}`), 500)
    const client = new CortexClient({
      baseUrl: parseApiUrl(`https://${HOST}:${port}`),
      apiKey: STAND_IN_API_KEY,
      userAgent: USER_AGENT,
      dispatcher,
      timeoutMs: 500,
      maxRetries: 0,
      requestsPerMinute: 1000
    })
    const started = performance.now()
    const error = await failure(client.exists('t')).finally(() => {
      stalling.close()
      void dispatcher.destroy()
    })
    expect(performance.now() - started).toBeLessThan(3000)
    expect(error.message).toMatch(message)
  })

  it.each(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])(
    'sends an https api-url through the proxy %s names, as a CONNECT tunnel',
    async (variable) => {
      await requestWith({ [variable]: 'proxy' })
      expect(proxy.seen).toEqual([`CONNECT ${HOST}:${port}`])
    }
  )

  it.each([
    ['NO_PROXY', HOST],
    ['no_proxy', '.test']
  ])('goes straight to a host in %s=%s, bypassing the proxy', async (variable, hosts) => {
    const error = await requestWith({ HTTPS_PROXY: 'proxy', [variable]: hosts })
    expect(proxy.seen).toEqual([])
    expect(standIn.requests).toEqual([])
    // Straight to cortex.test, which only the proxy resolves: the lookup fails.
    expect(error.message).toMatch(/^get "t": no response (ENOTFOUND|EAI_AGAIN): /)
  })
})
