/** Cortex accepts letters, digits, `_` and `-` in a tag (see shared API notes). */
export const TAG_PATTERN = /^[A-Za-z0-9_-]+$/

/**
 * A tag in the one form every spelling a case-insensitive comparison could take as
 * equal shares: upper then lower case, so `ſ` (S) and the Kelvin sign (K), which lower
 * case alone keeps apart, fold too. Cortex does not document whether tags are
 * case-sensitive: when in doubt, two tags count as the same (never both pushed, and
 * neither deleted for the other).
 */
export function foldCase(tag: string): string {
  return tag.toUpperCase().toLowerCase()
}

/** What an input says of one secret besides its key: exactly one of `value` and `env`, and maybe a name. */
export interface SecretFields {
  /** Display name in Cortex; absent when the input gives none. */
  name?: string
  value?: string
  env?: string
}

/**
 * One entry of the `secrets` mapping or of the secrets file, as written: its key
 * and where it is. What it says of its secret is read only for the entries the
 * run pushes (see select-secrets.ts), so a key `select` leaves out is never
 * named in a message, however its entry is written.
 */
export interface SecretEntry {
  /** The key as written; the tag is made from it. */
  key: string
  /** Where it was written, for messages: `secrets line 3`. */
  origin: string
  /** Where its key was written, for a message about the key: `Input "secrets", line 3, column 1`. */
  keyOrigin: string
  /** Reads the entry's fields; a problem is an InputError that starts with `Tag "<tag>" (<origin>)`. */
  read(tag: string, origin: string): SecretFields
}

/** One secret the run pushes, before its value is resolved. */
export interface SecretSpec extends SecretFields {
  tag: string
  /** The key it was written under, when `select`, `strip-prefix` or `tag-case` made the tag from it. */
  key?: string
  /** Where it was written, for messages: `secrets line 3`, or `secrets line 3, key "CORTEX_X"`. */
  origin: string
}

/** A secret ready to send: its value is known and valid. */
export interface DesiredSecret {
  tag: string
  name?: string
  value: string
  /** The input key the tag was made from (see SecretSpec.key); reports show `key → tag`. */
  key?: string
}

/**
 * The name a secret has in Cortex when none is given: its tag. A create sends
 * it (Cortex requires a name), and a secret Cortex lists without one shows it.
 */
export function nameOrTag(secret: { tag: string; name?: string }): string {
  return secret.name ?? secret.tag
}
