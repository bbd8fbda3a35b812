import type { Clock } from './clock.ts'
import { parseHttpDate } from './http-date.ts'

/** What one attempt of a request produced: a response, or a network failure. */
export type AttemptResult =
  | { status: number; headers: Record<string, string | string[] | undefined>; text: string }
  | { error: Error; code: string }

export interface RetryPolicy {
  /** Retries after the first attempt: `max-retries`. */
  maxRetries: number
  /** First backoff ceiling; doubles on each retry up to `maxDelayMs` (full jitter below it). */
  baseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is not waited for: the request fails instead (and no timer is armed). */
  maxRetryAfterMs: number
  clock: Clock
  /** In [0, 1); injectable so that jitter is deterministic in tests. */
  random: () => number
}

export type Verdict =
  | { kind: 'success' }
  /** Retry after `delayMs`; `pauseAll` when Cortex asked the whole client to slow down (429). */
  | { kind: 'retry'; delayMs: number; pauseAll: boolean; reason: string }
  /** Give up on this request; `reason` says why when it is not the response itself. */
  | { kind: 'fail'; reason?: string }
  /** The key is refused (401/403): no request of this run can succeed. */
  | { kind: 'stop-run' }

const RETRYABLE_STATUS = new Set([429, 502, 503, 504])
export const TIMEOUT_CODE = 'TIMEOUT'
/**
 * Network failures worth another attempt. Some come before the request left this
 * machine (ECONNREFUSED, ENETUNREACH, EAI_AGAIN, UND_ERR_CONNECT_TIMEOUT): Cortex never
 * saw it. The others (a reset, a closed socket, a timeout) may come after Cortex
 * carried the request out. A retry is safe either way: an update or a delete sent
 * twice leaves what one leaves, and a create sent twice is answered "exists" (see
 * judgeAttempt).
 */
const RETRYABLE_CODES = new Set([
  TIMEOUT_CODE,
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
])

/**
 * Decides what to do after an attempt. `retriesSoFar` counts the retries
 * already made. A create may be retried after any of these: a 429 was not
 * processed, and a create that did land before a 5xx, a reset or a timeout is
 * answered "exists" on the retry. The client then reads the tag back and says
 * that an earlier attempt may have landed; the upsert writes the value with an
 * update and reports the secret created, as this run created it.
 */
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
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retriesSoFar)
  return Math.floor(policy.random() * ceiling)
}

/**
 * How long the server asked us to wait, in milliseconds, when it asked for a
 * wait at all: the `Retry-After` header (seconds or an HTTP date) or else
 * problem+json `retryAfter` (seconds). A value that is not a wait to come (0,
 * negative, not a number or an HTTP date, a date gone by) is no answer, so
 * that the caller backs off instead of retrying at once. A huge value is
 * returned as it is (up to Infinity) for the caller to refuse.
 */
export function retryAfterMs(
  response: { headers: Record<string, string | string[] | undefined>; text: string },
  nowMs: number
): number | undefined {
  const raw = response.headers['retry-after']
  const header = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? ''
  return positive(headerWaitMs(header, nowMs)) ?? positive(bodyWaitMs(response.text))
}

const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

function headerWaitMs(header: string, nowMs: number): number | undefined {
  if (DECIMAL_NUMBER.test(header)) return secondsToMs(Number(header))
  const date = parseHttpDate(header, nowMs)
  return date === undefined ? undefined : date - nowMs
}

function bodyWaitMs(text: string): number | undefined {
  try {
    const body = JSON.parse(text) as { retryAfter?: unknown } | null
    if (typeof body?.retryAfter === 'number') return secondsToMs(body.retryAfter)
  } catch {
    // not JSON: no hint in the body
  }
  return undefined
}

/** Retry-After counts whole seconds (RFC 9110; Cortex's contract says integer): a fraction is rounded up. */
function secondsToMs(seconds: number): number {
  return Math.ceil(seconds) * 1000
}

function positive(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined
}

/** A wait as the log says it, in whole seconds without an exponent (1e308 s is "more than" the largest exact number). */
function seconds(ms: number): string {
  const whole = Math.ceil(ms / 1000)
  return Number.isSafeInteger(whole) ? `${whole} s` : `more than ${Number.MAX_SAFE_INTEGER} s`
}

export interface RetryEvent {
  /** 1-based number of the attempt that failed. */
  attempt: number
  reason: string
  delayMs: number
  /** Set for a 429: `new` when this answer started a pause of the whole run. */
  pause?: 'new' | 'extended'
}

export interface RetriedResult {
  result: AttemptResult
  verdict: Exclude<Verdict, { kind: 'retry' }>
  attempts: number
}

/**
 * Sends through the gate until the policy says stop. A 429 pauses the whole
 * run through the gate; other retries wait only for themselves, and stop
 * waiting (rejecting with the stop reason) as soon as the run is stopped.
 */
export async function sendWithRetries(
  send: () => Promise<AttemptResult>,
  policy: RetryPolicy,
  gate: { enter(): Promise<void>; pauseUntil(until: number): boolean; readonly stopped: AbortSignal },
  onRetry?: (event: RetryEvent) => void
): Promise<RetriedResult> {
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
