import { setTimeout as delay } from 'node:timers/promises'

/** Time, injectable so that retry and pacing logic is tested without waiting. */
export interface Clock {
  /** Milliseconds since the epoch (Retry-After may be an HTTP date). */
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => delay(ms)
}
