import { NAMED_ENTITIES } from './html-entities.ts'
import { MappedText, MappedTextBuilder } from './mapped-text.ts'

/**
 * A text (already shown by showControls) as it is, and read as each encoding a server
 * could have applied to what it quotes: percent-decoded (`%XX` in either case; a second
 * reading takes `+` as a space, as form encoding writes it); with HTML character
 * references decoded (`&#x27;`, `&#39;`, `&apos;`, `&eacute;`); and base64-decoded
 * (standard or URL-safe alphabet) from each of the four characters a run of base64 can
 * start at, so a value at any offset of an encoded body reads as itself in one of them.
 * Every view is shown as showControls shows text, and maps back to the text it was read from.
 *
 * `shortest`: the fewest code units a match can have. A decoded code unit takes at least
 * one byte, and n bytes take 4n/3 characters of base64, so shorter runs of base64 are not
 * read. Decoding costs a few passes over the text, which is short, and nothing per secret:
 * the secrets are indexed in one form per escaping, not once more per encoding.
 */
export function decodedViews(text: string, shortest: number): MappedText[] {
  const views = [new MappedText(text)]
  if (PERCENT.test(text)) views.push(percentDecoded(text, false))
  if (text.includes('+')) views.push(percentDecoded(text, true))
  if (REFERENCE_START.test(text)) views.push(htmlDecoded(text))
  const runs = base64Runs(Math.ceil((shortest * 4) / 3))
  if (text.search(runs) >= 0) {
    for (let offset = 0; offset < 4; offset++) views.push(base64Decoded(text, offset, runs))
  }
  return views
}

const PERCENT = /%[0-9A-Fa-f]{2}/
const REFERENCE_START = /&(?:#|[A-Za-z])/

/** Bytes, each read from a stretch of the source, to be decoded as UTF-8. */
class Bytes {
  readonly #bytes: number[] = []
  readonly #from: number[] = []
  readonly #to: number[] = []

  add(byte: number, from: number, to: number): void {
    this.#bytes.push(byte)
    this.#from.push(from)
    this.#to.push(to)
  }

  /** Adds the UTF-8 bytes of the code point at `at` of `text`; returns where the next one starts. */
  addUtf8Of(text: string, at: number): number {
    const cp = text.codePointAt(at) as number
    const end = at + (cp > 0xffff ? 2 : 1)
    for (const byte of utf8(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp)) this.add(byte, at, end)
    return end
  }

  decoded(): MappedText {
    const out = new MappedTextBuilder()
    out.pushUtf8(this.#bytes, this.#from, this.#to)
    return out.build()
  }
}

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp]
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)]
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

function percentDecoded(text: string, plusIsSpace: boolean): MappedText {
  const out = new Bytes()
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i)
    const high = c === 0x25 ? hexDigit(text.charCodeAt(i + 1)) : -1
    const low = high >= 0 ? hexDigit(text.charCodeAt(i + 2)) : -1
    if (low >= 0) {
      out.add(high * 16 + low, i, i + 3)
      i += 3
    } else if (plusIsSpace && c === 0x2b) {
      out.add(0x20, i, i + 1)
      i += 1
    } else {
      i = out.addUtf8Of(text, i)
    }
  }
  return out.decoded()
}

/** Numeric references with or without the `;` (browsers accept both); named ones with it. */
const REFERENCE = /&#[xX]([0-9A-Fa-f]+);?|&#([0-9]+);?|&([A-Za-z][A-Za-z0-9]*);/g

function htmlDecoded(text: string): MappedText {
  const out = new MappedTextBuilder()
  let at = 0
  const copy = (end: number) => {
    while (at < end) {
      const cp = text.codePointAt(at) as number
      const next = at + (cp > 0xffff ? 2 : 1)
      out.pushCodePoint(cp, at, next)
      at = next
    }
  }
  for (const match of text.matchAll(REFERENCE)) {
    const [whole, hex, decimal, name] = match
    const cp =
      name === undefined ? parseInt(hex ?? decimal ?? '', hex === undefined ? 10 : 16) : NAMED_ENTITIES.get(name)
    if (cp === undefined) continue
    copy(match.index)
    // A code point no reference may name (0, a surrogate, past U+10FFFF) reads as U+FFFD, as in HTML.
    out.pushCodePoint(cp > 0 && cp <= 0x10ffff ? cp : 0xfffd, match.index, match.index + whole.length)
    at = match.index + whole.length
  }
  copy(text.length)
  return out.build()
}

const BASE64_RUNS = new Map<number, RegExp>()

/** Runs of `length` or more characters of the standard and the URL-safe base64 alphabets, both at once. */
function base64Runs(length: number): RegExp {
  let runs = BASE64_RUNS.get(length)
  if (!runs) BASE64_RUNS.set(length, (runs = new RegExp(`[A-Za-z0-9+/_-]{${length},}`, 'g')))
  return runs
}

/** The value of a character of the standard or the URL-safe base64 alphabet (both at once). */
function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65 // A-Z
  if (c >= 97 && c <= 122) return c - 71 // a-z
  if (c >= 48 && c <= 57) return c + 4 // 0-9
  return c === 43 || c === 45 ? 62 : 63 // + or -; / or _
}

/** Never a byte of UTF-8: it ends a run, and reads as U+FFFD, so no match spans two runs. */
const RUN_END = 0xff

/**
 * Every run of base64 characters that `runs` finds, decoded from `offset` characters past
 * its start, four characters to three bytes; a byte is read from the two characters that
 * hold its bits.
 */
function base64Decoded(text: string, offset: number, runs: RegExp): MappedText {
  const out = new Bytes()
  for (const match of text.matchAll(runs)) {
    const end = match.index + match[0].length
    let bits = 0
    let held = 0
    for (let i = match.index + offset; i < end; i++) {
      bits = ((bits << 6) | sextet(text.charCodeAt(i))) & 0xffff
      held += 6
      if (held >= 8) {
        held -= 8
        out.add((bits >> held) & 0xff, i - 1, i + 1)
      }
    }
    out.add(RUN_END, end, end)
  }
  return out.decoded()
}
