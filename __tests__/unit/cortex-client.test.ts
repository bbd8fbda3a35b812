/** The client with undici's MockAgent swapped in for the network: no server, no waiting. */
import { describe, expect, it } from '@jest/globals'
import { MockAgent } from 'undici'
import { CortexApiError } from '../../src/cortex/cortex-api-error.ts'
import { connect } from '../../src/cortex/connect.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'
import { FakeClock } from '../support/fake-clock.ts'

function mockedClient(maxRetries = 2, secrets: { tag: string; value: string }[] = [], apiKey = 'k') {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const clock = new FakeClock()
  const client = connect(
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
  return { client, pool: agent.get('https://cortex.example.com'), clock }
}

describe('CortexClient over an injected dispatcher', () => {
  it('sends to the path below the prefix with the headers Cortex needs', async () => {
    const { client, pool } = mockedClient()
    let seen: Record<string, string> = {}
    pool
      .intercept({ path: '/prefix/api/v1/secrets/a%20b', method: 'GET' })
      .reply(200, (opts) => ((seen = opts.headers as Record<string, string>), { id: 'se0123456789abcdef', tag: 'a b' }))
    await client.get('a b')
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
      'create "t": no response ECONNRESET: the connection failed before a response arrived (3 attempts)'
    )
    expect(clock.sleeps).toEqual([250, 500])
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
    expect(await client.listAll()).toEqual([
      { id: 'se0000000000000001', tag: 'a', name: 'one⏎::set-output name=x::y' },
      { id: 'se0000000000000002', tag: 'b', name: 'named after [redacted]' },
      { id: 'se0000000000000003', tag: 'c' }
    ])
    pool
      .intercept({ path: '/prefix/api/v1/secrets/a', method: 'GET' })
      .reply(200, { id: 'se0000000000000001', tag: 'a', name: '\u202eevil' })
    expect(await client.get('a')).toEqual({ id: 'se0000000000000001', tag: 'a', name: '\uFFFDevil' })
  })
})
