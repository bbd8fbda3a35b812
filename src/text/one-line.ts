/**
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators,
 * and the bidirectional formatting controls, which make a line read otherwise
 * than it is written.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu

const NAMED: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' }

/**
 * The text as one line: each control character shown as an escape (`\n`,
 * `\u001b`). Whatever a server sends, a log line built from it cannot start a
 * line of its own (where the runner would run a workflow command), and a
 * summary cell cannot hold a blank line (which ends an HTML block in markdown).
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`)
}

/** Whether the text is one line as it is: oneLine would leave it unchanged. */
export function isOneLine(text: string): boolean {
  return text.search(CONTROL) < 0
}
