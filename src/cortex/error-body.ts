import type { UntrustedText } from '../text/untrusted-text.ts'
import type { CortexApiErrorDetails } from './cortex-api-error.ts'

type BodyFields = Pick<CortexApiErrorDetails, 'type' | 'detail' | 'requestId'>

/** How many characters of each field of Cortex's error an error message shows. */
const SHOWN_CHARS = { type: 64, detail: 300, requestId: 100 } as const
/** Violations listed in a message; the rest are counted. */
const MAX_VIOLATIONS = 10

/**
 * Reads what Cortex says in an error body: its `ErrorResponse`, the
 * `violations` shape some validation errors use, or problem+json for 429.
 * Anything else is summarised by length, never echoed. This is the one way
 * Cortex's text enters an error: each field is cleaned by `serverText`
 * (control characters, quoted secrets, length) before it is returned.
 */
export function readErrorBody(text: string, serverText: UntrustedText): BodyFields {
  const shown = (field: keyof typeof SHOWN_CHARS, value: string) => serverText.clean(value, SHOWN_CHARS[field])
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>
    const requestId = typeof b.requestId === 'string' ? shown('requestId', b.requestId) : undefined
    const type = typeof b.type === 'string' ? shown('type', b.type) : undefined
    if (typeof b.message === 'string') return { type, detail: shown('detail', b.message), requestId }
    if (Array.isArray(b.violations)) {
      const parts = b.violations
        .slice(0, MAX_VIOLATIONS)
        .map((v: Record<string, unknown>) => [v?.pointer, v?.title].filter((s) => typeof s === 'string').join(' '))
      const more = b.violations.length - MAX_VIOLATIONS
      if (more > 0) parts.push(`and ${more} more`)
      return { type: 'VIOLATIONS', detail: shown('detail', parts.join('; ')) || 'validation failed', requestId }
    }
    if (typeof b.title === 'string') return { type, detail: shown('detail', b.title), requestId }
  }
  return { detail: `a ${Buffer.byteLength(text)}-byte body that is not a Cortex error` }
}
