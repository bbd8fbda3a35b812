import { describe, expect, it } from '@jest/globals'
import { parse as parseDotenv } from 'dotenv'
import fc from 'fast-check'
import { parseDotenvSecrets } from '../../src/inputs/dotenv-secrets.ts'

const parse = (text: string) => parseDotenvSecrets(text, 'secrets-file')

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
    expect(parse('A=1\nA=2\n')).toEqual([
      { tag: 'A', value: '1', origin: 'secrets-file line 1' },
      { tag: 'A', value: '2', origin: 'secrets-file line 2' }
    ])
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
  const value = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '#', '"', "'", '`', '\\', 'n', '='), maxLength: 8 })

  it('either refuses the line or reads what dotenv reads from the whole file, and refuses a "#" dotenv would cut at', () => {
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
        expect(specs.map((s) => s.value)).toEqual([parseDotenv(text).K, 'ok'])
        // accepted and unquoted: its first "#" (if any) follows a space, so it starts a comment
        const hash = v.indexOf('#')
        if (unquoted && hash >= 0) expect(/\s/.test(v[hash - 1] ?? '')).toBe(true)
      }),
      { numRuns: 5000 }
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
