import { setTimeout as delay } from 'node:timers/promises'

/** Time, injectable so that retry and pacing logic is tested without waiting. */
export interface Clock {
  /** Milliseconds since the epoch (Retry-After may be an HTTP date). */
  now(): number
  /** Resolves after `ms`; rejects with `signal.reason` as soon as `signal` aborts (a stopped run waits for nothing). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** The longest delay a Node timer takes: a longer one fires at once (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    // In steps no timer overflows, so that no length of wait turns into none.
    for (let left = ms; left > 0; left -= MAX_TIMER_MS) {
      try {
        await delay(Math.min(left, MAX_TIMER_MS), undefined, { signal })
      } catch (error) {
        throw signal?.aborted ? signal.reason : error
      }
    }
  }
}
