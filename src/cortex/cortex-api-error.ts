/** What the action was doing when Cortex (or the network) said no. */
export type CortexOperation = 'list' | 'get' | 'create' | 'update' | 'delete'

export interface CortexApiErrorDetails {
  operation: CortexOperation
  /** The tag the request was about; absent for the list. */
  tag?: string
  /** HTTP status; absent when no response arrived (reset, refused, timeout). */
  status?: number
  /** Cortex's error `type` (`BAD_REQUEST`, `CONFLICT`, …) or the network error code. */
  type?: string
  /** Cortex's `message`, or a summary of a body that was not Cortex JSON. */
  detail: string
  requestId?: string
}

/** A failed Cortex API call, described without anything from the request body. */
export class CortexApiError extends Error {
  override name = 'CortexApiError'
  readonly operation: CortexOperation
  readonly tag?: string
  readonly status?: number
  readonly type?: string
  readonly detail: string
  readonly requestId?: string

  constructor(details: CortexApiErrorDetails, options?: { cause?: unknown }) {
    super(describe(details), options)
    this.operation = details.operation
    this.tag = details.tag
    this.status = details.status
    this.type = details.type
    this.detail = details.detail
    this.requestId = details.requestId
  }
}

function describe(d: CortexApiErrorDetails): string {
  const subject = d.tag === undefined ? d.operation : `${d.operation} "${d.tag}"`
  const status = d.status === undefined ? 'no response' : `HTTP ${d.status}`
  const type = d.type ? ` ${d.type}` : ''
  const requestId = d.requestId ? ` (requestId ${d.requestId})` : ''
  return `${subject}: ${status}${type}: ${d.detail}${requestId}`
}
