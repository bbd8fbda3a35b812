import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { parse as parseDotenv } from 'dotenv'
import fc from 'fast-check'
import { InputError } from '../../src/domain/secret.ts'
import {
  describeYamlProblem,
  MAX_ENTRIES,
  isDotenvFile,
  MAX_SECRETS_FILE_BYTES,
  parseDotenvSecrets,
  parseSecretsMapping,
  readRegularFile,
  readSecretsFile
} from '../../src/inputs/secrets.ts'
import { chooseEntries } from '../../src/inputs/select.ts'

/** The entries as the run reads them when `select` is unset: every key its own tag. */
const parse = (text: string) => chooseEntries(parseDotenvSecrets(text, 'secrets-file'), { tagCase: 'as-is' }).specs
const mapping = (text: string) => chooseEntries(parseSecretsMapping(text, 'secrets'), { tagCase: 'as-is' }).specs

/** Whitespace to JavaScript's `\s` (and so to dotenv) that a shell does not take for a space. */
const NON_SHELL_SPACES = [
  '\u00a0',
  '\u1680',
  '\u2003',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\v',
  '\f'
]

describe('parseDotenvSecrets', () => {
  it('reads values the way dotenv does, with line numbers', () => {
    const specs = parse('# comment\nA=plain\nexport B="two\\nlines"\n\nC=\'single # kept\'\nD=x # trailing comment\n')
    expect(specs).toEqual([
      { tag: 'A', value: 'plain', origin: 'secrets-file line 2' },
      { tag: 'B', value: 'two\nlines', origin: 'secrets-file line 3' },
      { tag: 'C', value: 'single # kept', origin: 'secrets-file line 5' },
      { tag: 'D', value: 'x', origin: 'secrets-file line 6' }
    ])
  })

  it('reads a multi-line double-quoted value', () => {
    const specs = parse('PEM="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\n')
    expect(specs.map((s) => [s.tag, s.value])).toEqual([
      ['PEM', '-----BEGIN-----\nabc\n-----END-----'],
      ['NEXT', '1']
    ])
  })

  it('fails on a line dotenv would skip, naming the line and not its text', () => {
    expect(() => parse('A=1\nthis line has s3cr3t text\nB=2\n')).toThrow(
      'secrets-file line 2 is not a dotenv entry (KEY=value); the line is not shown because it may hold a secret.'
    )
  })

  it('fails on a key that is not a valid tag', () => {
    expect(() => parse('A=1\nmy.tag=2\n')).toThrow(
      'secrets-file line 2: the key is not a valid Cortex tag (letters, digits, "_" and "-" only): ' +
        'it has characters a tag cannot have: ".".'
    )
  })

  it('keeps a duplicate key with both lines instead of only the last one', () => {
    const entries = parseDotenvSecrets('A=1\nA=2\n', 'secrets-file')
    expect(entries.map((e) => ({ key: e.key, origin: e.origin, ...e.read(e.key, e.origin) }))).toEqual([
      { key: 'A', value: '1', origin: 'secrets-file line 1' },
      { key: 'A', value: '2', origin: 'secrets-file line 2' }
    ])
    expect(() => parse('A=1\nA=2\n')).toThrow('Tag "A" is defined twice: secrets-file line 1 and secrets-file line 2.')
  })

  it('fails on a "#" inside an unquoted value, which dotenv would cut there, and says quoting fixes it', () => {
    for (const text of [
      'A=1\nDB_PASSWORD=abc#def\n',
      'A=1\nDB_PASSWORD=#abcdef\n',
      'A=1\nexport DB_PASSWORD = abc#def # note\n'
    ]) {
      const error = errorOf(() => parse(text))
      expect(error).toContain(
        'secrets-file line 2: dotenv would cut this value at "#", where an unquoted "#" starts a comment; ' +
          'put the value in quotes'
      )
      expect(error).not.toMatch(/abc|def/)
    }
  })

  it('reads "#" after a space as a comment, and "#" inside quotes as part of the value', () => {
    expect(parse('A=abc #comment\nB="abc#def"\nC=\'abc#def\' # note\nD=`a#b`#c\n').map((s) => s.value)).toEqual([
      'abc',
      'abc#def',
      'abc#def',
      'a#b'
    ])
  })

  it('fails on a "#" after whitespace a shell does not take for a space, naming the line and not its text', () => {
    for (const space of NON_SHELL_SPACES) {
      const error = errorOf(() => parse(`A=1\nDB_PASSWORD=Tr0ub4dor${space}#3xyz\n`))
      expect(error).toContain(
        'secrets-file line 2: dotenv would cut this value at "#", where an unquoted "#" starts a comment ' +
          '(the character before it is whitespace that dotenv takes for a space and a shell does not'
      )
      expect(error).toContain('put the value in quotes')
      expect(error).not.toMatch(/Tr0ub|3xyz/)
      expect(parse(`DB_PASSWORD='Tr0ub4dor${space}#3xyz'\n`)[0]?.value).toBe(`Tr0ub4dor${space}#3xyz`)
    }
  })

  it('fails on whitespace a shell does not take for a space around a key or value, naming the line', () => {
    const lines = (s: string) => [
      `${s}DB_PASSWORD=Qv7`,
      `DB_PASSWORD${s}=Qv7`,
      `export${s}DB_PASSWORD=Qv7`,
      `DB_PASSWORD:${s}Qv7`,
      `DB_PASSWORD=${s}Qv7`,
      `DB_PASSWORD=Qv7${s}`,
      `DB_PASSWORD=Qv7${s} # note`,
      `DB_PASSWORD=${s}"Qv7"`,
      `DB_PASSWORD="Qv7"${s}`,
      `DB_PASSWORD="Qv7"${s}# note`,
      `${s}`,
      `${s}# note`
    ]
    for (const space of NON_SHELL_SPACES) {
      for (const line of [...lines(space), ...lines(` ${space}\t`)]) {
        const error = errorOf(() => parse(`A=1\n${line}\nB=2\n`))
        expect(error).toContain('secrets-file line 2: outside quotes it has whitespace other than a space or a tab')
        expect(error).not.toMatch(/Qv7/)
      }
      // on the line where a multi-line value's quote closes
      expect(errorOf(() => parse(`A="Qv7\nWy8"${space}\n`))).toContain('secrets-file line 2: outside quotes')
    }
  })

  it('keeps whitespace a shell does not take for a space inside a value, inside quotes and in a comment', () => {
    for (const space of NON_SHELL_SPACES) {
      // a line separator in a comment is refused (see below)
      const note = ['\u2028', '\u2029'].includes(space) ? 'note' : `a${space}note`
      const text = `A=a${space}b\nB="${space}b${space}"\nC='${space}' # ${note}\n# ${note}\n`
      expect(parse(text).map((s) => s.value)).toEqual([`a${space}b`, `${space}b${space}`, space])
    }
  })

  it('drops a byte-order mark that starts the file, and refuses one anywhere else outside quotes', () => {
    expect(parse('\uFEFFA=1\nB=2\n')).toEqual([
      { tag: 'A', value: '1', origin: 'secrets-file line 1' },
      { tag: 'B', value: '2', origin: 'secrets-file line 2' }
    ])
    expect(() => parse('A=1\n\uFEFFB=2\n')).toThrow('secrets-file line 2: outside quotes it has whitespace')
  })

  it('fails on a Unicode line separator in a comment, after which dotenv would read another entry', () => {
    for (const separator of ['\u2028', '\u2029']) {
      for (const text of [
        `A=1\n# note${separator}B=2\n`,
        `A=1\nC=3 # note${separator}B=2\n`,
        `A=1\nC="3" #${separator}\n`
      ]) {
        expect(errorOf(() => parse(text))).toContain(
          'secrets-file line 2: a comment holds a Unicode line separator (U+2028 or U+2029)'
        )
      }
    }
  })

  it('fails on a quote that is not closed, or text after the closing quote, naming the line', () => {
    const texts = ['A=1\nB="Qv7\nC=2\n', 'A=1\nB="Qv7"Wy8\n', "A=1\nB='Qv7\\'Wy8'\n", 'A=1\nB="x\nC="Qv7"Wy8\n']
    for (const text of texts) {
      const error = errorOf(() => parse(text))
      expect(error).toContain('secrets-file line 2: the quoted value that starts here has no closing quote')
      expect(error).not.toMatch(/Qv7|Wy8/)
    }
  })

  it('fails where dotenv would keep a backslash that escapes a quote or a backslash', () => {
    for (const text of ['A=1\nB="a\\"b"\n', 'A=1\nB="C:\\\\Users"\n']) {
      expect(errorOf(() => parse(text))).toContain('secrets-file line 2: dotenv would not read this value as written')
    }
    expect(parse('A="C:\\Users\\x"\n')[0]?.value).toBe('C:\\Users\\x')
  })

  it('reads KEY: value as dotenv does, and refuses a value on the line after KEY=', () => {
    expect(parse('A: b\n')).toEqual([{ tag: 'A', value: 'b', origin: 'secrets-file line 1' }])
    expect(() => parse('A=\n"multi"\n')).toThrow('secrets-file line 2 is not a dotenv entry (KEY=value)')
  })

  it('reads 40,000 lines with every line number right', () => {
    const lines: string[] = []
    for (let i = 0; i < 40_000; i++) {
      if (i === 20_000) lines.push('PEM="-----BEGIN-----', 'abc', '-----END-----"')
      else if (i % 1000 === 0) lines.push(`# section ${i}`)
      else lines.push(`TAG_${i}=value-${i} # note`)
    }
    const specs = parse(lines.join('\n') + '\n')
    expect(specs).toHaveLength(40_000 - 40 + 1)
    expect(specs[0]).toEqual({ tag: 'TAG_1', value: 'value-1', origin: 'secrets-file line 2' })
    expect(specs.find((s) => s.tag === 'PEM')).toEqual({
      tag: 'PEM',
      value: '-----BEGIN-----\nabc\n-----END-----',
      origin: 'secrets-file line 20001'
    })
    expect(specs.find((s) => s.tag === 'TAG_20001')?.origin).toBe('secrets-file line 20004')
    expect(specs.at(-1)).toEqual({ tag: 'TAG_39999', value: 'value-39999', origin: 'secrets-file line 40002' })
    expect(() => parse(lines.join('\n') + '\nLAST=abc#def\n')).toThrow('secrets-file line 40003: dotenv would cut')
  })
})

describe('parseDotenvSecrets, for any value written after KEY=', () => {
  const unit = fc.constantFrom('a', 'b', ' ', '\t', '#', '"', "'", '`', '\\', 'n', '=', ...NON_SHELL_SPACES)
  const value = fc.string({ unit, maxLength: 10 })
  const nonShellSpaces = (text: string) => [...text].filter((c) => NON_SHELL_SPACES.includes(c)).length

  it('either refuses the line or reads what dotenv reads and a shell reads, and never drops whitespace a shell keeps', () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = `K=${v}\nL=ok\n`
        const unquoted = !['"', "'", '`'].includes(v.trimStart()[0] ?? '')
        let specs: ReturnType<typeof parse>
        try {
          specs = parse(text)
        } catch (error) {
          expect((error as Error).message).toMatch(/^secrets-file line [12]\b/)
          return
        }
        const read = specs[0]?.value as string
        expect(specs.map((s) => s.value)).toEqual([parseDotenv(text).K, 'ok'])
        // as in a shell: only a space or a tab separates, so only a "#" after one starts a comment
        const hash = v.indexOf('#')
        if (unquoted) expect(read).toBe((hash < 0 ? v : v.slice(0, hash)).replace(/^[ \t]+|[ \t]+$/g, ''))
        if (unquoted && hash >= 0) expect([' ', '\t']).toContain(v[hash - 1])
        if (hash < 0) expect(nonShellSpaces(read)).toBe(nonShellSpaces(v))
      }),
      { numRuns: 10_000 }
    )
  })
})

function errorOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

const mappingError = (text: string) => errorOf(() => mapping(text))

describe("parseDotenvSecrets: keys dotenv's object would take for its own", () => {
  it('reads __proto__ and constructor as the tags they are (issue 17, item 7)', () => {
    const specs = parse('__proto__=value-one\nconstructor=value-two\n')
    expect(specs.map((s) => [s.tag, s.value])).toEqual([
      ['__proto__', 'value-one'],
      ['constructor', 'value-two']
    ])
  })
})

describe('parseSecretsMapping', () => {
  it('keeps scalars as the text written, with no YAML type conversion', () => {
    const specs = mapping('a: 007\nb: 1e3\nc: true\nd: ~\ne: null\nf: 0x1F\ng: 1_000\nh: .inf\n')
    expect(Object.fromEntries(specs.map((s) => [s.tag, s.value]))).toEqual({
      a: '007',
      b: '1e3',
      c: 'true',
      d: '~',
      e: 'null',
      f: '0x1F',
      g: '1_000',
      h: '.inf'
    })
  })

  it('reads the object form with value, env and name, and records where each tag was written', () => {
    const specs = mapping('token: plain\ncert:\n  env: TLS_CERT\ndd:\n  value: abc\n  name: Datadog API key\n')
    expect(specs).toEqual([
      { tag: 'token', value: 'plain', origin: 'secrets line 1' },
      { tag: 'cert', env: 'TLS_CERT', origin: 'secrets line 2' },
      { tag: 'dd', value: 'abc', name: 'Datadog API key', origin: 'secrets line 4' }
    ])
  })

  it('reads JSON, including what toJSON() produces for a multi-line secret', () => {
    const specs = mapping('{"pem": "-----BEGIN KEY-----\\nabc\\r\\n-----END KEY-----\\n", "u": "caf\\u00e9 \\"q\\""}')
    expect(specs.map((s) => s.value)).toEqual(['-----BEGIN KEY-----\nabc\r\n-----END KEY-----\n', 'café "q"'])
  })

  it('keeps a block scalar exactly, trailing newline included', () => {
    expect(mapping('pem: |\n  line 1\n  line 2\n')[0]?.value).toBe('line 1\nline 2\n')
  })

  it('treats an empty input or one with only comments as no secrets', () => {
    expect(mapping('')).toEqual([])
    expect(mapping('# nothing yet\n')).toEqual([])
  })

  it('names line and column of a syntax error and never quotes the text', () => {
    const error = mappingError('ok: fine\nbad: "unterminated s3cr3t-value\n')
    expect(error).toMatch(/Input "secrets" is not valid YAML or JSON: .* at line \d+, column \d+/)
    expect(error).not.toContain('s3cr3t')
  })

  it('refuses a document that is not a mapping', () => {
    expect(mappingError('- s3cr3t\n')).toMatch(/must be a mapping of Cortex tags/)
    expect(mappingError('just-a-s3cr3t')).not.toContain('s3cr3t')
  })

  it('refuses a tag outside [A-Za-z0-9_-] without quoting it, naming the characters not allowed', () => {
    const error = mappingError('good: 1\n"bad.t4g x\\u0007": 2\n')
    expect(error).toBe(
      'Input "secrets", line 2, column 1: the key is not a valid Cortex tag (letters, digits, "_" and "-" only): ' +
        'it has characters a tag cannot have: ".", a space, U+0007.'
    )
    expect(mappingError('"": 1\n')).toMatch(/: it is empty\.$/)
    expect(mappingError('? [a]\n: 1\n')).toMatch(/line 1, column 3: the key is not text/)
  })

  it('keeps a duplicate tag with both places, for chooseEntries to refuse', () => {
    expect(parseSecretsMapping('a: 1\nb: 2\na: 3\n', 'secrets').map((s) => s.origin)).toEqual([
      'secrets line 1',
      'secrets line 2',
      'secrets line 3'
    ])
  })

  it('names an unknown key of the object form when it is a plausible key, and only then', () => {
    expect(mappingError('a:\n  vaule: s3cr3t\n')).toMatch(
      /^Tag "a" \(secrets line 1\): unknown key "vaule" at line 2, column 3 in the object form; expected "value"/
    )
    const pasted = mappingError('a:\n  s3cr3t.p4ss w0rd: x\n')
    expect(pasted).toMatch(/unknown key \(not shown: it has characters a tag cannot have: "\.", a space\) at line 2/)
    expect(pasted).not.toContain('s3cr3t')
    const long = mappingError(`a:\n  ${'k'.repeat(65)}: x\n`)
    expect(long).toMatch(/unknown key \(not shown: it is 65 characters long\)/)
  })

  it("says what is wrong with the YAML in plain words, not with the library's code", () => {
    expect(mappingError('a: 1\nb\nc: 2\n')).toMatch(
      /is not valid YAML or JSON: [a-z][a-z ,()]+ at line \d+, column \d+ \(the text is not shown/
    )
    expect(mappingError('a: "open s3cr3t\n')).toMatch(/a closing quote, bracket or brace is missing/)
    expect(mappingError('a: 1\nb\nc: 2\n')).not.toMatch(/[A-Z]{2,}_[A-Z]/)
  })

  it('refuses both or neither of value and env', () => {
    expect(mappingError('a:\n  value: x\n  env: Y\n')).toMatch(/exactly one of "value" and "env"/)
    expect(mappingError('a:\n  name: Only a name\n')).toMatch(/exactly one of "value" and "env"/)
  })

  it('refuses a value YAML would silently change: a tag (!), an anchor (&), an alias (*)', () => {
    expect(mappingError('a: !s3cr3t\n')).toMatch(/a tag \(!\) cannot be resolved at line 1, column 4/)
    expect(mappingError('a: !!str s3cr3t\n')).toMatch(/starts with a YAML tag \(!\) or anchor \(&\)/)
    expect(mappingError('a: &s3cr3t rest\n')).toMatch(/Use `env:` or toJSON/)
    expect(mappingError('a: &m\n  value: v\nb: *m\n')).toMatch(/Tag "b" .*an alias/)
  })

  it('refuses a field given twice, a field that is not a string, and an empty name', () => {
    expect(mappingError('a:\n  value: x\n  value: y\n')).toBe('Tag "a" (secrets line 1): "value" is given twice.')
    expect(mappingError('a:\n  value: [x]\n')).toBe('Tag "a" (secrets line 1): "value" must be a string.')
    for (const name of ['""', '"   "', '"\\t "']) {
      expect(mappingError(`a:\n  value: x\n  name: ${name}\n`)).toBe(
        'Tag "a" (secrets line 1): "name" is empty or blank; leave it out to use the tag as the name.'
      )
    }
  })

  it('says a mapping nested too deep is nested too deep, not that it has aliases (issue 17, item 7)', () => {
    expect(mappingError(`a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`)).toBe(
      'Input "secrets" is not valid YAML or JSON: it is nested more than 200 deep.'
    )
    // Indentation nests without brackets: the parser's own limit, said as such.
    const indented = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')
    expect(mappingError(`a:\n${indented}\n`)).toMatch(
      /^Input "secrets" is not valid YAML or JSON: it is nested too deep at line/
    )
  })

  it('bounds what an input may cost: 250,000 secrets at most (red team of issue 17)', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `K${i}=v${i}`).join('\n')
    expect(parseDotenvSecrets(lines(MAX_ENTRIES), 'secrets-file')).toHaveLength(MAX_ENTRIES)
    expect(() => parseDotenvSecrets(lines(MAX_ENTRIES + 1), 'secrets-file')).toThrow(
      'Input "secrets-file" holds more than 250,000 secrets, more than one run pushes.'
    )
  })

  it('refuses a list or a nested mapping as a value', () => {
    expect(mappingError('a: [1, 2]\n')).toMatch(/Tag "a" .*is a list/)
    expect(mappingError('a: {b: c}\n')).toMatch(/unknown key "b" at line 1, column 5 in the object form/)
  })
})

describe('describeYamlProblem and isDotenvFile', () => {
  it("falls back to plain words for a code it does not know, never the library's code", () => {
    expect(describeYamlProblem('TAB_AS_INDENT')).toBe('a tab is used for indentation; YAML indents with spaces')
    expect(describeYamlProblem('NO_SUCH_CODE' as Parameters<typeof describeYamlProblem>[0])).toBe(
      'the text cannot be read as YAML'
    )
  })

  it('reads .env, .env.<anything> and <anything>.env as dotenv, any other file as YAML', () => {
    for (const path of ['.env', 'config/.env.prod', 'prod.env', '/a/b/x.env'])
      expect([path, isDotenvFile(path)]).toEqual([path, true])
    for (const path of ['secrets.yml', 'env', '.envrc', 'prod.env.json', 'a.env/secrets.yaml']) {
      expect([path, isDotenvFile(path)]).toEqual([path, false])
    }
  })
})

describe('readSecretsFile with readRegularFile: a regular file only, at most 64 MiB, no NUL byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-file-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const at = (name: string) => join(dir, name)
  const written = (name: string, text: string | Buffer) => {
    writeFileSync(at(name), text)
    return at(name)
  }
  const linked = (name: string, target: string) => {
    symlinkSync(target, at(name))
    return at(name)
  }
  const read = (path: string) => chooseEntries(readSecretsFile(path, readRegularFile), { tagCase: 'as-is' }).specs
  /** The InputError reading `path` throws, and how long it took to throw it. */
  function refusal(path: string): { message: string; ms: number } {
    const started = performance.now()
    try {
      read(path)
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return { message: (error as Error).message, ms: performance.now() - started }
    }
    throw new Error(`expected an InputError for ${path}`)
  }
  const notRegular = (path: string, kind: string) =>
    `Input "secrets-file": ${JSON.stringify(path)} is ${kind}, not a regular file; ` +
    'only a regular file is read (a link to one is followed).'

  it('reads a regular file, and one behind a symbolic link', () => {
    const file = written('ok.env', 'A=one\n')
    expect(read(file)).toEqual([{ tag: 'A', value: 'one', origin: 'secrets-file line 1' }])
    expect(read(linked('link.env', file))).toEqual([{ tag: 'A', value: 'one', origin: 'secrets-file line 1' }])
  })

  it('refuses a FIFO with no writer at once, instead of waiting for one', () => {
    execFileSync('mkfifo', [at('pipe.env')])
    const { message, ms } = refusal(at('pipe.env'))
    expect(message).toBe(notRegular(at('pipe.env'), 'a FIFO (named pipe)'))
    expect(ms).toBeLessThan(500)
  })

  it('refuses a device (/dev/zero, /dev/urandom) without reading it, also behind a link', () => {
    for (const device of ['/dev/zero', '/dev/urandom', linked('zero.env', '/dev/zero')]) {
      const { message, ms } = refusal(device)
      expect(message).toBe(notRegular(device, 'a device'))
      expect(ms).toBeLessThan(500)
    }
  })

  it('refuses a directory', () => {
    mkdirSync(at('secrets.yaml'))
    expect(refusal(at('secrets.yaml')).message).toBe(notRegular(at('secrets.yaml'), 'a directory'))
  })

  it('refuses a link to /proc/self/environ, a "regular file" of size 0 whose entries end in NUL', () => {
    const link = linked('cortex.env', '/proc/self/environ')
    const { message } = refusal(link)
    expect(message).toBe(
      `Input "secrets-file": ${JSON.stringify(link)} holds a NUL byte (line 1), which no YAML, JSON or dotenv ` +
        'file holds (a UTF-16 file does: save it as UTF-8); the text is not shown.'
    )
    expect(message).not.toContain('PATH')
  })

  it('refuses a NUL byte anywhere in a YAML, JSON or dotenv file, naming its line', () => {
    const nul = (path: string, line: number) =>
      `Input "secrets-file": ${JSON.stringify(path)} holds a NUL byte (line ${line}), which no YAML, JSON or dotenv ` +
      'file holds (a UTF-16 file does: save it as UTF-8); the text is not shown.'
    for (const [name, text, line] of [
      ['nul.yaml', 'a: one\nb: "two\0three"\n', 2],
      ['nul.json', '{"a": "one",\n"b": "tw\0"}', 2],
      ['nul.env', 'A=one\nB=two\nC=three\0D=four\n', 3],
      ['utf16.env', Buffer.from('\ufeffA=one\n', 'utf16le'), 1]
    ] as const) {
      const path = written(name, text)
      expect([name, refusal(path).message]).toEqual([name, nul(path, line)])
    }
  })

  it('refuses a file over 64 MiB before reading it; reads one of 64 MiB exactly', () => {
    expect(MAX_SECRETS_FILE_BYTES).toBe(64 * 1024 * 1024)
    const over = written('big.yaml', '')
    truncateSync(over, MAX_SECRETS_FILE_BYTES + 1) // sparse: nothing is written
    const { message, ms } = refusal(over)
    expect(message).toBe(
      `Input "secrets-file": ${JSON.stringify(over)} is larger than 64 MiB (67,108,864 bytes), the most the action reads.`
    )
    expect(ms).toBeLessThan(500)
    // At the cap the file is read, and its zeros are what refuses it.
    const full = written('full.yaml', '')
    truncateSync(full, MAX_SECRETS_FILE_BYTES)
    expect(refusal(full).message).toMatch(/ holds a NUL byte \(line 1\)/)
  })

  it('names a file that does not exist, or cannot be opened, by its error code', () => {
    expect(refusal(at('gone.yaml')).message).toBe(
      `Input "secrets-file": cannot read ${JSON.stringify(at('gone.yaml'))} (ENOENT).`
    )
    const loop = linked('loop.env', at('loop.env'))
    expect(refusal(loop).message).toBe(`Input "secrets-file": cannot read ${JSON.stringify(loop)} (ELOOP).`)
  })
})
