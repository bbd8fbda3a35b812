import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { basename } from 'node:path'
import { parse as parseDotenv } from 'dotenv'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type ErrorCode, type Node } from 'yaml'
import { InputError, nameOrTag, type DesiredSecret } from '../domain/secret.ts'
import { groupDigits, isOneLine, Redactor } from '../domain/text.ts'
import { nameKey } from './patterns.ts'

/** Exactly one of `value` and `env`, and maybe a name. */
type SecretFields = { name?: string; value?: string; env?: string }
/** An entry as written, its fields read only when pushed: a key `select` leaves out is never named in a message. */
export interface SecretEntry {
  key: string
  origin: string // `secrets line 3`
  keyOrigin: string // `Input "secrets", line 3, column 1`
  /** A problem is an InputError that starts with `Tag "<tag>" (<origin>)`. */
  read(tag: string, origin: string): SecretFields
}

/** One secret the run pushes, before its value is resolved. */
export interface SecretSpec extends SecretFields {
  tag: string
  key?: string // when `select`, `strip-prefix` or `tag-case` made the tag from it
  origin: string // `secrets line 3`, or `secrets line 3, key "CORTEX_X"`
}
type Secret = { tag: string; origin: string }
const tagError = ({ tag, origin }: Secret, text: string) => new InputError(`Tag "${tag}" (${origin})${text}`)

/** The most secrets an input holds, and how deep a mapping nests: past them, the cost is not a run's. */
export const MAX_ENTRIES = 250_000
const MAX_NESTING = 200
const tooMany = (input: string) =>
  new InputError(`Input "${input}" holds more than ${groupDigits(MAX_ENTRIES)} secrets, more than one run pushes.`)

/** A YAML (or JSON) mapping: failsafe keeps every scalar as written (`007`, `~`); errors quote no value. */
export function parseSecretsMapping(text: string, input: string): SecretEntry[] {
  // The parser's cost grows with the nesting of [ ] and { } far faster than with the text: refused before it runs.
  let depth = 0
  for (const [bracket] of text.matchAll(/[[\]{}]/g)) {
    depth = Math.max(0, depth + (bracket === '[' || bracket === '{' ? 1 : -1))
    if (depth > MAX_NESTING) {
      throw new InputError(`Input "${input}" is not valid YAML or JSON: it is nested more than ${MAX_NESTING} deep.`)
    }
  }
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: false, lineCounter })
  const where = (node: Node | null) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0)
    return `line ${line}, column ${col}`
  }
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0])
    throw new InputError(
      `Input "${input}" is not valid YAML or JSON: ${/call stack/.test(problem.message) ? 'it is nested too deep' : describeYamlProblem(problem.code)} at line ${line}, column ${col} ` +
        '(the text is not shown because it holds secret values).'
    )
  }
  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === '')) return []
  if (!isMap(root))
    throw new InputError(`Input "${input}" must be a mapping of Cortex tags to secrets (${where(root)}).`)
  if (root.items.length > MAX_ENTRIES) throw tooMany(input)
  return root.items.map((pair) => {
    const keyNode = pair.key as Node | null
    const at = where(keyNode)
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string')
      throw new InputError(`Input "${input}", ${at}: the key is not text; a key is a Cortex tag.`)
    const valueNode = pair.value as Node | null
    return {
      key: keyNode.value,
      origin: `${input} line ${lineCounter.linePos(keyNode.range?.[0] ?? 0).line}`,
      keyOrigin: `Input "${input}", ${at}`,
      read: (tag, origin) => readSecretNode(valueNode, { tag, origin }, where)
    }
  })
}

function readSecretNode(node: Node | null, secret: Secret, where: (node: Node | null) => string): SecretFields {
  if (node === null || isScalar(node)) return { value: scalarText(node, secret, 'value') }
  if (isMap(node)) {
    const fields: Record<string, string> = {}
    for (const pair of node.items) {
      const key = pair.key as Node | null
      const field = isScalar(key) && typeof key.value === 'string' ? key.value : ''
      if (!['value', 'env', 'name'].includes(field)) {
        throw tagError(
          secret,
          `: unknown key ${nameKey(field)} at ${where(key)} in the object form; ` +
            'expected "value" or "env", and optionally "name".'
        )
      }
      if (field in fields) throw tagError(secret, `: "${field}" is given twice.`)
      fields[field] = scalarText(pair.value as Node | null, secret, field)
    }
    if ('value' in fields === 'env' in fields) throw tagError(secret, ': give exactly one of "value" and "env".')
    if (fields.name?.trim() === '')
      throw tagError(secret, ': "name" is empty or blank; leave it out to use the tag as the name.')
    return fields
  }
  const kind = isSeq(node) ? 'a list' : isAlias(node) ? 'an alias (*)' : 'not text'
  throw tagError(
    secret,
    `: the value is ${kind}; a secret is a string or an object with "value" or "env". ` +
      'If the value comes from an expression, use `env:` or toJSON(...).'
  )
}

function scalarText(node: Node | null, secret: Secret, field: string): string {
  if (node === null) return ''
  // YAML reads an expression's leading `!` or `&` as a tag or an anchor, and drops it.
  if (isScalar(node) && (node.tag !== undefined || node.anchor !== undefined)) {
    throw tagError(
      secret,
      `: "${field}" starts with a YAML tag (!) or anchor (&), which would change the value. ` +
        'Use `env:` or toJSON(...) for this secret.'
    )
  }
  if (!isScalar(node) || typeof node.value !== 'string') throw tagError(secret, `: "${field}" must be a string.`)
  return node.value
}

/** The yaml library's error codes in plain words: its own messages quote the text, which holds secrets. */
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
export const describeYamlProblem = (code: ErrorCode): string => PLAIN_WORDS[code] ?? PLAIN_WORDS.IMPOSSIBLE

/** A file named `.env`, `.env.<anything>` or `<anything>.env` is read as dotenv; any other as a YAML mapping. */
export function isDotenvFile(path: string): boolean {
  const name = basename(path)
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env')
}

export const MAX_SECRETS_FILE_BYTES = 64 * 1024 * 1024 // the most of `secrets-file` the action reads

/** Opened without blocking (a FIFO with no writer cannot hang it), a regular file once links are followed, capped. */
export function readRegularFile(path: string): string {
  const refuse = (why: string) => new InputError(`Input "secrets-file": ${JSON.stringify(path)} ${why}.`)
  const tooLarge = 'is larger than 64 MiB (67,108,864 bytes), the most the action reads'
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const stats = fstatSync(fd)
    const kind = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO (named pipe)' : 'a device'
    if (!stats.isFile())
      throw refuse(`is ${kind}, not a regular file; only a regular file is read (a link to one is followed)`)
    if (stats.size > MAX_SECRETS_FILE_BYTES) throw refuse(tooLarge)
    // Up to one byte past the cap, however large the file says it is (a /proc file says 0).
    const buffer = Buffer.allocUnsafe(MAX_SECRETS_FILE_BYTES + 1)
    let size = 0
    for (let read = 1; read > 0 && size < buffer.length; size += read)
      read = readSync(fd, buffer, size, buffer.length - size, null)
    if (size > MAX_SECRETS_FILE_BYTES) throw refuse(tooLarge)
    return buffer.toString('utf8', 0, size)
  } finally {
    closeSync(fd)
  }
}

export function readSecretsFile(path: string, readFile: (path: string) => string = readRegularFile): SecretEntry[] {
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    if (error instanceof InputError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(`Input "secrets-file": cannot read ${JSON.stringify(path)} (${code}).`)
  }
  const nul = text.indexOf('\0')
  if (nul >= 0) {
    throw new InputError(
      `Input "secrets-file": ${JSON.stringify(path)} holds a NUL byte (line ${text.slice(0, nul).split('\n').length}), ` +
        'which no YAML, JSON or dotenv file holds (a UTF-16 file does: save it as UTF-8); the text is not shown.'
    )
  }
  return isDotenvFile(path) ? parseDotenvSecrets(text, 'secrets-file') : parseSecretsMapping(text, 'secrets-file')
}

const LINE_WITHHELD = 'the line is not shown because it may hold a secret.'

/** dotenv reads each entry alone (a duplicate key keeps both lines); reading otherwise than dotenvEntries is an error. */
export function parseDotenvSecrets(text: string, input: string): SecretEntry[] {
  const entries = []
  for (const entry of dotenvEntries(text, input)) if (entries.push(entry) > MAX_ENTRIES) throw tooMany(input)
  return entries.map((entry) => ({
    key: entry.key,
    origin: `${input} line ${entry.line}`,
    keyOrigin: `${input} line ${entry.line}`,
    read: (_tag, origin) => {
      // Read under a plain key: dotenv's object would take `__proto__` for its prototype.
      const read = parseDotenv(entry.text.replace(entry.key, 'KEY'))
      if (Object.keys(read).join() !== 'KEY' || read.KEY !== entry.value) {
        throw new InputError(
          `${origin}: dotenv would not read this value as written (look at its quotes and backslashes: ` +
            `dotenv keeps \\" and \\\\ as two characters); ${LINE_WITHHELD}`
        )
      }
      return { value: entry.value }
    }
  }))
}

/** One `KEY=value` entry as written: `line` is where it starts, `text` its line or lines. */
type DotenvEntry = { key: string; line: number; text: string; value: string }
/** `KEY=` or `KEY: `, maybe after `export `: dotenv's own key pattern. */
const ENTRY_START = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:(?=\s))/
const QUOTES = new Set(['"', "'", '`'])
const AFTER_CLOSING_QUOTE = /^\s*(?:#[\s\S]*)?$/
/** What dotenv trims and splits as `\s` and a shell does not (it takes a space or a tab only). */
const NOT_A_SHELL_SPACE = /[^\S \t]/
/** U+2028 and U+2029 end a line for dotenv, which reads what follows as another entry. */
const LINE_SEPARATOR = /[\u2028\u2029]/
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', '\\': '\\', '"': '"' }

/** The entries by dotenv's documented rules; what a reader would take one way and dotenv another is an error. */
function* dotenvEntries(text: string, input: string): Generator<DotenvEntry> {
  const lines = text
    .replace(/^\uFEFF/, '') // as editors may write one
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
    if (!start) throw new InputError(`${where} is not a dotenv entry (KEY=value); ${LINE_WITHHELD}`)
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
          `dotenv would misread it. Close the quote at the end of the value; ${LINE_WITHHELD}`
      )
    }
    const comment = after.includes('#') ? after.indexOf('#') : after.length
    checkSpacing(`${input} line ${closed.line + 1}`, after.slice(0, comment), after.slice(comment))
    const entryText = lines.slice(index, closed.line + 1).join('\n')
    const inside = entryText.slice(start[0].length + valueAt + 1, entryText.length - after.length - 1)
    const value = quote === '"' ? inside.replace(/\\(.)/gs, (escape, c: string) => ESCAPES[c] ?? escape) : inside
    yield { key, line: index + 1, text: entryText, value }
    index = closed.line
  }
}

/** An unquoted value: trimmed, up to a `#` after a space or a tab; any other `#` is an error. */
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
        `; put the value in quotes (KEY='…', or KEY="…" when it holds a ') to keep all of it; ${LINE_WITHHELD}`
    )
  }
  const value = written.trim()
  const valueAt = written.length - written.trimStart().length
  checkSpacing(where, written.slice(0, valueAt) + written.slice(valueAt + value.length), rest.slice(written.length))
  return value
}

/** Refuses whitespace outside quotes that a shell does not take for a space, and a line separator in a comment. */
function checkSpacing(where: string, outside: string, comment = ''): void {
  if (NOT_A_SHELL_SPACE.test(outside)) {
    throw new InputError(
      `${where}: outside quotes it has whitespace other than a space or a tab (such as a no-break space, ` +
        'U+2028 or a form feed), which dotenv takes for a space and drops, and a shell does not; ' +
        `write a plain space there, or put the value in quotes to keep that character; ${LINE_WITHHELD}`
    )
  }
  if (LINE_SEPARATOR.test(comment)) {
    throw new InputError(
      `${where}: a comment holds a Unicode line separator (U+2028 or U+2029), where dotenv ends the ` +
        `line and reads what follows as another entry; remove it; ${LINE_WITHHELD}`
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

/** Cortex refuses bodies over 2 MB: counted as 2,000,000 bytes, the stricter reading. */
export const MAX_REQUEST_BODY_BYTES = 2_000_000
/** Empty, white space or invisible format characters only: no one meant it, and no log mask holds it. */
const BLANK = /^[\s\p{Cf}]*$/u
/** The runner's own variables (the step's inputs, its tokens), whatever their case: Windows finds them so. */
const RUNNER_VARIABLE = /^(?:INPUT_|ACTIONS_|RUNNER_|GITHUB_TOKEN$)/i
const RUNNER_HOLDS =
  "INPUT_*, ACTIONS_*, RUNNER_*, GITHUB_TOKEN: the step's inputs, the api-key among them, the runner's tokens"

/** Gives every spec its value; `onValue` sees each at once, to mask it before anything can print it. */
export function resolveSecrets(
  specs: SecretSpec[],
  env: Readonly<Record<string, string | undefined>>,
  onValue: (value: string) => void
): DesiredSecret[] {
  return specs.map((spec) => {
    let value = spec.value ?? ''
    if (spec.env !== undefined) {
      // No variable name holds `=` or NUL, and Node reads `GITHUB_TOKEN\0x` as GITHUB_TOKEN: refused as the name it reads.
      if (/[=\0]/.test(spec.env))
        throw tagError(spec, ': "env" holds "=" or a NUL character, which no variable name has.')
      // Upper case folds spellings Windows takes for the same name (ſ is S).
      if (RUNNER_VARIABLE.test(spec.env.toUpperCase()))
        throw tagError(
          spec,
          `: "env" names the runner's variable ${nameKey(spec.env)} (${RUNNER_HOLDS}); it is never pushed.`
        )
      value = env[spec.env] ?? ''
      if (BLANK.test(value))
        throw tagError(spec, `: environment variable "${spec.env}" is unset, empty or only whitespace.`)
    }
    if (BLANK.test(value)) {
      throw tagError(
        spec,
        ` has an empty value${value === '' ? '' : ' (only whitespace)'}. ` +
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
    // The largest body sent for a secret: the create, which carries tag, name and value.
    const body = JSON.stringify({ name: nameOrTag(secret), secret: value, tag: spec.tag })
    if (Buffer.byteLength(body) > MAX_REQUEST_BODY_BYTES)
      throw tagError(spec, " is too large: its request body would exceed Cortex's 2 MB limit.")
    return secret
  })
}

/** Cortex shows a name to all who see the secret, the summary in a form no mask knows: it quotes no value. */
export function checkDisplayNames(specs: readonly SecretSpec[], secrets: Iterable<string>): void {
  const named = specs.filter((spec): spec is SecretSpec & { name: string } => spec.name !== undefined)
  const broken = named.find((spec) => !isOneLine(spec.name))
  const notOneLine = ': "name" holds a line break, a control or an invisible character; a name is one line of text.'
  if (broken) throw tagError(broken, notOneLine)
  const quotes = new Redactor(secrets).quotesAny(named.map((spec) => spec.name))
  const holder = named.find((_, i) => quotes[i])
  if (holder !== undefined) {
    throw tagError(
      holder,
      ': "name" holds a secret value of this run (or 8 or more characters of one), ' +
        'which Cortex would show to everyone who can see the secret. Choose a name without it.'
    )
  }
}
