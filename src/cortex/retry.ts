import { setTimeout as delay } from 'node:timers/promises'
import { seconds } from '../domain/text.ts'

/** Time, injected so that retries and pacing are tested without waiting. `sleep` rejects as soon as `signal` aborts. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, { signal })
    } catch (error) {
      throw signal?.aborted ? signal.reason : error
    }
  }
}

/** What one attempt produced: a response, or a network failure with its code. */
export type AttemptResult =
  | { status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { error: Error; code: string }

/**
 * `maxRetries` after the first attempt; backoff with full jitter below `baseDelayMs` × 2^retry, at
 * most `maxDelayMs`; a Retry-After over `maxRetryAfterMs` fails the request instead of waiting.
 * `random` in [0, 1) is injectable so that jitter is deterministic in tests.
 */
export interface RetryPolicy {
  maxRetries: number
  baseDelayMs: number
  maxDelayMs: number
  maxRetryAfterMs: number
  clock: Clock
  random: () => number
}

export const DEFAULT_BACKOFF = { baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 } as const

type Verdict =
  | { kind: 'success' }
  /** `pauseAll` when Cortex asked the whole run to slow down (429). */
  | { kind: 'retry'; delayMs: number; pauseAll: boolean; reason: string }
  /** `reason` says why when it is not the response itself. */
  | { kind: 'fail'; reason?: string }
  /** The key is refused (401/403): no request of this run can succeed. */
  | { kind: 'stop-run' }

const RETRYABLE_STATUS = new Set([429, 502, 503, 504])
export const TIMEOUT_CODE = 'TIMEOUT'
/** Network failures worth another attempt: safe even after Cortex acted (an update or delete twice leaves what one does; a create twice finds the tag). */
const RETRYABLE_CODES = new Set(
  `${TIMEOUT_CODE} ECONNRESET ECONNREFUSED EPIPE ETIMEDOUT ENETUNREACH EAI_AGAIN UND_ERR_SOCKET UND_ERR_CLOSED
   UND_ERR_CONNECT_TIMEOUT UND_ERR_HEADERS_TIMEOUT UND_ERR_BODY_TIMEOUT`.split(/\s+/)
)

/** Decides what follows an attempt; `retriesSoFar` counts the retries already made. */
export function judgeAttempt(result: AttemptResult, retriesSoFar: number, policy: RetryPolicy): Verdict {
  if ('status' in result) {
    if (result.status >= 200 && result.status < 300) return { kind: 'success' }
    if (result.status === 401 || result.status === 403) return { kind: 'stop-run' }
    if (!RETRYABLE_STATUS.has(result.status)) return { kind: 'fail' }
  } else if (!RETRYABLE_CODES.has(result.code)) {
    return { kind: 'fail' }
  }
  if (retriesSoFar >= policy.maxRetries) return { kind: 'fail' }

  const reason = 'status' in result ? `HTTP ${result.status}` : result.code
  const asked = 'status' in result ? retryAfterMs(result, policy.clock.now()) : undefined
  if (asked !== undefined && asked > policy.maxRetryAfterMs) {
    return { kind: 'fail', reason: `Cortex asked to wait ${seconds(asked)}, longer than this run waits` }
  }
  // No usable wait asked for (none, 0, negative, garbage, a date gone by): the backoff spaces the retries.
  const delayMs = asked ?? backoffMs(retriesSoFar, policy)
  return { kind: 'retry', delayMs, pauseAll: 'status' in result && result.status === 429, reason }
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base × 2^retry)). */
export function backoffMs(
  retriesSoFar: number,
  policy: Omit<RetryPolicy, 'maxRetries' | 'maxRetryAfterMs' | 'clock'>
): number {
  return Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar))
}

/**
 * The wait asked for, in ms: `Retry-After` (seconds or an HTTP date), else problem+json `retryAfter`,
 * in whole seconds rounded up (RFC 9110). No wait to come (0, negative, garbage, past) is no answer.
 */
export function retryAfterMs(
  response: { headers: Record<string, string | string[] | undefined>; text: string },
  nowMs: number
): number | undefined {
  const raw = response.headers['retry-after']
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? ''
  const date = httpDate(header)
  const fromHeader = DECIMAL_NUMBER.test(header)
    ? Math.ceil(Number(header)) * 1000
    : date === undefined
      ? undefined
      : date - nowMs
  let fromBody: number | undefined
  try {
    const body = JSON.parse(response.text) as { retryAfter?: unknown } | null
    if (typeof body?.retryAfter === 'number') fromBody = Math.ceil(body.retryAfter) * 1000
  } catch {
    // not JSON: no hint in the body
  }
  return [fromHeader, fromBody].find((ms) => ms !== undefined && ms > 0)
}

const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
/** IMF-fixdate, the form servers send (`Sun, 06 Nov 1994 08:49:37 GMT`); Date.parse would take "-5" as a year. */
const IMF_FIXDATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTHS.join('|')}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`
)

/** An IMF-fixdate as epoch milliseconds; undefined when `text` is not one or names no real instant. */
export function httpDate(text: string): number | undefined {
  const fields = IMF_FIXDATE.exec(text)
  if (!fields) return undefined
  const [day, year, hour, minute, second] = [1, 3, 4, 5, 6].map((i) => Number(fields[i])) as [
    number,
    number,
    number,
    number,
    number
  ]
  if (hour > 23 || minute > 59 || second > 60) return undefined
  // A leap second counts as the second before it; Date.UTC rolls 31 Feb into March, which names no real day.
  const ms = Date.UTC(year, MONTHS.indexOf(fields[2] as string), day, hour, minute, Math.min(second, 59))
  return new Date(ms).getUTCDate() === day ? ms : undefined
}

/** A failed attempt (1-based) sent again; for a 429, `pause` is `new` when it started a pause of the whole run. */
export interface RetryEvent {
  attempt: number
  reason: string
  delayMs: number
  pause?: 'new' | 'extended'
}

/** Why requests wait: Cortex asked the run to (429), or the run's own request budget is spent. */
export type WaitReason = 'rate-limited' | 'paced'

interface RequestGateOptions {
  requestsPerMinute: number
  clock: Clock
  onWait?: (ms: number, reason: WaitReason) => void
}

const MINUTE_MS = 60_000

/**
 * The door every request goes through: no 60 seconds hold more starts than `requestsPerMinute`, a
 * 429 holds every request back, and after a stop none starts (every wait ends, `stopped` aborts).
 * After a 429, requests are spread at the budget's rate with the pause as credit: a bucket refilled
 * gradually has refilled that much, and a burst would draw another 429.
 */
export class RequestGate {
  readonly #options: RequestGateOptions
  readonly #starts: number[] = []
  #pausedUntil = 0
  #spacingMs = 0
  #nextSlot = 0
  #maxCreditMs = 0
  readonly #stop = new AbortController()
  // Requests pass one at a time so that the window count is exact.
  #queue: Promise<void> = Promise.resolve()

  constructor(options: RequestGateOptions) {
    this.#options = options
  }

  /** Resolves when a request may start; rejects with the stop reason once the run is stopped. */
  enter(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForTurn())
    this.#queue = turn.catch(() => undefined)
    return turn
  }

  /** Holds every request back until `until` (epoch ms); true when this starts a new pause. */
  pauseUntil(until: number): boolean {
    const now = this.#options.clock.now()
    const fresh = this.#pausedUntil <= now
    this.#pausedUntil = Math.max(this.#pausedUntil, until)
    this.#spacingMs = MINUTE_MS / this.#options.requestsPerMinute
    this.#nextSlot = now
    this.#maxCreditMs = Math.max(0, until - now)
    return fresh
  }

  /** No request starts after this, and no wait goes on; `reason` (the first given) is what they fail with. */
  stop(reason: Error): void {
    this.#stop.abort(reason)
  }

  get stopped(): AbortSignal {
    return this.#stop.signal
  }

  async #waitForTurn(): Promise<void> {
    const { clock, requestsPerMinute, onWait } = this.#options
    for (;;) {
      this.#stop.signal.throwIfAborted()
      const now = clock.now()
      while (this.#starts.length > 0 && (this.#starts[0] as number) <= now - MINUTE_MS) this.#starts.shift()
      const windowFull = this.#starts.length >= requestsPerMinute ? (this.#starts[0] as number) + MINUTE_MS : 0
      const until = Math.max(this.#pausedUntil, windowFull, this.#spacingMs > 0 ? this.#nextSlot : 0)
      if (until <= now) {
        this.#starts.push(now)
        if (this.#spacingMs > 0) this.#nextSlot = Math.max(this.#nextSlot, now - this.#maxCreditMs) + this.#spacingMs
        return
      }
      onWait?.(until - now, until === this.#pausedUntil ? 'rate-limited' : 'paced')
      await clock.sleep(until - now, this.#stop.signal)
    }
  }
}

/**
 * Sends through the gate until the policy says stop. A 429 pauses the whole run through the
 * gate; other retries wait only for themselves, and stop waiting as soon as the run stops.
 */
export async function sendWithRetries(
  send: () => Promise<AttemptResult>,
  policy: RetryPolicy,
  gate: Pick<RequestGate, 'enter' | 'pauseUntil' | 'stopped'>,
  onRetry?: (event: RetryEvent) => void
): Promise<{ result: AttemptResult; verdict: Exclude<Verdict, { kind: 'retry' }>; attempts: number }> {
  for (let retries = 0; ; retries++) {
    await gate.enter()
    const result = await send()
    const verdict = judgeAttempt(result, retries, policy)
    if (verdict.kind !== 'retry') return { result, verdict, attempts: retries + 1 }
    const event: RetryEvent = { attempt: retries + 1, reason: verdict.reason, delayMs: verdict.delayMs }
    if (verdict.pauseAll) {
      event.pause = gate.pauseUntil(policy.clock.now() + verdict.delayMs) ? 'new' : 'extended'
      onRetry?.(event)
    } else {
      onRetry?.(event)
      await policy.clock.sleep(verdict.delayMs, gate.stopped)
    }
  }
}
