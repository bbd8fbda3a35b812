/** pushSecrets in this process against the stand-in: retries and waits, on an injected clock. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { createdTag, push, requestLines, settingsFor } from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

describe('retries and waits', () => {
  it('a 429 pauses the run for its Retry-After; a 503 backs off; both are told and tallied', async () => {
    const answered = new Set<string>()
    standIn.options.intercept = (r) => {
      const tag = r.method === 'POST' ? createdTag(r.rawBody) : undefined
      if (tag === undefined || answered.has(tag)) return undefined
      answered.add(tag)
      if (tag === 'limited') return { status: 429, headers: { 'retry-after': '7' }, body: { message: 'Slow down' } }
      if (tag === 'flaky') return { status: 503, body: { message: 'Busy' } }
      return undefined
    }
    const clock = new FakeClock()
    const { result, reporter } = await push(
      settingsFor(standIn, { limited: 'limited-value-1e1e', flaky: 'flaky-value-2f2f' }, { concurrency: 1 }),
      clock
    )

    expect(result.failure).toBeUndefined()
    expect(standIn.values()).toEqual({ limited: 'limited-value-1e1e', flaky: 'flaky-value-2f2f' })
    expect(requestLines(standIn)).toEqual([
      'GET list page 0',
      'POST limited',
      'POST limited',
      'POST flaky',
      'POST flaky'
    ])
    expect(reporter.retries).toEqual([
      { attempt: 1, reason: 'HTTP 429', delayMs: 7000, pause: 'new', operation: 'create', tag: 'limited' },
      // random() is 0.5: half of the first backoff ceiling (500 ms).
      { attempt: 1, reason: 'HTTP 503', delayMs: 250, operation: 'create', tag: 'flaky' }
    ])
    expect(reporter.waits).toEqual([{ ms: 7000, reason: 'rate-limited', perMinute: 1000 }])
    expect(clock.sleeps).toEqual([7000, 250])
    expect(result.tally.describe()).toBe("2 requests retried; waited 7.0 s on Cortex's rate limit (1 × HTTP 429).")
    expect(reporter.results.map((r) => [r.result.tag, r.retries])).toEqual([
      ['limited', 1],
      ['flaky', 1]
    ])
    // Every attempt is told as one line: method, path and query, status, milliseconds.
    expect(reporter.requests.map((line) => line.replace(/ \d+ ms$/, ''))).toEqual([
      'GET /api/v1/secrets?page=0&pageSize=1000 200',
      'POST /api/v1/secrets 429',
      'POST /api/v1/secrets 200',
      'POST /api/v1/secrets 503',
      'POST /api/v1/secrets 200'
    ])
  })

  it('paces the run to its request budget: waits are told as paced', async () => {
    const { result, reporter } = await push(
      settingsFor(standIn, { a: 'value-a-3a3a', b: 'value-b-4b4b', c: 'value-c-5c5c' }, { rateLimitPerMinute: 2 })
    )
    expect(result.failure).toBeUndefined()
    expect(standIn.requests).toHaveLength(4)
    expect(reporter.waits.length).toBeGreaterThan(0)
    expect(reporter.waits.every((w) => w.reason === 'paced' && w.perMinute === 2)).toBe(true)
    expect(result.tally.pacedMs).toBeGreaterThanOrEqual(60_000)
  })
})
