import { describe, expect, it } from '@jest/globals'
import { RequestGate } from '../../src/cortex/request-gate.ts'
import {
  backoffMs,
  judgeAttempt,
  retryAfterMs,
  sendWithRetries,
  type AttemptResult,
  type RetryEvent,
  type RetryPolicy
} from '../../src/cortex/retry-policy.ts'
import { FakeClock } from '../support/fake-clock.ts'

function policy(clock = new FakeClock(), overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    maxRetries: 5,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 300_000,
    clock,
    random: () => 0.5,
    ...overrides
  }
}
const response = (status: number, headers: Record<string, string> = {}, text = ''): AttemptResult => ({
  status,
  headers,
  text
})
const network = (code: string): AttemptResult => ({ error: new Error(code), code })

describe('backoffMs', () => {
  it('draws uniformly below base × 2^retry (full jitter), capped at the maximum', () => {
    const p = { baseDelayMs: 500, maxDelayMs: 30_000 }
    expect([0, 1, 2, 3].map((n) => backoffMs(n, { ...p, random: () => 0.999 }))).toEqual([499, 999, 1998, 3996])
    expect(backoffMs(10, { ...p, random: () => 0.999 })).toBe(29_970)
    expect(backoffMs(3, { ...p, random: () => 0 })).toBe(0)
  })
})

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0)
  it('reads seconds and HTTP dates from the header', () => {
    expect(retryAfterMs({ headers: { 'retry-after': '7' }, text: '' }, now)).toBe(7000)
    expect(retryAfterMs({ headers: { 'retry-after': 'Thu, 26 Nov 2026 12:00:12 GMT' }, text: '' }, now)).toBe(12_000)
    expect(retryAfterMs({ headers: { 'retry-after': 'Thu, 26 Nov 2026 11:00:00 GMT' }, text: '' }, now)).toBe(0)
  })
  it('falls back to problem+json retryAfter only when the header is missing', () => {
    const body = JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, retryAfter: 3 })
    expect(retryAfterMs({ headers: {}, text: body }, now)).toBe(3000)
    expect(retryAfterMs({ headers: { 'retry-after': '1' }, text: body }, now)).toBe(1000)
    expect(retryAfterMs({ headers: { 'retry-after': 'soon' }, text: '<html>' }, now)).toBeUndefined()
  })
})

describe('judgeAttempt', () => {
  const p = policy()
  it('retries 429, 502, 503, 504 and connection failures and timeouts', () => {
    for (const status of [429, 502, 503, 504]) expect(judgeAttempt(response(status), 0, p).kind).toBe('retry')
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'TIMEOUT']) {
      expect(judgeAttempt(network(code), 0, p)).toEqual({ kind: 'retry', delayMs: 250, pauseAll: false, reason: code })
    }
  })
  it('never retries what cannot succeed', () => {
    for (const status of [400, 404, 409, 413, 500])
      expect(judgeAttempt(response(status), 0, p)).toEqual({ kind: 'fail' })
    expect(judgeAttempt(network('ENOTFOUND'), 0, p)).toEqual({ kind: 'fail' })
  })
  it('stops the run on 401 and 403', () => {
    expect(judgeAttempt(response(401), 0, p)).toEqual({ kind: 'stop-run' })
    expect(judgeAttempt(response(403), 0, p)).toEqual({ kind: 'stop-run' })
  })
  it('pauses everything on 429 for as long as Retry-After says, which wins over backoff', () => {
    expect(judgeAttempt(response(429, { 'retry-after': '4' }), 3, p)).toEqual({
      kind: 'retry',
      delayMs: 4000,
      pauseAll: true,
      reason: 'HTTP 429'
    })
    expect(judgeAttempt(response(503, { 'retry-after': '2' }), 0, p)).toEqual({
      kind: 'retry',
      delayMs: 2000,
      pauseAll: false,
      reason: 'HTTP 503'
    })
  })
  it('gives up after max-retries, and on a Retry-After longer than it waits', () => {
    expect(judgeAttempt(response(503), 5, p)).toEqual({ kind: 'fail' })
    expect(judgeAttempt(response(503), 4, p).kind).toBe('retry')
    expect(judgeAttempt(response(429, { 'retry-after': '3600' }), 0, p)).toEqual({
      kind: 'fail',
      reason: 'Cortex asked to wait 3600 s, longer than this run waits'
    })
  })
})

describe('sendWithRetries', () => {
  it('retries until success, sleeping the backoff between attempts, without real waiting', async () => {
    const clock = new FakeClock()
    const answers = [response(503), network('ECONNRESET'), response(200, {}, '{}')]
    const events: RetryEvent[] = []
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    const started = Date.now()
    const out = await sendWithRetries(
      async () => answers.shift() as AttemptResult,
      policy(clock),
      gate,
      (e) => events.push(e)
    )
    expect(out).toMatchObject({ attempts: 3, verdict: { kind: 'success' } })
    expect(clock.sleeps).toEqual([250, 500])
    expect(events).toEqual([
      { attempt: 1, reason: 'HTTP 503', delayMs: 250 },
      { attempt: 2, reason: 'ECONNRESET', delayMs: 500 }
    ])
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('gives up after max-retries + 1 attempts and returns the last answer', async () => {
    const clock = new FakeClock()
    let sent = 0
    const out = await sendWithRetries(
      async () => (sent++, response(502)),
      policy(clock, { maxRetries: 2 }),
      new RequestGate({ requestsPerMinute: 1000, clock })
    )
    expect(sent).toBe(3)
    expect(out).toMatchObject({ attempts: 3, verdict: { kind: 'fail' }, result: { status: 502 } })
  })

  it('turns a 429 into a pause of the whole gate until Retry-After', async () => {
    const clock = new FakeClock()
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    const answers = [response(429, { 'retry-after': '3' }), response(200, {}, '{}')]
    const events: RetryEvent[] = []
    const start = clock.now()
    await sendWithRetries(
      async () => answers.shift() as AttemptResult,
      policy(clock),
      gate,
      (e) => events.push(e)
    )
    expect(events).toEqual([{ attempt: 1, reason: 'HTTP 429', delayMs: 3000, pause: 'new' }])
    expect(clock.now() - start).toBe(3000)
  })
})

describe('RequestGate', () => {
  it('lets no 60-second window hold more starts than the budget', async () => {
    const clock = new FakeClock()
    const waits: Array<[number, string]> = []
    const gate = new RequestGate({ requestsPerMinute: 3, clock, onWait: (ms, why) => waits.push([ms, why]) })
    const starts: number[] = []
    const t0 = clock.now()
    for (let i = 0; i < 7; i++) {
      await gate.enter()
      starts.push(clock.now() - t0)
    }
    expect(starts).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000])
    expect(waits).toEqual([
      [60_000, 'paced'],
      [60_000, 'paced']
    ])
  })

  it('holds every request back during a pause, and says whether a pause is new', async () => {
    const clock = new FakeClock()
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    const t0 = clock.now()
    expect(gate.pauseUntil(t0 + 2000)).toBe(true)
    expect(gate.pauseUntil(t0 + 2500)).toBe(false)
    const entered: number[] = []
    await Promise.all([gate.enter(), gate.enter()].map((p) => p.then(() => entered.push(clock.now() - t0))))
    expect(entered).toEqual([2500, 2500])
  })

  it('after a 429, spends what the pause refilled at once, then spaces requests at the budget', async () => {
    const clock = new FakeClock()
    const gate = new RequestGate({ requestsPerMinute: 600, clock })
    const t0 = clock.now()
    await gate.enter()
    await gate.enter()
    expect(clock.now()).toBe(t0)
    gate.pauseUntil(t0 + 300)
    const starts: number[] = []
    for (let i = 0; i < 6; i++) {
      await gate.enter()
      starts.push(clock.now() - t0)
    }
    // 600 a minute is one per 100 ms: the 300 ms pause earned slots at 0, 100, 200 and 300 ms.
    expect(starts).toEqual([300, 300, 300, 300, 400, 500])
  })

  it('lets nothing start once stopped', async () => {
    const gate = new RequestGate({ requestsPerMinute: 1000, clock: new FakeClock() })
    await gate.enter()
    const reason = new Error('key refused')
    gate.stop(reason)
    gate.stop(new Error('a later one'))
    await expect(gate.enter()).rejects.toBe(reason)
  })
})
