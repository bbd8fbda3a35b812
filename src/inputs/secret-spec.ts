/** Cortex accepts letters, digits, `_` and `-` in a tag (see shared API notes). */
export const TAG_PATTERN = /^[A-Za-z0-9_-]+$/

/** One secret as written in an input, before its value is resolved. */
export interface SecretSpec {
  tag: string
  /** Display name in Cortex; absent when the input gives none. */
  name?: string
  /** Exactly one of `value` and `env` is set. */
  value?: string
  env?: string
  /** Where it was written, for messages: `secrets line 3`. */
  origin: string
}

/** A secret ready to send: its value is known and valid. */
export interface DesiredSecret {
  tag: string
  name?: string
  value: string
}
