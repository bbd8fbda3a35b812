import { decodeHTML, decodeXML } from 'entities/decode'

// How text is made safe to show, in one place: the log, annotations, the job summary and
// the outputs all go through these rules, whatever the text's source.

/** Never shown as it is: line breaks, control, format and other invisible characters (bidi, zero-width, joiners), lone surrogates. */
const NOT_SHOWN = /\r\n|[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\u2028\u2029]/gu
const LINE_BREAK = /^(?:\r\n|[\n\r\u0085\u2028\u2029])$/

/** Line breaks become `⏎`, a tab a space, other C0 characters their control picture (`␛`), DEL `␡`, the rest `�`. */
export function showControls(text: string): string {
  return text.replace(NOT_SHOWN, (c) => {
    if (LINE_BREAK.test(c)) return '⏎'
    const code = c.codePointAt(0) as number
    if (code === 0x09) return ' '
    if (code < 0x20) return String.fromCharCode(0x2400 + code)
    return code === 0x7f ? '␡' : '\uFFFD'
  })
}

/** Whether showControls would leave the text as it is. */
export function isOneLine(text: string): boolean {
  return text.search(NOT_SHOWN) < 0
}

/** The runner runs a line starting `::` or holding `##[` (ActionCommand.TryParse): a look-alike breaks both. */
export function defuseCommands(text: string): string {
  return text.replace(/##\[/g, '##［').replace(/^(\s*):(?=:)/, '$1：')
}

/** A line as it may be logged: one line, no workflow command. */
export function logLine(text: string): string {
  return defuseCommands(showControls(text))
}

/** The first `length` code units, one fewer when the last would be half a surrogate pair. */
export function headOf(text: string, length: number): string {
  if (text.length <= length) return text
  return text.slice(0, Math.max(0, (text.charCodeAt(length - 1) & 0xfc00) === 0xd800 ? length - 1 : length))
}

/** At most `length` characters, ending in `…` when cut. */
export function cut(text: string, length: number): string {
  return text.length <= length ? text : `${headOf(text, length - 1)}…`
}

/** `1 secret`, `2 secrets`: the one place a count meets its noun. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}

/** A duration as every message says it: `3 s`, `2.5 s`, `0.15 s`; past any exact number, `more than 9007199254740991 s`. */
export function seconds(ms: number): string {
  const s = ms / 1000
  if (s > Number.MAX_SAFE_INTEGER) return `more than ${Number.MAX_SAFE_INTEGER} s`
  return `${Number(s.toFixed(s < 1 ? 3 : 1))} s`
}

/** 5242880 → `5,242,880`, without the runtime's locale data. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/**
 * The masks for one value. The runner masks each line of a mask, trimmed (AddMaskCommandExtension),
 * so a JSON value would mask every `{` of the log: lines under 4 characters or of punctuation only
 * are left out; a value of one line, or with no line worth a mask, is registered whole.
 */
export function masksFor(value: string): string[] {
  const lines = value.split(/\r\n|\r|\n/)
  if (lines.length === 1) return [value]
  const worth = lines
    .map((line) => line.trim())
    .filter((line) => [...line].length >= 4 && !/^[\p{P}\p{S}\s]*$/u.test(line))
  return worth.length > 0 ? [...new Set(worth)] : [value]
}

/**
 * A run of SECRET_RUN characters of a secret is treated as the secret (shorter ones are too common
 * to tell): REDACTED stands where a text quoted one as it is, WITHHELD for the whole text when it
 * quoted one encoded. A server text shows DEFAULT_MAX_CHARS unless the caller says otherwise.
 */
export const SECRET_RUN = 8
export const REDACTED = '[redacted]'
export const WITHHELD = '[withheld: it quoted a secret]'
export const DEFAULT_MAX_CHARS = 300
/** Only this many times the shown length is looked at: a 5 MB message costs what a short one does. */
const LOOKED_AT = 4

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * How a server could quote a value back: as is; in a JSON string; that JSON with non-ASCII as `\uXXXX`
 * (Jackson, Python); or with `<>&='` as `\uXXXX` (Gson). Encodings over these are undone on the text.
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

/** How text is compared: as it will be shown, and `\uXXXX` in lower case (servers differ). Length is kept. */
function comparable(text: string): string {
  return showControls(text).replace(/\\u[0-9A-Fa-f]{4}/g, (escape) => escape.toLowerCase())
}

function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'))
}

/** `\uXXXX` and the other escapes of a JSON string undone, whatever characters they write. */
function jsonDecoded(text: string): string {
  const escapes: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
  return text.replace(/\\(?:u([0-9A-Fa-f]{4})|(.))/gs, (_, hex?: string, c?: string) =>
    hex === undefined ? (escapes[c as string] ?? (c as string)) : String.fromCharCode(parseInt(hex, 16))
  )
}

/**
 * The text read as each encoding a server could have applied: percent-decoded (also with `+` as a
 * space), HTML references decoded (as a browser does, and as XML does), JSON escapes undone; every
 * decoding in turn until nothing changes (encodings mixed or stacked); compatibility forms folded
 * and invisible characters left out (NFKC); and each base64 run long enough to hold a match decoded
 * from each of its first four characters, so that a value at any offset of an encoded body reads whole.
 */
function decodedViews(text: string, shortest: number): string[] {
  const views = [
    percentDecoded(text),
    percentDecoded(text.replace(/\+/g, ' ')),
    decodeHTML(text),
    decodeXML(text),
    jsonDecoded(text),
    text.normalize('NFKC').replace(/\p{Default_Ignorable_Code_Point}/gu, '')
  ]
  for (let all = text, round = 0; round < 4; round++) {
    const next = jsonDecoded(decodeHTML(percentDecoded(all)))
    if (next === all) break
    views.push((all = next))
  }
  const runs = new RegExp(`[A-Za-z0-9+/_-]{${Math.ceil((shortest * 4) / 3)},}`, 'g')
  for (const [run] of text.matchAll(runs)) {
    for (let offset = 0; offset < 4; offset++) views.push(Buffer.from(run.slice(offset), 'base64').toString('utf8'))
  }
  return [...new Set(views)].filter((view) => view !== text)
}

const HASH_A = 0x01000193
const HASH_B = 0x5bd1e995
const power = (base: number) => Array.from({ length: SECRET_RUN }).reduce<number>((p) => Math.imul(p, base), 1)
const HASH_A_OUT = power(HASH_A)
const HASH_B_OUT = power(HASH_B)

/**
 * Windows of SECRET_RUN code units by two rolling hashes: one picks the slot, the other is stored.
 * Windows sharing both count as one (once in 2^31 looks): that redacts too much, never too little.
 */
class WindowTable {
  readonly #slots: Uint32Array
  readonly #mask: number
  /** One bit per value of a window's first hash's top 16 bits: most windows of a pass are ruled out here. */
  readonly #filter = new Uint32Array(2048)

  constructor(windows: number) {
    let size = 16
    while (size < windows * 2) size *= 2
    this.#slots = new Uint32Array(size)
    this.#mask = size - 1
  }

  /**
   * Rolls over the windows of `text` in one pass: with `add`, each is added and `visit` gets its
   * slot and start; without, `visit` gets those of the windows already in the table.
   */
  roll(text: string, add: boolean, visit?: (slot: number, start: number) => void): void {
    const [slots, mask, filter] = [this.#slots, this.#mask, this.#filter]
    let a = 0
    let b = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i) + 1
      a = (Math.imul(a, HASH_A) + c) | 0
      b = (Math.imul(b, HASH_B) + c) | 0
      if (i >= SECRET_RUN) {
        const out = text.charCodeAt(i - SECRET_RUN) + 1
        a = (a - Math.imul(out, HASH_A_OUT)) | 0
        b = (b - Math.imul(out, HASH_B_OUT)) | 0
      }
      if (i < SECRET_RUN - 1) continue
      const top = a >>> 16
      if (add) filter[top >>> 5] = (filter[top >>> 5] as number) | (1 << (top & 31))
      else if (((filter[top >>> 5] as number) & (1 << (top & 31))) === 0) continue
      // MurmurHash3's finaliser: a polynomial hash's low bits depend on the characters' low bits only.
      let h = Math.imul(a ^ (a >>> 16), 0x85ebca6b)
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
      let slot = (h ^ (h >>> 16)) & mask
      // 0 marks an empty slot, so a stored hash is never 0.
      const tag = (b | 1) >>> 0
      while (slots[slot] !== 0 && slots[slot] !== tag) slot = (slot + 1) & mask
      if (add) {
        slots[slot] = tag
        visit?.(slot, i - SECRET_RUN + 1)
      } else if (slots[slot] !== 0) visit?.(slot, i - SECRET_RUN + 1)
    }
  }
}

/** The most characters of values indexed (64 MiB of table): past it, every look is a pass over them. */
const MAX_INDEXED = 8_000_000

/** `[start, end)` in UTF-16 code units. */
type Range = [start: number, end: number]

/** What a look found in one text: where it quotes a secret as it is, and whether it does once decoded. */
interface Found {
  ranges: Range[]
  encoded: boolean
}

const quotes = (found: Found) => found.encoded || found.ranges.length > 0

/**
 * Finds where texts quote a secret: a run of SECRET_RUN characters of a value in any quotedForm, or
 * a whole shorter value. A look at a batch of texts is one pass over the values (texts are short,
 * values may be megabytes); once looks have cost eight passes, the values are indexed instead, once.
 */
export class Redactor {
  readonly #values: string[]
  #forms: string[] | undefined
  #short: string[] = []
  #index: WindowTable | undefined
  #scanned = 0
  #edgeRisk: boolean | undefined

  /** `secrets`: every value the run sends, and the API key. */
  constructor(secrets: Iterable<string> = []) {
    // A value of white space only would match every gap between words.
    this.#values = [...new Set(secrets)].filter((value) => value.trim() !== '')
  }

  /** Each text made safe to show (see clean), all for the cost of one look. */
  cleanAll(texts: readonly string[], maxChars: number | readonly number[] = DEFAULT_MAX_CHARS): string[] {
    const limitOf = (i: number) =>
      Math.max(64, Math.floor(typeof maxChars === 'number' ? maxChars : (maxChars[i] ?? 0)))
    const heads = texts.map((text, i) => headOf(text, limitOf(i) * LOOKED_AT))
    const shown = heads.map(showControls)
    const cutNote = (i: number) => `… [cut: ${groupDigits((texts[i] as string).length)} characters in all]`
    // The markers this adds are looked at in the same pass: a window inside one shows nothing new.
    const found = this.#quotes([...heads, REDACTED, ...texts.map((_, i) => cutNote(i))])
    const pieces = shown.map((text, i) => redacted(text, (found[i] as Found).ranges))
    // A text that quotes a secret as it is and also decoded: its echoes cut out, is an encoded one left?
    const both = shown.flatMap((_, i) => (found[i]?.encoded && found[i]?.ranges.length ? [i] : []))
    const again = this.#quotes(both.map((i) => (pieces[i] as string[]).join('')))
    both.forEach((i, n) => ((found[i] as Found).encoded = again[n]?.encoded === true))
    const safe = shown.map((_, i) => {
      if (found[i]?.encoded) return WITHHELD
      const cutBefore = (heads[i] as string).length < (texts[i] as string).length
      return defuseCommands(capped(pieces[i] as string[], limitOf(i), cutNote(i), cutBefore))
    })
    // A window across a marker's edge holds one of these characters: only a secret that has one
    // (or a marker that quotes a secret) can still show in what redacting, cutting and defusing left.
    const markersQuote = found.slice(shown.length).some(quotes)
    if (markersQuote || (this.#edgeRisk ??= this.#allForms().some((form) => /[[\]…［：]/.test(form)))) {
      const changed = safe.flatMap((text, i) => (text !== shown[i] && text !== WITHHELD ? [i] : []))
      const recheck = this.#quotes(changed.map((i) => safe[i] as string))
      changed.forEach((i, n) => {
        if (quotes(recheck[n] as Found)) safe[i] = WITHHELD
      })
    }
    return safe
  }

  /**
   * Text from a server, made safe to show anywhere: cut to 4 × `maxChars` first; control
   * characters made visible; every run of 8 or more characters it shares with a secret, and every
   * whole shorter value, replaced by `[redacted]`, or the whole text withheld when it quotes one
   * percent-encoded, HTML-escaped or in base64; cut to `maxChars`, saying how long it was;
   * workflow commands broken; and withheld if what is left still shows a run of a secret.
   */
  clean(text: string, maxChars = DEFAULT_MAX_CHARS): string {
    return this.cleanAll([text], maxChars)[0] as string
  }

  /** For each text, whether it shows a secret, as is or decoded (see clean). */
  quotesAny(texts: readonly string[]): boolean[] {
    return this.#quotes(texts).map(quotes)
  }

  /** Per text: the ranges (in the text as shown) that quote a secret as it is, and whether a decoded view of it quotes one. */
  #quotes(texts: readonly string[]): Found[] {
    if (texts.length === 0 || this.#values.length === 0) return texts.map(() => ({ ranges: [], encoded: false }))
    const forms = this.#allForms()
    const shortest = Math.min(SECRET_RUN, ...this.#short.map((form) => form.length))
    // Ranges are in the text as shown; views are read from the text as it came (before invisible characters go).
    const views = texts.map((text) => [comparable(text), ...decodedViews(text, shortest).map(comparable)])
    const hits = this.#windowHits(views.flat(), forms)
    let at = 0
    return views.map((own) => {
      const ranges = own.map((view) => {
        const found: Range[] = (hits[at++] as number[]).map((start) => [start, start + SECRET_RUN])
        for (const form of this.#short) {
          for (let i = view.indexOf(form); i >= 0; i = view.indexOf(form, i + 1)) found.push([i, i + form.length])
        }
        return found
      })
      return {
        ranges: merged(ranges[0] as Range[], own[0] as string),
        encoded: ranges.slice(1).some((r) => r.length > 0)
      }
    })
  }

  /** For each text, the starts of its windows that are windows of a form. */
  #windowHits(texts: readonly string[], forms: readonly string[]): number[][] {
    const hits = texts.map((): number[] => [])
    const size = forms.reduce((n, form) => n + form.length, 0)
    if (this.#index === undefined && this.#scanned >= 8 * size && size <= MAX_INDEXED) {
      const index = new WindowTable(size)
      for (const form of forms) index.roll(form, true)
      this.#index = index
    }
    if (this.#index !== undefined) {
      const index = this.#index
      texts.forEach((text, t) => index.roll(text, false, (_, start) => hits[t]?.push(start)))
      return hits
    }
    // The texts' windows in a small table; one pass over the forms marks those a form has.
    const table = new WindowTable(texts.reduce((n, text) => n + text.length, 0))
    const at = new Map<number, [text: number, start: number][]>()
    texts.forEach((text, t) =>
      table.roll(text, true, (slot, start) => {
        const list = at.get(slot)
        if (list === undefined) at.set(slot, [[t, start]])
        else list.push([t, start])
      })
    )
    const seen = new Set<number>()
    for (const form of forms) table.roll(form, false, (slot) => seen.add(slot))
    this.#scanned += size
    for (const slot of seen) for (const [t, start] of at.get(slot) ?? []) hits[t]?.push(start)
    return hits
  }

  #allForms(): string[] {
    if (this.#forms === undefined) {
      const forms = [...new Set(this.#values.flatMap((value) => quotedForms(value).map(comparable)))]
      this.#short = forms.filter((form) => form.length < SECRET_RUN)
      this.#forms = forms.filter((form) => form.length >= SECRET_RUN)
    }
    return this.#forms
  }
}

/** Overlapping ranges joined, widened so that none splits a surrogate pair. */
function merged(ranges: Range[], text: string): Range[] {
  const isLow = (i: number) => i > 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xdc00
  const out: Range[] = []
  for (const [start, end] of ranges.sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1]
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end)
    else out.push([start, end])
  }
  return out.map(([start, end]) => [isLow(start) ? start - 1 : start, isLow(end) ? end + 1 : end])
}

/** The text in pieces, each range replaced by REDACTED (kept whole or left out at a cut). */
function redacted(text: string, ranges: readonly Range[]): string[] {
  const starts = [0, ...ranges.map(([, end]) => end)]
  return starts.flatMap((at, i) => (i < ranges.length ? [text.slice(at, ranges[i]?.[0]), REDACTED] : [text.slice(at)]))
}

/** The pieces joined, at most `limit` characters; when anything is left out, the end says how long the text was. */
function capped(pieces: readonly string[], limit: number, suffix: string, cutBefore: boolean): string {
  const whole = pieces.join('')
  if (!cutBefore && whole.length <= limit) return whole
  let kept = ''
  for (const piece of pieces) {
    const room = limit - suffix.length - kept.length
    if (piece.length > room) {
      if (piece !== REDACTED) kept += headOf(piece, room)
      break
    }
    kept += piece
  }
  return kept + suffix
}
