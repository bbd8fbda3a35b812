import type { WaitReason } from '../cortex/request-gate.ts'
import type { RetryEvent } from '../cortex/retry-policy.ts'
import { count } from '../text/count.ts'

/** What the run spent on retries and waits, for the log and the job summary. */
export class RetryTally {
  readonly retriesByTag = new Map<string, number>()
  retries = 0
  rateLimitPauses = 0
  /** Time the run's requests were held back: by Cortex's 429s, and by our own pacing. */
  rateLimitedMs = 0
  pacedMs = 0

  recordRetry(event: RetryEvent & { tag?: string }): void {
    this.retries++
    if (event.tag !== undefined) this.retriesByTag.set(event.tag, (this.retriesByTag.get(event.tag) ?? 0) + 1)
    if (event.pause === 'new') this.rateLimitPauses++
  }

  recordWait(ms: number, reason: WaitReason): void {
    if (reason === 'rate-limited') this.rateLimitedMs += ms
    else this.pacedMs += ms
  }

  retriesFor(tag: string): number {
    return this.retriesByTag.get(tag) ?? 0
  }

  /** One sentence for the summary, or undefined when nothing was retried or waited for. */
  describe(): string | undefined {
    if (this.retries === 0 && this.rateLimitedMs === 0 && this.pacedMs < 50) return undefined
    const parts = [`${count(this.retries, 'request')} retried`]
    if (this.rateLimitPauses > 0 || this.rateLimitedMs > 0) {
      parts.push(`waited ${seconds(this.rateLimitedMs)} on Cortex's rate limit (${this.rateLimitPauses} × HTTP 429)`)
    }
    if (this.pacedMs >= 50) parts.push(`paced ${seconds(this.pacedMs)} to stay within rate-limit`)
    return `${parts.join('; ')}.`
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
