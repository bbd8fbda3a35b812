import { count } from '../text/count.ts'

/** What the action was doing when Cortex (or the network) said no. */
export type CortexOperation = 'list' | 'get' | 'create' | 'update' | 'delete'

export interface CortexApiErrorDetails {
  operation: CortexOperation
  /** The tag the request was about; absent for the list. */
  tag?: string
  /**
   * HTTP status; absent when no complete response arrived: the connection was refused,
   * reset or closed (before the headers or while the body came), the attempt timed out,
   * or the body was too large to read.
   */
  status?: number
  /** Cortex's error `type` (`BAD_REQUEST`, `CONFLICT`, …) or the network error code. */
  type?: string
  /** Cortex's `message`, or a summary of a body that was not Cortex JSON. */
  detail: string
  requestId?: string
  /** How many times the request was sent. */
  attempts?: number
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
  readonly attempts: number

  constructor(details: CortexApiErrorDetails, options?: { cause?: unknown }) {
    super(describe(details), options)
    this.operation = details.operation
    this.tag = details.tag
    this.status = details.status
    this.type = details.type
    this.detail = details.detail
    this.requestId = details.requestId
    this.attempts = details.attempts ?? 1
  }
}

function describe(d: CortexApiErrorDetails): string {
  const subject = d.tag === undefined ? d.operation : `${d.operation} "${d.tag}"`
  const status = d.status === undefined ? 'no response' : `HTTP ${d.status}`
  const type = d.type ? ` ${d.type}` : ''
  const attempts = d.attempts ?? 1
  const context = [...(d.requestId ? [`requestId ${d.requestId}`] : []), count(attempts, 'attempt')]
  return `${subject}: ${status}${type}: ${d.detail} (${context.join(', ')})`
}

/**
 * Cortex refused the API key itself (401, 403): no request of the run can
 * succeed, so the run stops and reports this once instead of once per secret.
 */
export class ApiKeyRefusedError extends Error {
  override name = 'ApiKeyRefusedError'
  readonly status: number
  readonly requestId?: string

  constructor(cause: CortexApiError) {
    const why =
      cause.status === 401
        ? 'the key is invalid or expired'
        : 'the key lacks the "Create secrets" permission (list and get need it too)'
    const requestId = cause.requestId ? ` (requestId ${cause.requestId})` : ''
    super(`Cortex refused the API key with HTTP ${cause.status}: ${why}${requestId}. The run stopped.`, { cause })
    this.status = cause.status ?? 0
    this.requestId = cause.requestId
  }
}
