import { SecretRuns } from './secret-runs.ts'
import { defuseCommands, showControls } from './visible-text.ts'

/** Stands where a text quoted a secret. */
export const REDACTED = '[redacted]'
/** The whole text, when what is left would still show a run of a secret (only a secret holding these markers). */
export const WITHHELD = '[withheld: it quoted a secret]'
/** How much of a server text is shown unless the caller says otherwise. */
export const DEFAULT_MAX_CHARS = 300
/** Room for the cut marker and some text. */
const MIN_MAX_CHARS = 64
/** Only this many times the shown length is looked at: a 5 MB message costs no more than a short one. */
const LOOKED_AT = 4

interface Piece {
  text: string
  redacted: boolean
}

/**
 * Text from a server, made safe to show anywhere: in the log, in an annotation, in the job
 * summary. In order:
 * 1. cut to LOOKED_AT times the shown length before any other work;
 * 2. control characters made visible (showControls): it stays on one line and reads left to right;
 * 3. every run of 8 or more characters it shares with a secret value or the API key, in any
 *    form a server would quote them (secret-runs.ts), also where the text is percent-encoded,
 *    HTML-escaped or base64 (decoded-views.ts), and every whole value shorter than that,
 *    replaced by `[redacted]`;
 * 4. cut to `maxChars`, saying how long the text was;
 * 5. workflow commands broken (defuseCommands);
 * 6. checked once more: if a run of a secret is still there (a secret that contains the
 *    markers above), the whole text is withheld.
 */
export class UntrustedText {
  readonly #secrets: SecretRuns

  /** `secrets`: every value the run sends, and the API key. */
  constructor(secrets: Iterable<string> = []) {
    this.#secrets = new SecretRuns(secrets)
  }

  clean(text: string, maxChars = DEFAULT_MAX_CHARS): string {
    const limit = Math.max(MIN_MAX_CHARS, Math.floor(maxChars))
    const head = headOf(text, limit * LOOKED_AT)
    const shown = showControls(head)
    const capped = cap(this.#redact(shown), limit, text.length, head.length < text.length)
    const safe = defuseCommands(capped)
    // Unchanged, it is the text `find` just looked through and found nothing in.
    return safe !== shown && this.#secrets.occursIn(safe) ? WITHHELD : safe
  }

  #redact(shown: string): Piece[] {
    const pieces: Piece[] = []
    let at = 0
    for (const [start, end] of this.#secrets.find(shown)) {
      if (start > at) pieces.push({ text: shown.slice(at, start), redacted: false })
      pieces.push({ text: REDACTED, redacted: true })
      at = end
    }
    if (at < shown.length) pieces.push({ text: shown.slice(at), redacted: false })
    return pieces
  }
}

/**
 * The pieces joined, at most `limit` characters in all. When anything is left out, the
 * end says how long the text was; a `[redacted]` marker is kept whole or left out.
 */
function cap(pieces: readonly Piece[], limit: number, total: number, cutBefore: boolean): string {
  const whole = pieces.map((piece) => piece.text).join('')
  if (!cutBefore && whole.length <= limit) return whole
  const suffix = `… [cut: ${groupDigits(total)} characters in all]`
  const budget = limit - suffix.length
  let kept = ''
  for (const piece of pieces) {
    const room = budget - kept.length
    if (piece.text.length <= room) {
      kept += piece.text
      continue
    }
    if (!piece.redacted) kept += headOf(piece.text, room)
    break
  }
  return kept + suffix
}

/** The first `length` code units, one fewer if the last would be half a surrogate pair. */
function headOf(text: string, length: number): string {
  if (text.length <= length) return text
  const end = (text.charCodeAt(length - 1) & 0xfc00) === 0xd800 ? length - 1 : length
  return text.slice(0, Math.max(0, end))
}

/** 5242880 → `5,242,880`, without depending on the runtime's locale data. */
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
