/**
 * The client with undici's MockAgent swapped in for the network: no server, no
 * waiting. Requests abandoned in flight are about sockets: those tests use the stand-in.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { Agent, MockAgent } from 'undici'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { ApiKeyRefusedError, CortexApiError } from '../../src/cortex/cortex-api-error.ts'
import { cortexClientFor } from '../../src/cortex/client-for-settings.ts'
import { MAX_RESPONSE_BYTES } from '../../src/cortex/cortex-client.ts'
import { StoppedInFlightError } from '../../src/cortex/stopped-in-flight-error.ts'
import { UnusableAnswerError } from '../../src/cortex/unusable-answer-error.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'
import { FakeClock } from '../support/fake-clock.ts'

function mockedClient(maxRetries = 2, secrets: { tag: string; value: string }[] = [], apiKey = 'k') {
  const agent = new MockAgent({ enableCallHistory: true })
  agent.disableNetConnect()
  const clock = new FakeClock()
  const client = cortexClientFor(
    {
      apiUrl: parseApiUrl('https://cortex.example.com/prefix'),
      apiKey,
      maxRetries,
      timeoutMs: 5000,
      rateLimitPerMinute: 1000,
      secrets
    },
    { dispatcher: agent, clock, random: () => 0.5 }
  )
  // The list pages asked for, in order.
  const pagesAsked = () =>
    (agent.getCallHistory()?.calls() ?? []).filter((c) => c.method === 'GET').map((c) => Number(c.searchParams.page))
  return { client, pool: agent.get('https://cortex.example.com'), clock, pagesAsked }
}

describe('CortexClient over an injected dispatcher', () => {
  it('sends to the path below the prefix with the headers Cortex needs', async () => {
    const { client, pool } = mockedClient()
    let seen: Record<string, string> = {}
    pool
      .intercept({ path: '/prefix/api/v1/secrets/a%20b', method: 'GET' })
      .reply(404, (opts) => ((seen = opts.headers as Record<string, string>), { type: 'NOT_FOUND', message: 'none' }))
    expect(await client.getByTag('a b')).toBeUndefined()
    expect(seen).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' })
    expect(seen['user-agent']).toMatch(/^cortex-secrets-action\/\d+\.\d+\.\d+$/)
  })

  it('retries a connection reset with backoff on the injected clock, then reports the code and attempts', async () => {
    const { client, pool, clock } = mockedClient(2)
    pool
      .intercept({ path: '/prefix/api/v1/secrets', method: 'POST' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .times(3)
    const error = (await client.create({ tag: 't', name: 't', value: 'v' }).catch((e: unknown) => e)) as CortexApiError
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.message).toBe(
      'create "t": no response ECONNRESET: the connection failed before the response was complete (3 attempts)'
    )
    expect(clock.sleeps).toEqual([250, 500])
  })

  it('stops reading a response past 16 MiB and fails the request without retrying it', async () => {
    const { client, pool, clock } = mockedClient(2)
    const huge = `{"page":0,"secrets":[],"total":0,"totalPages":1,"pad":"${'x'.repeat(MAX_RESPONSE_BYTES)}"}`
    pool.intercept({ path: '/prefix/api/v1/secrets?page=0&pageSize=1000', method: 'GET' }).reply(200, huge)
    const error = (await client.listAll(1).catch((e: unknown) => e)) as CortexApiError
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.message).toBe(
      'list: no response RESPONSE_TOO_LARGE: the response was larger than 16 MiB, so it was not read (1 attempt)'
    )
    expect(clock.sleeps).toEqual([])
  })

  it('treats a success body that is not JSON as an error, without echoing it', async () => {
    const { client, pool } = mockedClient()
    pool.intercept({ path: '/prefix/api/v1/secrets/t', method: 'PUT' }).reply(200, '<html>s3cr3t</html>')
    const error = (await client.update('t', { value: 'v' }).catch((e: unknown) => e)) as Error
    expect(error.message).toBe('update "t": HTTP 200: a 19-character success body that is not JSON (1 attempt)')
  })

  it("gives up on a Retry-After longer than the run waits, saying so with Cortex's type", async () => {
    const { client, pool, clock } = mockedClient()
    pool
      .intercept({ path: '/prefix/api/v1/secrets/t', method: 'DELETE' })
      .reply(
        429,
        { type: 'TOO_MANY_REQUESTS', title: 'Too Many Requests', status: 429 },
        { headers: { 'retry-after': '3600' } }
      )
    const error = (await client.delete('t').catch((e: unknown) => e)) as CortexApiError
    expect(error.message).toBe(
      'delete "t": HTTP 429 TOO_MANY_REQUESTS: Cortex asked to wait 3600 s, longer than this run waits (1 attempt)'
    )
    expect(clock.sleeps).toEqual([])
  })
})

const LIST = '/prefix/api/v1/secrets'
const listPath = (page: number) => `${LIST}?page=${page}&pageSize=1000`
const summary = (tag: string, id = `se${tag.padStart(16, '0')}`) => ({ id, tag, name: tag })
const NOT_FOUND = { type: 'NOT_FOUND', message: 'Secret not found' }

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

  it('stops at the first empty page, and does not ask for the pages after it', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    const first = { page: 0, secrets: [summary('a')], total: 5000, totalPages: 5 }
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, first)
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, { ...first, page: 1, secrets: [] })
    expect(await client.listAll(1)).toEqual([summary('a')])
    expect(pagesAsked()).toEqual([0, 1])
  })

  it('fails past 1,000 pages, naming the counts, without asking for another page', async () => {
    const { client, pool, pagesAsked } = mockedClient()
    pool
      .intercept({ path: listPath(0), method: 'GET' })
      .reply(200, { page: 0, secrets: [summary('a')], total: 1_000_001, totalPages: 1001 })
    const error = await client.listAll(4).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect((error as Error).message).toBe(
      'Cortex answered the list (page 0) with 1000001 secrets in 1001 pages: more than the 1000 pages of 1000 this action reads (HTTP 200, 1 attempt)'
    )
    expect(pagesAsked()).toEqual([0])
  })

  it('reads exactly 1,000 pages when that is what the counts say', async () => {
    const { client, pool } = mockedClient()
    const pageOf = (page: number) => ({ page, secrets: [summary(`t${page}`)], total: 1_000_000, totalPages: 1000 })
    for (let page = 0; page < 1000; page++)
      pool.intercept({ path: listPath(page), method: 'GET' }).reply(200, pageOf(page))
    expect(await client.listAll(16)).toHaveLength(1000)
  })

  it('keeps a secret two pages hold once; refuses a tag under two ids, and an id under two tags', async () => {
    const { client, pool } = mockedClient()
    const pageOf = (page: number, secrets: object[]) => ({ page, secrets, total: 1500, totalPages: 2 })
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a'), summary('b')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, [summary('b'), summary('c')]))
    expect((await client.listAll(2)).map((s) => s.tag)).toEqual(['a', 'b', 'c'])

    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a'), summary('b')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, [summary('b', 'se00000000000000ff')]))
    const error = (await client.listAll(2).catch((e: unknown) => e)) as UnusableAnswerError
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect(error.message).toBe(
      'Cortex answered the list with the tag "b" under two different ids: the list cannot be trusted'
    )

    // One secret under two tags: a prune would send two DELETEs for it and count two deletions.
    pool.intercept({ path: listPath(0), method: 'GET' }).reply(200, pageOf(0, [summary('a'), summary('b')]))
    pool.intercept({ path: listPath(1), method: 'GET' }).reply(200, pageOf(1, [summary('b2', summary('b').id)]))
    const mirror = (await client.listAll(2).catch((e: unknown) => e)) as UnusableAnswerError
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
    const error = (await client.listAll(1).catch((e: unknown) => e)) as UnusableAnswerError
    expect(error.message).toBe(
      'Cortex answered the list (page 1) with a body that does not match the API: secrets[0] is null, not an object (HTTP 200, 1 attempt)'
    )
    expect(error.operation).toBe('list')
    expect(pagesAsked()).toEqual([0, 1])
  })
})

describe('typed results: the client owns the statuses', () => {
  const post = (pool: ReturnType<typeof mockedClient>['pool']) => pool.intercept({ path: LIST, method: 'POST' })
  const getTag = (pool: ReturnType<typeof mockedClient>['pool'], tag: string) =>
    pool.intercept({ path: `${LIST}/${tag}`, method: 'GET' })

  it('create: created, with the secret Cortex returns', async () => {
    const { client, pool } = mockedClient()
    post(pool).reply(200, summary('t'))
    expect(await client.create({ tag: 't', name: 't', value: 'v' })).toEqual({
      outcome: 'created',
      secret: summary('t')
    })
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
    ['a body that does not match', 200, { id: 'se1' }]
  ])('create: 409, and the GET answers %s: the create error is thrown', async (_, status, body) => {
    const { client, pool } = mockedClient()
    post(pool).reply(409, { type: 'CONFLICT', message: 'Secret already exists', requestId: 'req-1' })
    getTag(pool, 't').reply(status, body)
    const error = (await client.create({ tag: 't', name: 't', value: 'v' }).catch((e: unknown) => e)) as Error
    expect(error.message).toBe('create "t": HTTP 409 CONFLICT: Secret already exists (requestId req-1, 1 attempt)')
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
    const error = await client.create({ tag: 't', name: 't', value: 'v' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnusableAnswerError)
    expect((error as Error).message).toBe(
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

  it.each([
    ['a body that is not JSON', 200, '<<<garbage'],
    ['a JSON body', 200, summary('t')],
    ['no body', 204, '']
  ])('delete: any 2xx is "deleted", whatever its body (%s)', async (_, status, body) => {
    const { client, pool } = mockedClient()
    pool.intercept({ path: `${LIST}/t`, method: 'DELETE' }).reply(status, body)
    expect(await client.delete('t')).toBe('deleted')
  })

  it('getByTag: the secret with that very tag, or undefined', async () => {
    const { client, pool } = mockedClient()
    getTag(pool, 't').reply(200, summary('t'))
    getTag(pool, 't').reply(200, summary('other'))
    getTag(pool, 't').reply(404, NOT_FOUND)
    getTag(pool, 't').reply(200, { id: 'se1', tag: 5 })
    expect(await client.getByTag('t')).toEqual(summary('t'))
    expect(await client.getByTag('t')).toBeUndefined()
    expect(await client.getByTag('t')).toBeUndefined()
    await expect(client.getByTag('t')).rejects.toThrow(
      'Cortex answered get "t" with a body that does not match the API: tag is a number, not a string (HTTP 200, 1 attempt)'
    )
  })
})

describe('CortexClient: what Cortex says reaches no layer above as it came', () => {
  const VALUE = 'sk_live_AAAABBBBCCCCDDDD'

  it('cleans the type, message and requestId of an error: no quoted secret, no line break, capped', async () => {
    const { client, pool } = mockedClient(0, [{ tag: 't', value: VALUE }])
    pool.intercept({ path: '/prefix/api/v1/secrets', method: 'POST' }).reply(400, {
      type: 'BAD_REQUEST\n::error::x',
      message: `bad body {"secret":"${VALUE.slice(0, 12)}\n::set-output name=x::y ${'z'.repeat(1000)}`,
      requestId: 'req-1\r\n##[warning]w'
    })
    const error = (await client
      .create({ tag: 't', name: 't', value: VALUE })
      .catch((e: unknown) => e)) as CortexApiError
    expect(error).toBeInstanceOf(CortexApiError)
    expect(error.type).toBe('BAD_REQUEST⏎::error::x')
    expect(error.requestId).toBe('req-1⏎##［warning]w')
    expect(error.detail).toMatch(
      /^bad body \{"secret":"\[redacted\]⏎::set-output name=x::y z+… \[cut: 1,056 characters in all\]$/
    )
    expect(error.detail).toHaveLength(300)
    expect(error.message).not.toMatch(/[\r\n]/)
  })

  it('cleans a violation list, and counts the violations past ten', async () => {
    const { client, pool } = mockedClient(0, [{ tag: 't', value: VALUE }])
    const violations = Array.from({ length: 12 }, (_, i) => ({ pointer: `/p${i}`, title: i === 0 ? VALUE : 'bad' }))
    pool.intercept({ path: '/prefix/api/v1/secrets/t', method: 'PUT' }).reply(400, { violations })
    const error = (await client.update('t', { value: VALUE }).catch((e: unknown) => e)) as CortexApiError
    expect(error.detail).toBe(
      '/p0 [redacted]; /p1 bad; /p2 bad; /p3 bad; /p4 bad; /p5 bad; /p6 bad; /p7 bad; /p8 bad; /p9 bad; and 2 more'
    )
  })

  it('withholds the API key when an error quotes it', async () => {
    const { client, pool } = mockedClient(0, [], 'ck_0123456789abcdef')
    pool.intercept({ path: '/prefix/api/v1/secrets/t', method: 'DELETE' }).reply(400, {
      type: 'BAD_REQUEST',
      message: 'key ck_0123456789 is not accepted here'
    })
    const error = (await client.delete('t').catch((e: unknown) => e)) as CortexApiError
    expect(error.detail).toBe('key [redacted] is not accepted here')
  })

  it('cleans the names in a list page and in a single secret', async () => {
    const { client, pool } = mockedClient(0, [{ tag: 'a', value: VALUE }])
    pool.intercept({ path: '/prefix/api/v1/secrets?page=0&pageSize=1000', method: 'GET' }).reply(200, {
      page: 0,
      total: 2,
      totalPages: 1,
      secrets: [
        { id: 'se0000000000000001', tag: 'a', name: 'one\n::set-output name=x::y' },
        { id: 'se0000000000000002', tag: 'b', name: `named after ${VALUE}` },
        { id: 'se0000000000000003', tag: 'c' }
      ]
    })
    expect(await client.listAll(16)).toEqual([
      { id: 'se0000000000000001', tag: 'a', name: 'one⏎::set-output name=x::y' },
      { id: 'se0000000000000002', tag: 'b', name: 'named after [redacted]' },
      { id: 'se0000000000000003', tag: 'c' }
    ])
    pool
      .intercept({ path: '/prefix/api/v1/secrets/a', method: 'GET' })
      .reply(200, { id: 'se0000000000000001', tag: 'a', name: '\u202eevil' })
    expect(await client.getByTag('a')).toEqual({ id: 'se0000000000000001', tag: 'a', name: '\uFFFDevil' })
  })
})

describe('a run stopped while requests are in flight', () => {
  let standIn: CortexStandIn | undefined
  afterEach(async () => {
    await standIn?.close()
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
    const client = cortexClientFor(
      {
        apiUrl: parseApiUrl(standIn.url),
        apiKey: STAND_IN_API_KEY,
        maxRetries: 2,
        timeoutMs: 30_000,
        rateLimitPerMinute: 1000
      },
      { dispatcher: new Agent() }
    )
    const [created, read, updated] = await Promise.allSettled([
      client.create({ tag: 'sent', name: 'sent', value: 'v' }),
      client.getByTag('asked'),
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
    // Abandoned, not retried.
    expect(standIn.requests.map((r) => r.method).sort()).toEqual(['GET', 'POST', 'PUT'])
  })
})
