/**
 * How an error names a key the input wrote. A key that could plausibly be a
 * key (1 to 64 of `[A-Za-z0-9_-]`) is quoted: `unknown key "vaule"` is the
 * fastest fix for a typo. Anything else may be a value pasted in the wrong
 * place, so it is never quoted: the message says which characters are not
 * allowed instead, each at most once, and invisible ones by code point.
 */
const PLAUSIBLE_KEY = /^[A-Za-z0-9_-]{1,64}$/
const KEY_CHARACTER = /[A-Za-z0-9_-]/
const MAX_SHOWN = 5

/** `unknown key "vaule"` or `unknown key (not shown: it has characters … )`. */
export function nameKey(key: string): string {
  return PLAUSIBLE_KEY.test(key) ? `"${key}"` : `(not shown: ${whatIsWrong(key)})`
}

/**
 * Why `key` is not made of letters, digits, `_` and `-`: `it is empty`, or
 * `it has characters a tag cannot have: space, "."`. Describes length when
 * the characters are fine but the key is too long to be quoted.
 */
export function whatIsWrong(key: string): string {
  if (key === '') return 'it is empty'
  const bad = [...new Set([...key].filter((c) => !KEY_CHARACTER.test(c)))]
  if (bad.length === 0) return `it is ${[...key].length} characters long`
  const shown = bad.slice(0, MAX_SHOWN).map(showCharacter).join(', ')
  const more = bad.length > MAX_SHOWN ? ` and ${bad.length - MAX_SHOWN} more` : ''
  return `it has characters a tag cannot have: ${shown}${more}`
}

function showCharacter(c: string): string {
  if (c === ' ') return 'space'
  // Control, format, separator and unassigned characters are named, never printed.
  if (/[\p{C}\p{Z}]/u.test(c)) return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
  return JSON.stringify(c)
}
