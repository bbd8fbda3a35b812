import { basename } from 'node:path'
import { parse as parseDotenv } from 'dotenv'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type ErrorCode, type Node } from 'yaml'
import { InputError, nameOrTag, type DesiredSecret } from '../domain/secret.ts'
import { isOneLine, Redactor } from '../domain/text.ts'
import { nameKey } from './patterns.ts'

/** What an input says of one secret besides its key: exactly one of `value` and `env`, and maybe a name. */
export interface SecretFields {
  /** Display name in Cortex; absent when the input gives none. */
  name?: string
  value?: string
  env?: string
}

/**
 * One entry of the `secrets` mapping or of the secrets file, as written: its key
 * and where it is. What it says of its secret is read only for the entries the
 * run pushes (see select-secrets.ts), so a key `select` leaves out is never
 * named in a message, however its entry is written.
 */
export interface SecretEntry {
  /** The key as written; the tag is made from it. */
  key: string
  /** Where it was written, for messages: `secrets line 3`. */
  origin: string
  /** Where its key was written, for a message about the key: `Input "secrets", line 3, column 1`. */
  keyOrigin: string
  /** Reads the entry's fields; a problem is an InputError that starts with `Tag "<tag>" (<origin>)`. */
  read(tag: string, origin: string): SecretFields
}

/** One secret the run pushes, before its value is resolved. */
export interface SecretSpec extends SecretFields {
  tag: string
  /** The key it was written under, when `select`, `strip-prefix` or `tag-case` made the tag from it. */
  key?: string
  /** Where it was written, for messages: `secrets line 3`, or `secrets line 3, key "CORTEX_X"`. */
  origin: string
}

const OBJECT_KEYS = new Set(['value', 'env', 'name'])

/**
 * Parses a YAML (or JSON) mapping of keys (Cortex tags, or keys `select` picks
 * and renames) to secrets. The mapping's shape is checked here; each entry's
 * value is read only when the run pushes it (SecretEntry.read).
 *
 * The failsafe schema keeps every scalar as the text written (`007`, `true`,
 * `~` stay those characters). Nothing from the input is ever quoted in an
 * error, except tags that are valid tags: the text holds secret values.
 */
export function parseSecretsMapping(text: string, input: string): SecretEntry[] {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter
  })
  const where: Where = (node) => {
    const offset = node?.range?.[0] ?? 0
    const { line, col } = lineCounter.linePos(offset)
    return `line ${line}, column ${col}`
  }

  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0])
    throw new InputError(
      `Input "${input}" is not valid YAML or JSON: ${describeYamlProblem(problem.code)} at line ${line}, column ${col} ` +
        '(the text is not shown because it holds secret values).'
    )
  }

  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === '')) return []
  if (!isMap(root)) {
    throw new InputError(`Input "${input}" must be a mapping of Cortex tags to secrets (${where(root)}).`)
  }

  const entries: SecretEntry[] = []
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    const at = where(keyNode)
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      throw new InputError(`Input "${input}", ${at}: the key is not text; a key is a Cortex tag.`)
    }
    const valueNode = pair.value as Node | null
    entries.push({
      key: keyNode.value,
      origin: `${input} line ${lineCounter.linePos(keyNode.range?.[0] ?? 0).line}`,
      keyOrigin: `Input "${input}", ${at}`,
      read: (tag, origin) => readSecretNode(valueNode, tag, origin, where)
    })
  }
  return entries
}

type Where = (node: { range?: [number, number, number] | null } | null | undefined) => string

function readSecretNode(node: Node | null, tag: string, origin: string, where: Where): SecretFields {
  if (node === null) return { value: '' }
  if (isScalar(node)) return { value: scalarText(node, tag, origin, 'value') }
  if (isMap(node)) {
    const fields: Record<string, string> = {}
    for (const pair of node.items) {
      const key = pair.key as Node | null
      const field = isScalar(key) && typeof key.value === 'string' ? key.value : ''
      if (!OBJECT_KEYS.has(field)) {
        throw new InputError(
          `Tag "${tag}" (${origin}): unknown key ${nameKey(field)} at ${where(key)} in the object form; ` +
            'expected "value" or "env", and optionally "name".'
        )
      }
      if (field in fields) throw new InputError(`Tag "${tag}" (${origin}): "${field}" is given twice.`)
      const value = pair.value as Node | null
      if (value !== null && !isScalar(value)) {
        throw new InputError(`Tag "${tag}" (${origin}): "${field}" must be a string.`)
      }
      fields[field] = value === null ? '' : scalarText(value, tag, origin, field)
    }
    if ('value' in fields === 'env' in fields) {
      throw new InputError(`Tag "${tag}" (${origin}): give exactly one of "value" and "env".`)
    }
    if ('name' in fields && fields.name === '') {
      throw new InputError(`Tag "${tag}" (${origin}): "name" is empty; leave it out to use the tag as the name.`)
    }
    return fields
  }
  const kind = isSeq(node) ? 'a list' : isAlias(node) ? 'an alias (*)' : 'not text'
  throw new InputError(
    `Tag "${tag}" (${origin}): the value is ${kind}; a secret is a string or an object with "value" or "env". ` +
      'If the value comes from an expression, use `env:` or toJSON(...).'
  )
}

function scalarText(node: Node, tag: string, origin: string, field: string): string {
  // An expression value starting with `!` or `&` is read by YAML as a tag or an
  // anchor and silently loses its first characters: refuse it instead.
  if (node.tag !== undefined || node.anchor !== undefined) {
    throw new InputError(
      `Tag "${tag}" (${origin}): "${field}" starts with a YAML tag (!) or anchor (&), which would change the value. ` +
        'Use `env:` or toJSON(...) for this secret.'
    )
  }
  if (!isScalar(node) || typeof node.value !== 'string') {
    throw new InputError(`Tag "${tag}" (${origin}): "${field}" must be a string.`)
  }
  return node.value
}

/**
 * The yaml library's error codes in plain words, for a user who pasted a
 * mapping into a workflow. The library's own messages quote the text around
 * the problem, which holds secret values, so they are never shown.
 */
const PLAIN_WORDS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias (*name) cannot have a tag or an anchor',
  BAD_ALIAS: 'an alias (*name) refers to no anchor',
  BAD_DIRECTIVE: 'a line starting with % is not a YAML directive',
  BAD_DQ_ESCAPE: 'a double-quoted string has an invalid \\ escape',
  BAD_INDENT: 'the indentation is wrong',
  BAD_PROP_ORDER: 'an anchor (&) or tag (!) is in the wrong place',
  BAD_SCALAR_START: 'a value starts with a character YAML reserves (such as @ or `); quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'a key is missing its colon, or a line is indented too far',
  BLOCK_IN_FLOW: 'a block value is inside { } or [ ]',
  DUPLICATE_KEY: 'a key is written twice',
  IMPOSSIBLE: 'the text cannot be read as YAML',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters, or a value is missing its key',
  MISSING_CHAR: 'a closing quote, bracket or brace is missing',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line, or a value is missing its key',
  MULTIPLE_ANCHORS: 'a value has more than one anchor (&)',
  MULTIPLE_DOCS: 'there is more than one YAML document (a line with ---)',
  MULTIPLE_TAGS: 'a value has more than one tag (!)',
  NON_STRING_KEY: 'a key is not text',
  RESOURCE_EXHAUSTION: 'the text expands to too much data (aliases)',
  TAB_AS_INDENT: 'a tab is used for indentation; YAML indents with spaces',
  TAG_RESOLVE_FAILED: 'a tag (!) cannot be resolved',
  UNEXPECTED_TOKEN: 'a character is out of place (an unquoted value with ": " or " #" needs quotes)',
  BAD_COLLECTION_TYPE: 'a tag (!) does not fit the value it is on'
}

export function describeYamlProblem(code: ErrorCode): string {
  return PLAIN_WORDS[code] ?? PLAIN_WORDS.IMPOSSIBLE
}

/** A file named `.env`, `.env.<anything>` or `<anything>.env` is read as dotenv; any other as a YAML mapping. */
export function isDotenvFile(path: string): boolean {
  const name = basename(path)
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env')
}

/**
 * Reads `secrets-file` with `readFile` and parses it by its name (isDotenvFile).
 * A file that cannot be read is named with the error code, never its text.
 */
export function readSecretsFile(path: string, readFile: (path: string) => string): SecretEntry[] {
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(`Input "secrets-file": cannot read ${JSON.stringify(path)} (${code}).`)
  }
  return isDotenvFile(path) ? parseDotenvSecrets(text, 'secrets-file') : parseSecretsMapping(text, 'secrets-file')
}

/**
 * Parses a dotenv file whose keys are Cortex tags (or keys `select` picks). Each value is read by
 * dotenv itself, one entry at a time (so a duplicate key keeps both lines);
 * dotenvEntries finds the entries and their lines in one pass, and an entry
 * dotenv reads differently from how it is written is an error, whatever
 * dotenv's grammar becomes.
 */
export function parseDotenvSecrets(text: string, input: string): SecretEntry[] {
  return [...dotenvEntries(text, input)].map((entry) => ({
    key: entry.key,
    origin: `${input} line ${entry.line}`,
    keyOrigin: `${input} line ${entry.line}`,
    read: (_tag, origin) => {
      const read = parseDotenv(entry.text)
      const keys = Object.keys(read)
      if (keys.length !== 1 || keys[0] !== entry.key || read[entry.key] !== entry.value) {
        throw new InputError(
          `${origin}: dotenv would not read this value as written (look at its quotes and backslashes: ` +
            'dotenv keeps \\" and \\\\ as two characters); the line is not shown because it may hold a secret.'
        )
      }
      return { value: entry.value }
    }
  }))
}

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
const ENTRY_START = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:(?=\s))/
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

/**
 * Cortex refuses request bodies over 2 MB. We count 2 MB as 2,000,000 bytes,
 * the stricter reading, so that a body we send is never refused for size.
 */
export const MAX_REQUEST_BODY_BYTES = 2_000_000

/** The largest body sent for a secret: the create, which carries tag, name and value. */
export function createBodyBytes(secret: DesiredSecret): number {
  return Buffer.byteLength(JSON.stringify({ name: nameOrTag(secret), secret: secret.value, tag: secret.tag }))
}

/**
 * Gives every spec its value and checks what only the values can tell (tags
 * are unique already: chooseEntries).
 * `onValue` sees each value as soon as it is known, so it can be masked
 * before anything else happens.
 */
export function resolveSecrets(
  specs: SecretSpec[],
  env: Readonly<Record<string, string | undefined>>,
  onValue: (value: string) => void
): DesiredSecret[] {
  return specs.map((spec) => {
    let value = spec.value ?? ''
    if (spec.env !== undefined) {
      value = env[spec.env] ?? ''
      if (isBlank(value)) {
        throw new InputError(
          `Tag "${spec.tag}" (${spec.origin}): environment variable "${spec.env}" is unset, empty or only whitespace.`
        )
      }
    }
    if (isBlank(value)) {
      throw new InputError(
        `Tag "${spec.tag}" (${spec.origin}) has an empty value${value === '' ? '' : ' (only whitespace)'}. ` +
          'A GitHub secret that does not exist (or is not passed to this job) expands to an empty string.'
      )
    }
    onValue(value)
    const secret: DesiredSecret = {
      tag: spec.tag,
      value,
      ...(spec.name === undefined ? {} : { name: spec.name }),
      ...(spec.key === undefined ? {} : { key: spec.key })
    }
    if (createBodyBytes(secret) > MAX_REQUEST_BODY_BYTES) {
      throw new InputError(
        `Tag "${spec.tag}" (${spec.origin}) is too large: its request body would exceed Cortex's 2 MB limit.`
      )
    }
    return secret
  })
}

/**
 * A value that is empty or only whitespace (or invisible format characters, such as a
 * zero-width space): never a secret anyone meant to push, and one no log mask can hold
 * usefully (the runner trims a mask, and refuses an empty one).
 */
function isBlank(value: string): boolean {
  return /^[\s\p{Cf}]*$/u.test(value)
}

/**
 * Refuses a `name` that would show a secret, or that is not one line. Cortex shows a
 * secret's name to everyone who can see the secret, and the job summary prints it escaped,
 * in a form the runner's masker does not know: so a name holds no secret value of the run
 * nor the API key, whole or any run of 8 or more characters of one, in any form the
 * cleaning of server text finds (SecretRuns: one detection for both). A name is one line of
 * text: no line break, control or bidirectional formatting character. Messages name the
 * tag and the line, never the name: it may hold a value.
 */
export function checkDisplayNames(specs: readonly SecretSpec[], secrets: Iterable<string>): void {
  const named = specs.filter((spec): spec is SecretSpec & { name: string } => spec.name !== undefined)
  for (const { tag, origin, name } of named) {
    if (!isOneLine(name)) {
      throw new InputError(
        `Tag "${tag}" (${origin}): "name" holds a line break, a control or an invisible character; a name is one line of text.`
      )
    }
  }
  const quotes = new Redactor(secrets).quotesAny(named.map((spec) => spec.name))
  const holder = named.find((_, i) => quotes[i])
  if (holder !== undefined) {
    throw new InputError(
      `Tag "${holder.tag}" (${holder.origin}): "name" holds a secret value of this run (or 8 or more characters of one), ` +
        'which Cortex would show to everyone who can see the secret. Choose a name without it.'
    )
  }
}
