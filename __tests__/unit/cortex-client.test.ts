/** The client with undici's MockAgent swapped in for the network: no server, no waiting. */
import { describe, expect, it } from '@jest/globals'
import { MockAgent } from 'undici'
import { CortexApiError } from '../../src/cortex/cortex-api-error.ts'
import { connect } from '../../src/cortex/connect.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'
import { FakeClock } from '../support/fake-clock.ts'

function mockedClient(maxRetries = 2) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const clock = new FakeClock()
  const client = connect(
    {
      apiUrl: parseApiUrl('https://cortex.example.com/prefix'),
      apiKey: 'k',
      maxRetries,
      timeoutMs: 5000,
      rateLimitPerMinute: 1000
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
