import type { Clock } from '../../src/cortex/retry.ts'

/** A clock whose sleep advances time at once: retry and pacing logic without real waiting. */
export class FakeClock implements Clock {
  time: number
  readonly sleeps: number[] = []

  constructor(start = Date.UTC(2026, 10, 26, 12, 0, 0)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason
    this.sleeps.push(ms)
    this.time += ms
  }
}

/**
 * A clock whose sleeps stay pending until the test moves time on with
 * `advance`: what a waiting request does while something else happens.
 * A sleep ends early, rejecting with the reason, when its signal aborts.
 */
export class ManualClock implements Clock {
  time: number
  #sleepers: Array<{ until: number; wake: () => void }> = []

  constructor(start = Date.UTC(2026, 10, 26, 12, 0, 0)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  /** How many sleeps are pending. */
  get sleeping(): number {
    return this.#sleepers.length
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise((resolve, reject) => {
      const sleeper = { until: this.time + ms, wake: resolve }
      this.#sleepers.push(sleeper)
      signal?.addEventListener('abort', () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper)
        reject(signal.reason)
      })
    })
  }

  advance(ms: number): void {
    this.time += ms
    const due = this.#sleepers.filter((s) => s.until <= this.time)
    this.#sleepers = this.#sleepers.filter((s) => s.until > this.time)
    for (const sleeper of due) sleeper.wake()
  }
}
