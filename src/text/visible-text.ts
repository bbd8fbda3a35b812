/**
 * Making text from elsewhere safe to write on one line of a log: nothing in it can break
 * the line, hide or reorder what follows, or be read by the runner as a workflow command.
 */

/**
 * What showControls changes: a line break (CR LF, CR, LF, NEL and the Unicode line and
 * paragraph separators), a control character (C0, DEL, C1), a format character (bidi
 * embeddings, overrides and isolates, zero-width characters, the BOM) or a lone surrogate.
 */
export const NOT_SHOWN = /\r\n|[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu

const LINE_BREAK = /^(?:\r\n|[\n\r\u0085\u2028\u2029])$/
const TAB = 0x09
const DEL = 0x7f
/** The Unicode "control pictures" block shows C0 character n as U+2400 + n (␛ for ESC). */
const CONTROL_PICTURES = 0x2400

/** How showControls shows one match of NOT_SHOWN. */
export function shownAs(match: string): string {
  if (LINE_BREAK.test(match)) return '⏎'
  const code = match.codePointAt(0) ?? 0
  if (code === TAB) return ' '
  if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code)
  if (code === DEL) return '␡'
  return '\uFFFD'
}

/**
 * Line breaks become `⏎`, a tab a space, other C0 characters their control picture
 * (`␛`), DEL `␡`, and every other control or format character `�`. What is left
 * holds no character that moves the cursor, breaks the line or changes its direction.
 */
export function showControls(text: string): string {
  return text.replace(NOT_SHOWN, shownAs)
}

/**
 * The runner takes a line as a workflow command when it starts with `::` (after white
 * space) or holds `##[` anywhere (the older form, still parsed: actions/runner
 * ActionCommand.TryParse). Both are broken with a look-alike character: `##［` and
 * `：:`. One character for one, so the length does not change.
 */
export function defuseCommands(text: string): string {
  return text.replace(/##\[/g, '##［').replace(/^(\s*):(?=:)/, '$1：')
}
