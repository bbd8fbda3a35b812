import type { Clock } from './clock.ts'

const MINUTE_MS = 60_000

/** Why requests wait: Cortex asked the run to (429), or the run's own request budget is spent. */
export type WaitReason = 'rate-limited' | 'paced'

export interface RequestGateOptions {
  /** Requests allowed in any 60-second window: Cortex documents 1000 per minute per client. */
  requestsPerMinute: number
  clock: Clock
  /** Told each time a request must wait, and why. */
  onWait?: (ms: number, reason: WaitReason) => void
}

/**
 * The one door every request of a run goes through. It does three things:
 * - It keeps the run within its request budget: no 60-second window holds
 *   more starts than `requestsPerMinute`.
 * - It holds every request back while Cortex has asked the run to wait (429).
 * - Once the run is stopped (a refused API key), it lets no request start.
 *   The stop also ends every wait at once: the gate's own, and wherever the
 *   run listens to `stopped` (a retry's backoff, a request in flight).
 *
 * Until Cortex first answers 429, the run may spend its budget in bursts.
 * After a 429 it spreads requests evenly at the budget's rate, counted from
 * the moment of the 429. The reason: a server that refills its bucket
 * gradually has refilled, by the end of the pause, what the pause lasted.
 * That much may go at once; the rest follows at the rate. Bursts would draw
 * another 429, and each Retry-After, in whole seconds, wastes part of a second.
 */
export class RequestGate {
  readonly #options: RequestGateOptions
  readonly #starts: number[] = []
  #pausedUntil = 0
  /** Even spacing in force after a 429: the next slot on the schedule, and how much credit may build up. */
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

  /**
   * Holds every request back until `until` (epoch ms). Returns true when this
   * starts a new pause rather than extending one already running.
   */
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

  /**
   * Aborts, with the stop reason, when the run is stopped: every wait and every
   * request in flight listens to it, so that a stopped run ends at once.
   */
  get stopped(): AbortSignal {
    return this.#stop.signal
  }

  async #waitForTurn(): Promise<void> {
    const { clock, requestsPerMinute, onWait } = this.#options
    const stopped = this.#stop.signal
    for (;;) {
      stopped.throwIfAborted()
      const now = clock.now()
      while (this.#starts.length > 0 && (this.#starts[0] as number) <= now - MINUTE_MS) this.#starts.shift()
      const windowFull = this.#starts.length >= requestsPerMinute ? (this.#starts[0] as number) + MINUTE_MS : 0
      const paceUntil = Math.max(windowFull, this.#spacingMs > 0 ? this.#nextSlot : 0)
      const until = Math.max(this.#pausedUntil, paceUntil)
      if (until <= now) {
        this.#starts.push(now)
        if (this.#spacingMs > 0) this.#nextSlot = Math.max(this.#nextSlot, now - this.#maxCreditMs) + this.#spacingMs
        return
      }
      onWait?.(until - now, until === this.#pausedUntil ? 'rate-limited' : 'paced')
      await clock.sleep(until - now, stopped)
    }
  }
}
