import { InputError } from './input-error.ts'

/** One `KEY=value` entry of a dotenv file, as written. */
export interface DotenvEntry {
  key: string
  /** 1-based number of the line the entry starts on. */
  line: number
  /** The entry's text: its line, or its lines when a quoted value spans several. */
  text: string
  /** The value as a reader of the file sees it (see dotenvEntries). */
  value: string
}

/** `KEY=` or `KEY: ` with an optional `export `, at the start of a line. */
const ENTRY_START = /^\s*(?:export\s+)?([A-Za-z0-9_.-]+)(?:\s*=|:(?=\s))/
const QUOTES = new Set(['"', "'", '`'])
const AFTER_CLOSING_QUOTE = /^\s*(?:#[\s\S]*)?$/
/**
 * Whitespace that dotenv takes for a space (it trims and splits with JavaScript's `\s`) and a
 * shell does not: a no-break space, the other Unicode spaces, U+2028, U+2029, the byte-order
 * mark, a vertical tab, a form feed. A shell separates words with a space or a tab only.
 */
const NOT_A_SHELL_SPACE = /[^\S \t]/
/** U+2028 and U+2029 end a line for dotenv, which reads what follows them as another entry. */
const LINE_SEPARATOR = /[\u2028\u2029]/
const NOT_SHOWN = 'the line is not shown because it may hold a secret.'

/**
 * The entries of a dotenv file, in one pass over its lines, read by the
 * format's documented rules: blank lines and lines starting with `#` are
 * skipped; a value is unquoted (trimmed, ended by a `#` that follows a space:
 * a comment), or quoted with `"`, `'` or a backtick, possibly over several
 * lines, followed only by a comment. Inside double quotes `\n` and `\r` are a
 * new line and a carriage return, and `\\` and `\"` a backslash and a quote.
 *
 * What a reader would take one way and dotenv another is an error naming the
 * line: a `#` inside an unquoted value (dotenv cuts the value there), a quote
 * not closed, text after the closing quote, and, outside quotes and comments,
 * whitespace other than a space or a tab (dotenv takes it for a space, a shell
 * does not; see NOT_A_SHELL_SPACE). A byte-order mark that starts the file is
 * dropped, as editors write one. The caller compares dotenv's own reading of
 * each entry with `value` for everything else.
 */
export function* dotenvEntries(text: string, input: string): Generator<DotenvEntry> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    const where = `${input} line ${index + 1}`
    const content = line.trimStart()
    if (content === '' || content.startsWith('#')) {
      checkSpacing(where, line.slice(0, line.length - content.length), content)
      continue
    }
    const start = ENTRY_START.exec(line)
    if (!start) throw new InputError(`${where} is not a dotenv entry (KEY=value); ${NOT_SHOWN}`)

    const key = start[1] as string
    const rest = line.slice(start[0].length)
    const valueAt = rest.length - rest.trimStart().length
    checkSpacing(where, start[0] + rest.slice(0, valueAt))
    const quote = rest[valueAt] ?? ''
    if (!QUOTES.has(quote)) {
      yield { key, line: index + 1, text: line, value: unquotedValue(rest, where) }
      continue
    }
    const closed = closingQuote(lines, index, start[0].length + valueAt)
    const after = closed ? (lines[closed.line] as string).slice(closed.column + 1) : ''
    if (!closed || !AFTER_CLOSING_QUOTE.test(after)) {
      throw new InputError(
        `${where}: the quoted value that starts here has no closing quote, or text follows it; ` +
          `dotenv would misread it. Close the quote at the end of the value; ${NOT_SHOWN}`
      )
    }
    const comment = after.indexOf('#')
    checkSpacing(
      `${input} line ${closed.line + 1}`,
      comment < 0 ? after : after.slice(0, comment),
      comment < 0 ? '' : after.slice(comment)
    )
    const entryLines = lines.slice(index, closed.line + 1)
    const last = entryLines.length - 1
    entryLines[last] = (entryLines[last] as string).slice(0, closed.column)
    const inside = entryLines.join('\n').slice(start[0].length + valueAt + 1)
    const value = quote === '"' ? unescapeDoubleQuoted(inside) : inside
    yield { key, line: index + 1, text: lines.slice(index, closed.line + 1).join('\n'), value }
    index = closed.line
  }
}

/**
 * An unquoted value: up to a `#` that follows a space or a tab (a comment), trimmed. Any other
 * `#` is an error, as is whitespace around the value that dotenv would trim and a shell keep.
 */
function unquotedValue(rest: string, where: string): string {
  const hash = rest.indexOf('#')
  const written = hash < 0 ? rest : rest.slice(0, hash)
  if (hash >= 0 && !/[ \t]$/.test(written)) {
    throw new InputError(
      `${where}: dotenv would cut this value at "#", where an unquoted "#" starts a comment` +
        (/\s$/.test(written)
          ? ' (the character before it is whitespace that dotenv takes for a space and a shell does not: ' +
            'a comment starts after a space or a tab only)'
          : '') +
        `; put the value in quotes (KEY='…', or KEY="…" when it holds a ') to keep all of it; ${NOT_SHOWN}`
    )
  }
  const value = written.trim()
  const valueAt = written.length - written.trimStart().length
  checkSpacing(where, written.slice(0, valueAt) + written.slice(valueAt + value.length), rest.slice(written.length))
  return value
}

/**
 * Refuses, outside quotes (`outside`), whitespace that dotenv takes for a space and a shell does
 * not, and, in a comment, a line separator after which dotenv would read another entry.
 */
function checkSpacing(where: string, outside: string, comment = ''): void {
  if (NOT_A_SHELL_SPACE.test(outside)) {
    throw new InputError(
      `${where}: outside quotes it has whitespace other than a space or a tab (such as a no-break space, ` +
        'U+2028 or a form feed), which dotenv takes for a space and drops, and a shell does not; ' +
        `write a plain space there, or put the value in quotes to keep that character; ${NOT_SHOWN}`
    )
  }
  if (LINE_SEPARATOR.test(comment)) {
    throw new InputError(
      `${where}: a comment holds a Unicode line separator (U+2028 or U+2029), where dotenv ends the ` +
        `line and reads what follows as another entry; remove it; ${NOT_SHOWN}`
    )
  }
}

/** Where the quote opened at (line, column) closes; in double quotes a backslash escapes the next character. */
function closingQuote(lines: string[], line: number, column: number): { line: number; column: number } | undefined {
  const quote = (lines[line] as string)[column]
  let at = column + 1
  for (let index = line; index < lines.length; index++, at = 0) {
    const text = lines[index] as string
    for (; at < text.length; at++) {
      if (text[at] === quote) return { line: index, column: at }
      if (quote === '"' && text[at] === '\\') at++
    }
  }
  return undefined
}

function unescapeDoubleQuoted(inside: string): string {
  const escapes: Record<string, string> = { n: '\n', r: '\r', '\\': '\\', '"': '"' }
  return inside.replace(/\\(.)/gs, (escape, c: string) => escapes[c] ?? escape)
}
