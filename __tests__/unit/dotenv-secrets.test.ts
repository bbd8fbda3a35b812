import { describe, expect, it } from '@jest/globals'
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
})
