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
const AFTER_CLOSING_QUOTE = /^\s*(?:#.*)?$/
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
 * not closed, or text after the closing quote. The caller compares dotenv's
 * own reading of each entry with `value` for everything else.
 */
export function* dotenvEntries(text: string, input: string): Generator<DotenvEntry> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    const content = line.trim()
    if (content === '' || content.startsWith('#')) continue
    const where = `${input} line ${index + 1}`
    const start = ENTRY_START.exec(line)
    if (!start) throw new InputError(`${where} is not a dotenv entry (KEY=value); ${NOT_SHOWN}`)

    const key = start[1] as string
    const rest = line.slice(start[0].length)
    const valueAt = rest.length - rest.trimStart().length
    const quote = rest[valueAt] ?? ''
    if (!QUOTES.has(quote)) {
      yield { key, line: index + 1, text: line, value: unquotedValue(rest, where) }
      continue
    }
    const closed = closingQuote(lines, index, start[0].length + valueAt)
    if (!closed || !AFTER_CLOSING_QUOTE.test((lines[closed.line] as string).slice(closed.column + 1))) {
      throw new InputError(
        `${where}: the quoted value that starts here has no closing quote, or text follows it; ` +
          `dotenv would misread it. Close the quote at the end of the value; ${NOT_SHOWN}`
      )
    }
    const entryLines = lines.slice(index, closed.line + 1)
    const last = entryLines.length - 1
    entryLines[last] = (entryLines[last] as string).slice(0, closed.column)
    const inside = entryLines.join('\n').slice(start[0].length + valueAt + 1)
    const value = quote === '"' ? unescapeDoubleQuoted(inside) : inside
    yield { key, line: index + 1, text: lines.slice(index, closed.line + 1).join('\n'), value }
    index = closed.line
  }
}

/** An unquoted value: up to a `#` that follows a space (a comment), trimmed; any other `#` is an error. */
function unquotedValue(rest: string, where: string): string {
  const hash = rest.indexOf('#')
  if (hash < 0) return rest.trim()
  if (hash === 0 || !/\s/.test(rest[hash - 1] as string)) {
    throw new InputError(
      `${where}: dotenv would cut this value at "#", where an unquoted "#" starts a comment; ` +
        `put the value in quotes (KEY='…', or KEY="…" when it holds a ') to keep all of it; ${NOT_SHOWN}`
    )
  }
  return rest.slice(0, hash).trim()
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
