import type { Clock } from '../../src/cortex/clock.ts'

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

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms)
    this.time += ms
  }
}
