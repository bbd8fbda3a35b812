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

/**
 * The name a secret has in Cortex when none is given: its tag. A create sends
 * it (Cortex requires a name), and a secret Cortex lists without one shows it.
 */
export function nameOrTag(secret: { tag: string; name?: string }): string {
  return secret.name ?? secret.tag
}
