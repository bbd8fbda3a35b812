/**
 * The encodings a server could echo a value in, written here independently of the action's
 * decoders (decodedViews in src/domain/text.ts), so that tests check those against something else.
 */

/** The characters encodeURIComponent leaves as they are. */
export const URI_COMPONENT = /[A-Za-z0-9\-_.!~*'()]/
/** The characters form encoding (URLSearchParams, Java's URLEncoder) leaves as they are. */
export const FORM = /[A-Za-z0-9*\-._]/

/** `%XX` for every UTF-8 byte of `value` but the characters `kept`; `+` for a space when `plus`. */
export function percentEncoded(value: string, kept: RegExp, { plus = false, lower = false } = {}): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte)
    const hex = byte.toString(16).padStart(2, '0')
    out += kept.test(c) ? c : plus && c === ' ' ? '+' : `%${lower ? hex : hex.toUpperCase()}`
  }
  return out
}

/** `&#x27;`-style references for the characters an HTML escaper replaces; `upper`: `&#X3C;`. */
export function hexReferences(value: string, upper = false): string {
  return value.replace(/[&<>"']/g, (c) => {
    const hex = (c.codePointAt(0) as number).toString(16)
    return upper ? `&#X${hex.toUpperCase()};` : `&#x${hex};`
  })
}

/**
 * Base64 (standard and URL-safe) of `value` at each of the three byte offsets it can have in
 * an encoded text, without the characters that also hold bits of the bytes around it: the
 * runs that any base64 text holding the value shows (as the runner's Base64StringEscapeShift).
 */
export function base64Aligned(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  return [0, 1, 2].flatMap((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const inner = encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6))
    return [inner, inner.replace(/\+/g, '-').replace(/\//g, '_')]
  })
}

/**
 * The forms a server could echo a value in beyond as is: percent-encoded (encodeURIComponent
 * with hex digits in either case, and form encoding), with hex character references in either
 * case, and in base64 of the value or of the JSON request body that holds it.
 */
export function echoedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  return [
    percentEncoded(value, URI_COMPONENT),
    percentEncoded(value, URI_COMPONENT, { lower: true }),
    percentEncoded(value, FORM, { plus: true }),
    hexReferences(value),
    hexReferences(value, true),
    ...base64Aligned(value),
    ...base64Aligned(json)
  ]
}
