import type { CortexApiErrorDetails } from './cortex-api-error.ts'

type BodyFields = Pick<CortexApiErrorDetails, 'type' | 'detail' | 'requestId'>

/**
 * Reads what Cortex says in an error body: its `ErrorResponse`, the
 * `violations` shape some validation errors use, or problem+json for 429.
 * Anything else is summarised by length, never echoed.
 */
export function readErrorBody(text: string): BodyFields {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>
    const requestId = typeof b.requestId === 'string' ? b.requestId : undefined
    if (typeof b.message === 'string') {
      return { type: typeof b.type === 'string' ? b.type : undefined, detail: b.message, requestId }
    }
    if (Array.isArray(b.violations)) {
      const parts = b.violations.map((v: Record<string, unknown>) =>
        [v?.pointer, v?.title].filter((s) => typeof s === 'string').join(' ')
      )
      return { type: 'VIOLATIONS', detail: parts.join('; ') || 'validation failed', requestId }
    }
    if (typeof b.title === 'string') {
      return { type: typeof b.type === 'string' ? b.type : undefined, detail: b.title, requestId }
    }
  }
  return { detail: `a ${Buffer.byteLength(text)}-byte body that is not a Cortex error` }
}
