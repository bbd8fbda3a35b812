import { describe, expect, it } from '@jest/globals'
import {
  DEFAULT_BACKOFF,
  RequestGate,
  backoffMs,
  httpDate,
  judgeAttempt,
  retryAfterMs,
  sendWithRetries,
  systemClock,
  type AttemptResult,
  type Clock,
  type RetryEvent,
  type RetryPolicy
} from '../../src/cortex/retry.ts'
import { FakeClock, ManualClock } from '../support/fake-clock.ts'

function policy(clock: Clock = new FakeClock(), overrides: Partial<RetryPolicy> = {}): RetryPolicy {
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
  const header = (value: string) => retryAfterMs({ headers: { 'retry-after': value }, text: '' }, now)
  const body = (retryAfter: unknown) =>
    retryAfterMs({ headers: {}, text: JSON.stringify({ status: 429, retryAfter }) }, now)

  it('reads seconds and an IMF-fixdate from the header; the obsolete RFC 850 and asctime dates are not a wait', () => {
    expect(header('7')).toBe(7000)
    expect(header(' 7 ')).toBe(7000)
    expect(header('Thu, 26 Nov 2026 12:00:12 GMT')).toBe(12_000)
    expect(header('Thursday, 26-Nov-26 12:00:12 GMT')).toBeUndefined()
    expect(header('Thu Nov 26 12:00:12 2026')).toBeUndefined()
  })
  it('reads the first of repeated Retry-After headers', () => {
    expect(retryAfterMs({ headers: { 'retry-after': ['4', '9'] }, text: '' }, now)).toBe(4000)
  })
  it('rounds a fraction of a second up to a whole second, the unit of Retry-After', () => {
    expect(header('1.5')).toBe(2000)
    expect(header('0.001')).toBe(1000)
    expect(body(0.2)).toBe(1000)
  })
  it('falls back to problem+json retryAfter only when the header asks for no usable wait', () => {
    const text = JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, retryAfter: 3 })
    expect(retryAfterMs({ headers: {}, text }, now)).toBe(3000)
    expect(retryAfterMs({ headers: { 'retry-after': '1' }, text }, now)).toBe(1000)
    expect(retryAfterMs({ headers: { 'retry-after': '0' }, text }, now)).toBe(3000)
    expect(retryAfterMs({ headers: { 'retry-after': 'soon' }, text: '<html>' }, now)).toBeUndefined()
  })
  it.each([
    ['zero', '0'],
    ['zero with a fraction', '0.0'],
    ['negative', '-5'],
    ['negative with a fraction', '-0.5'],
    ['garbage', 'soon'],
    ['a number with garbage', '5 s'],
    ['a date in the past', 'Thu, 26 Nov 2026 11:00:00 GMT'],
    ['the current second', 'Thu, 26 Nov 2026 12:00:00 GMT'],
    ['an impossible date', 'Mon, 31 Feb 2027 12:00:00 GMT'],
    ['a date without its zone', 'Thu, 26 Nov 2026 12:00:12'],
    ['a date Date.parse reads loosely', '2026-11-26T12:00:12Z'],
    ['NaN', 'NaN'],
    ['empty', '']
  ])('is not a wait when the header is %s', (_, value) => {
    expect(header(value)).toBeUndefined()
  })
  it.each([0, -3, '5', null, true, Number.NaN])('is not a wait when problem+json retryAfter is %p', (value) => {
    expect(body(value)).toBeUndefined()
  })
  it('reads huge values as huge waits, for the policy to refuse', () => {
    expect(header('99999999999')).toBe(99_999_999_999_000)
    expect(header('1e308')).toBe(Number.POSITIVE_INFINITY)
    expect(retryAfterMs({ headers: {}, text: '{"retryAfter": 1e308}' }, now)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('httpDate', () => {
  it('reads an IMF-fixdate as epoch milliseconds', () => {
    expect(httpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37))
    expect(httpDate('Sat, 29 Feb 2028 23:59:59 GMT')).toBe(Date.UTC(2028, 1, 29, 23, 59, 59))
  })
  it('counts a leap second as the second before it', () => {
    expect(httpDate('Sat, 31 Dec 2016 23:59:60 GMT')).toBe(Date.UTC(2016, 11, 31, 23, 59, 59))
  })
  it.each([
    ['an RFC 850 date', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['an asctime date', 'Sun Nov  6 08:49:37 1994'],
    ['a day that does not exist', 'Mon, 31 Feb 2027 12:00:00 GMT'],
    ['29 February of a common year', 'Thu, 29 Feb 2027 12:00:00 GMT'],
    ['hour 24', 'Sun, 06 Nov 1994 24:00:00 GMT'],
    ['minute 60', 'Sun, 06 Nov 1994 08:60:00 GMT'],
    ['second 61', 'Sun, 06 Nov 1994 08:49:61 GMT'],
    ['another zone', 'Sun, 06 Nov 1994 08:49:37 UTC'],
    ['no day name', '06 Nov 1994 08:49:37 GMT'],
    ['a one-digit day', 'Sun, 6 Nov 1994 08:49:37 GMT'],
    ['a month in lower case', 'Sun, 06 nov 1994 08:49:37 GMT'],
    ['ISO 8601', '1994-11-06T08:49:37Z'],
    ['a number', '-5'],
    ['text around it', 'x Sun, 06 Nov 1994 08:49:37 GMT']
  ])('is undefined for %s', (_, text) => {
    expect(httpDate(text)).toBeUndefined()
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
  it.each([
    ['0', { 'retry-after': '0' }, ''],
    ['negative', { 'retry-after': '-1' }, ''],
    ['garbage', { 'retry-after': 'soon' }, ''],
    ['a past date', { 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }, ''],
    ['0 in problem+json', {}, '{"status":429,"retryAfter":0}'],
    ['negative in problem+json', {}, '{"status":429,"retryAfter":-30}']
  ])('backs off as if no wait was asked when Retry-After is %s', (_, headers, text) => {
    // random 0.5 draws the middle of the third retry's range [0, 2000).
    expect(judgeAttempt(response(429, headers, text), 2, p)).toEqual({
      kind: 'retry',
      delayMs: 1000,
      pauseAll: true,
      reason: 'HTTP 429'
    })
    expect(judgeAttempt(response(503, headers, text), 0, p)).toEqual({
      kind: 'retry',
      delayMs: 250,
      pauseAll: false,
      reason: 'HTTP 503'
    })
  })
  it.each([
    ['99999999999', { 'retry-after': '99999999999' }, '', '99999999999 s'],
    ['1e308', { 'retry-after': '1e308' }, '', 'more than 9007199254740991 s'],
    ['1e308 in problem+json', {}, '{"retryAfter":1e308}', 'more than 9007199254740991 s'],
    ['a date in 3000', { 'retry-after': 'Wed, 01 Jan 3000 00:00:00 GMT' }, '', '30707985600 s']
  ])('gives up at once on a huge Retry-After (%s), without arming a timer', (_, headers, text, said) => {
    expect(judgeAttempt(response(429, headers, text), 0, p)).toEqual({
      kind: 'fail',
      reason: `Cortex asked to wait ${said}, longer than this run waits`
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
  it('waits out a Retry-After of up to 5 minutes by default, and gives up on one past it', () => {
    const defaults = policy(new FakeClock(), DEFAULT_BACKOFF)
    expect(judgeAttempt(response(429, { 'retry-after': '300' }), 0, defaults)).toMatchObject({
      kind: 'retry',
      delayMs: 300_000
    })
    expect(judgeAttempt(response(429, { 'retry-after': '301' }), 0, defaults)).toEqual({
      kind: 'fail',
      reason: 'Cortex asked to wait 301 s, longer than this run waits'
    })
    // Full jitter below 0.5 s × 2^retry, at most 30 s.
    expect([0, 1, 6, 7].map((n) => backoffMs(n, { ...DEFAULT_BACKOFF, random: () => 0.999 }))).toEqual([
      499, 999, 29_970, 29_970
    ])
  })
})

describe('sendWithRetries', () => {
  it('retries until success, sleeping the backoff between attempts, without real waiting', async () => {
    const clock = new FakeClock()
    const answers = [response(503), network('ECONNRESET'), response(200, {}, '{}')]
    const events: RetryEvent[] = []
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
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

describe('sendWithRetries against a 429 storm that asks for no wait', () => {
  it.each(['0', '-1', 'garbage', 'Thu, 01 Jan 1970 00:00:00 GMT'])(
    'spaces the retries by the backoff when Retry-After is %p',
    async (retryAfter) => {
      const clock = new FakeClock()
      const gate = new RequestGate({ requestsPerMinute: 1_000_000, clock })
      const answers = [...Array.from({ length: 4 }, () => response(429, { 'retry-after': retryAfter })), response(200)]
      const events: RetryEvent[] = []
      const start = clock.now()
      const out = await sendWithRetries(
        async () => answers.shift() as AttemptResult,
        policy(clock),
        gate,
        (e) => events.push(e)
      )
      expect(out).toMatchObject({ attempts: 5, verdict: { kind: 'success' } })
      // random 0.5: half of 500, 1000, 2000, 4000 ms.
      expect(events.map((e) => e.delayMs)).toEqual([250, 500, 1000, 2000])
      expect(clock.now() - start).toBe(3750)
    }
  )
})

/** What a promise has come to once every pending callback has run: a value, an error, or still pending. */
async function settledNow<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown } | 'pending'> {
  const pending = new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error })
    ),
    pending
  ])
}

describe('a stopped run waits for nothing', () => {
  const refused = new Error('key refused')

  it('wakes every request held by a 429 pause, and those queued behind it, with the stop reason', async () => {
    const clock = new ManualClock()
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    gate.pauseUntil(clock.now() + 300_000)
    const first = gate.enter()
    const second = gate.enter()
    expect(await settledNow(first)).toBe('pending')
    expect(clock.sleeping).toBe(1)
    gate.stop(refused)
    expect(await settledNow(first)).toEqual({ error: refused })
    expect(await settledNow(second)).toEqual({ error: refused })
    expect(clock.sleeping).toBe(0)
  })

  it('still lets a paused request through when the pause ends and nothing stopped the run', async () => {
    const clock = new ManualClock()
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    gate.pauseUntil(clock.now() + 300_000)
    const entered = gate.enter()
    expect(await settledNow(entered)).toBe('pending')
    clock.advance(300_000)
    expect(await settledNow(entered)).toEqual({ value: undefined })
  })

  it('wakes a request sleeping out its backoff, and sends nothing more', async () => {
    const clock = new ManualClock()
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    let sent = 0
    const out = sendWithRetries(async () => (sent++, response(503)), policy(clock), gate)
    expect(await settledNow(out)).toBe('pending')
    expect(clock.sleeping).toBe(1)
    gate.stop(refused)
    expect(await settledNow(out)).toEqual({ error: refused })
    expect(sent).toBe(1)
  })

  it('does not start a backoff once the run has stopped', async () => {
    const clock = new FakeClock()
    const gate = new RequestGate({ requestsPerMinute: 1000, clock })
    const out = sendWithRetries(async () => (gate.stop(refused), response(503)), policy(clock), gate)
    await expect(out).rejects.toBe(refused)
    expect(clock.sleeps).toEqual([])
  })
})

describe('systemClock.sleep', () => {
  it('ends at once with the reason when its signal aborts', async () => {
    const stop = new AbortController()
    const reason = new Error('key refused')
    const sleeping = systemClock.sleep(60_000, stop.signal)
    expect(await settledNow(sleeping)).toBe('pending')
    stop.abort(reason)
    expect(await settledNow(sleeping)).toEqual({ error: reason })
    await expect(systemClock.sleep(1000, stop.signal)).rejects.toBe(reason)
  })

  it('waits out a short sleep', async () => {
    const started = performance.now()
    await systemClock.sleep(30)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
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
