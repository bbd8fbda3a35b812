import { decodedViews } from './decoded-views.ts'
import type { MappedText } from './mapped-text.ts'
import { showControls } from './visible-text.ts'
import { WINDOW, WindowSet } from './window-set.ts'

/** A run of this many characters of a secret is treated as the secret: shorter runs are too common to tell. */
export const SECRET_RUN = WINDOW

/** `[start, end)` in UTF-16 code units. */
export type Range = readonly [start: number, end: number]

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * The escapings in which a server could quote a value back: as is; inside a JSON string,
 * as a parser echoing the request body shows it (`\"`, `\\`, `\n`); that JSON with every
 * non-ASCII character as `\uXXXX` (Jackson's ESCAPE_NON_ASCII, Python's ensure_ascii); and
 * that JSON with `<>&='` as `\uXXXX` (Gson's default). Encodings over these (HTML
 * character references, percent-encoding, base64) are undone on the server's text
 * instead (decoded-views.ts). Not covered: case changes, Unicode normalisation, an
 * encoding over another, and an echo mixing several escapings, whose runs between two
 * differently-escaped characters are shorter than 8.
 */
export function quotedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1)
  return [
    ...new Set([
      value,
      json,
      json.replace(/[^\x20-\x7e]/g, unicodeEscape),
      json.replace(/[<>&='\u2028\u2029]/g, unicodeEscape)
    ])
  ]
}

/**
 * How a text is compared with the secrets. Control characters are shown as showControls
 * shows them (the text is compared as it will be shown), and the hex digits of `\uXXXX`
 * in lower case (servers differ): one code unit for one, so positions in the compared
 * text are positions in the text it was made from.
 */
function comparable(shown: string): string {
  return shown.replace(/\\u[0-9A-Fa-f]{4}/g, (escape) => escape.toLowerCase())
}

interface Index {
  /** Every window of SECRET_RUN characters of every form of every value. */
  runs: WindowSet
  /** Forms shorter than SECRET_RUN, by length: found only whole. */
  short: Map<number, Set<string>>
  /** The fewest code units a match has: SECRET_RUN, or the length of the shortest form. */
  shortest: number
}

/**
 * Finds where a text quotes a secret: any run of SECRET_RUN characters of a value in any
 * of its quotedForms, and a whole value shorter than that in any form, in the text as it
 * is or in any of its decodedViews. The index is built on first use, once, in time and
 * memory linear in the total length of the values; each look costs a few passes over the
 * text, whatever the number of secrets.
 */
export class SecretRuns {
  readonly #values: string[]
  #index: Index | undefined

  constructor(values: Iterable<string>) {
    // A value of white space only would match every gap between words.
    this.#values = [...new Set(values)].filter((value) => value.trim() !== '')
  }

  /** Where `shown` (text already passed through showControls) quotes a secret: sorted, disjoint, whole code points. */
  find(shown: string): Range[] {
    const { runs, short, shortest } = this.#built()
    // +1 where a match starts, -1 where it ends: one pass finds the covered stretches.
    const depth = new Int32Array(shown.length + 1)
    const cover = (view: MappedText, start: number, end: number) => {
      const [from, to] = view.sourceOf(start, end)
      depth[from]!++
      depth[to]!--
    }
    for (const view of decodedViews(shown, shortest)) {
      const text = comparable(view.text)
      for (let i = 0; i + SECRET_RUN <= text.length; i++) if (runs.has(text, i)) cover(view, i, i + SECRET_RUN)
      for (const [length, forms] of short) {
        for (let i = 0; i + length <= text.length; i++) {
          if (forms.has(text.slice(i, i + length))) cover(view, i, i + length)
        }
      }
    }
    const ranges: [number, number][] = []
    let open = 0
    let start = 0
    for (let i = 0; i <= shown.length; i++) {
      const before = open
      open += depth[i]!
      if (before === 0 && open > 0) start = i
      if (before > 0 && open === 0) ranges.push(wholeCodePoints(shown, start, i))
    }
    return ranges
  }

  /** Whether any run of SECRET_RUN characters of `shown`, or of one of its decodedViews, is a run of a secret. */
  occursIn(shown: string): boolean {
    const { runs } = this.#built()
    return decodedViews(shown, SECRET_RUN).some((view) => {
      const text = comparable(view.text)
      for (let i = 0; i + SECRET_RUN <= text.length; i++) if (runs.has(text, i)) return true
      return false
    })
  }

  #built(): Index {
    if (this.#index) return this.#index
    const forms = this.#values.flatMap((value) => quotedForms(value).map((form) => comparable(showControls(form))))
    const runs = new WindowSet(forms.reduce((n, form) => n + Math.max(0, form.length - SECRET_RUN + 1), 0))
    const short = new Map<number, Set<string>>()
    for (const form of forms) {
      if (form.length < SECRET_RUN) {
        if (!short.has(form.length)) short.set(form.length, new Set())
        short.get(form.length)?.add(form)
      }
      for (let i = 0; i + SECRET_RUN <= form.length; i++) runs.add(form, i)
    }
    this.#index = { runs, short, shortest: Math.min(SECRET_RUN, ...short.keys()) }
    return this.#index
  }
}

/** Widens `[start, end)` so that it does not split a surrogate pair. */
function wholeCodePoints(text: string, start: number, end: number): [number, number] {
  const isLow = (i: number) => i > 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xdc00
  const isHigh = (i: number) => (text.charCodeAt(i) & 0xfc00) === 0xd800
  return [isLow(start) && isHigh(start - 1) ? start - 1 : start, isLow(end) && isHigh(end - 1) ? end + 1 : end]
}
