import type { CortexOperation } from './cortex-api-error.ts'

/**
 * A write that was on its way when the run stopped (a refused key): it was
 * abandoned, but Cortex may have received it and carried it out. The stop's
 * own reason is part of the message, and its `cause`.
 */
export class StoppedInFlightError extends Error {
  override name = 'StoppedInFlightError'
  readonly operation: CortexOperation
  readonly tag?: string

  constructor(operation: CortexOperation, tag: string | undefined, stop: Error) {
    const subject = tag === undefined ? operation : `${operation} "${tag}"`
    super(`${subject}: the run stopped while this request was in flight; it may have been applied. ${stop.message}`, {
      cause: stop
    })
    this.operation = operation
    this.tag = tag
  }
}
