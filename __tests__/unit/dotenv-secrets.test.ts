import { describe, expect, it } from '@jest/globals'
import { chooseEntries } from '../../src/inputs/select-secrets.ts'
import { parse as parseDotenv } from 'dotenv'
import fc from 'fast-check'
import { parseDotenvSecrets } from '../../src/inputs/dotenv-secrets.ts'

/** The entries as the run reads them when `select` is unset: every key its own tag. */
const parse = (text: string) => chooseEntries(parseDotenvSecrets(text, 'secrets-file'), { tagCase: 'as-is' }).specs

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
    return (error as Error).message
  }
  throw new Error('expected an error')
}
