import { NOT_SHOWN, shownAs } from './visible-text.ts'

/** NOT_SHOWN without the global flag, whose test() would keep state. */
const SOME_NOT_SHOWN = new RegExp(NOT_SHOWN.source, 'u')

/**
 * A text decoded from another, that knows where each of its code units came from: code
 * unit i was decoded from `source[from[i], to[i])`. So a stretch found in the decoded text
 * names the stretch of the source to redact.
 */
export class MappedText {
  readonly text: string
  /** Absent: the text is its own source. */
  readonly #from: readonly number[] | undefined
  readonly #to: readonly number[] | undefined

  constructor(text: string, from?: readonly number[], to?: readonly number[]) {
    this.text = text
    this.#from = from
    this.#to = to
  }

  /** The stretch of the source that `text[start, end)` was decoded from (`end > start`). */
  sourceOf(start: number, end: number): [number, number] {
    if (!this.#from || !this.#to) return [start, end]
    return [this.#from[start] as number, this.#to[end - 1] as number]
  }
}

/**
 * Builds a MappedText left to right from decoded code points, showing each as showControls
 * shows text (CR LF as one `⏎`), so that it reads as the secrets are indexed.
 */
export class MappedTextBuilder {
  readonly #units: number[] = []
  readonly #from: number[] = []
  readonly #to: number[] = []
  #afterCr = false

  /** Appends a code point decoded from `source[from, to)`; a surrogate reads as U+FFFD. */
  pushCodePoint(cp: number, from: number, to: number): void {
    if (cp === 0x0a && this.#afterCr) {
      this.#to[this.#to.length - 1] = to
      this.#afterCr = false
      return
    }
    this.#afterCr = cp === 0x0d
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd
    const plain = (cp >= 0x20 && cp < 0x7f) || cp === 0xfffd
    const char = String.fromCodePoint(cp)
    const shown = plain || !SOME_NOT_SHOWN.test(char) ? char : shownAs(char)
    for (let i = 0; i < shown.length; i++) {
      this.#units.push(shown.charCodeAt(i))
      this.#from.push(from)
      this.#to.push(to)
    }
  }

  /**
   * Appends `bytes` decoded as UTF-8, byte i taken from `source[from[i], to[i])`. A byte that
   * does not start a well-formed sequence becomes U+FFFD on its own, so the next byte is read
   * afresh: a valid sequence (the start of a value) is never swallowed by a broken one before it.
   */
  pushUtf8(bytes: readonly number[], from: readonly number[], to: readonly number[]): void {
    for (let i = 0; i < bytes.length;) {
      const length = sequenceLength(bytes, i)
      const last = i + Math.max(1, length) - 1
      this.pushCodePoint(length === 0 ? 0xfffd : codePoint(bytes, i, length), from[i]!, to[last]!)
      i = last + 1
    }
  }

  build(): MappedText {
    let text = ''
    // In slices: a call with more than some 100,000 arguments overflows the stack.
    for (let i = 0; i < this.#units.length; i += 8192) {
      text += String.fromCharCode.apply(null, this.#units.slice(i, i + 8192))
    }
    return new MappedText(text, this.#from, this.#to)
  }
}

/** The length of the well-formed UTF-8 sequence at `at` (RFC 3629; Unicode's table 3-7), or 0. */
function sequenceLength(bytes: readonly number[], at: number): number {
  const lead = bytes[at]!
  if (lead < 0x80) return 1
  let length: number
  let low = 0x80
  let high = 0xbf
  if (lead >= 0xc2 && lead <= 0xdf) length = 2
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3
    if (lead === 0xe0) low = 0xa0 // no overlong forms
    if (lead === 0xed) high = 0x9f // no surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4
    if (lead === 0xf0) low = 0x90
    if (lead === 0xf4) high = 0x8f // nothing past U+10FFFF
  } else return 0
  if (at + length > bytes.length) return 0
  const second = bytes[at + 1]!
  if (second < low || second > high) return 0
  for (let i = at + 2; i < at + length; i++) if ((bytes[i]! & 0xc0) !== 0x80) return 0
  return length
}

function codePoint(bytes: readonly number[], at: number, length: number): number {
  if (length === 1) return bytes[at]!
  let cp = bytes[at]! & (0xff >> (length + 1))
  for (let i = at + 1; i < at + length; i++) cp = (cp << 6) | (bytes[i]! & 0x3f)
  return cp
}
