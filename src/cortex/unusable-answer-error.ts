import { count } from '../text/count.ts'
import { CortexApiError, type CortexApiErrorDetails } from './cortex-api-error.ts'

export interface UnusableAnswerDetails extends CortexApiErrorDetails {
  /** The list page the answer was to; absent for the list as a whole and for single secrets. */
  page?: number
}

/**
 * Cortex answered with success, but with something the action cannot act on:
 * a body that does not match the API, a list longer than the action reads, or
 * a list that contradicts itself. `detail` says which and why; nothing of the
 * body is quoted. A `CortexApiError`, so that it is reported like one.
 */
export class UnusableAnswerError extends CortexApiError {
  override name = 'UnusableAnswerError'
  readonly page?: number

  constructor(details: UnusableAnswerDetails) {
    super(details)
    this.page = details.page
    this.message = describe(details)
  }
}

function describe(d: UnusableAnswerDetails): string {
  const list = d.page === undefined ? 'the list' : `the list (page ${d.page})`
  const subject = d.operation === 'list' ? list : `${d.operation} "${d.tag}"`
  const context = d.status === undefined ? '' : ` (HTTP ${d.status}, ${count(d.attempts ?? 1, 'attempt')})`
  return `Cortex answered ${subject} with ${d.detail}${context}`
}
