import { describe, expect, it } from '@jest/globals'
import { chooseEntries } from '../../src/inputs/select-secrets.ts'
import { InputError } from '../../src/inputs/input-error.ts'
import { parseSecretsMapping } from '../../src/inputs/secrets-mapping.ts'

/** The entries as the run reads them when `select` is unset: every key its own tag. */
const parse = (text: string) => chooseEntries(parseSecretsMapping(text, 'secrets'), { tagCase: 'as-is' }).specs

function errorOf(text: string): InputError {
  try {
    parse(text)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('expected an InputError')
}

describe('parseSecretsMapping', () => {
  it('keeps scalars as the text written, with no YAML type conversion', () => {
    const specs = parse('a: 007\nb: 1e3\nc: true\nd: ~\ne: null\nf: 0x1F\ng: 1_000\nh: .inf\n')
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
    const specs = parse('token: plain\ncert:\n  env: TLS_CERT\ndd:\n  value: abc\n  name: Datadog API key\n')
    expect(specs).toEqual([
      { tag: 'token', value: 'plain', origin: 'secrets line 1' },
      { tag: 'cert', env: 'TLS_CERT', origin: 'secrets line 2' },
      { tag: 'dd', value: 'abc', name: 'Datadog API key', origin: 'secrets line 4' }
    ])
  })

  it('reads JSON, including what toJSON() produces for a multi-line secret', () => {
    const specs = parse('{"pem": "-----BEGIN KEY-----\\nabc\\r\\n-----END KEY-----\\n", "u": "caf\\u00e9 \\"q\\""}')
    expect(specs.map((s) => s.value)).toEqual(['-----BEGIN KEY-----\nabc\r\n-----END KEY-----\n', 'café "q"'])
  })

  it('keeps a block scalar exactly, trailing newline included', () => {
    expect(parse('pem: |\n  line 1\n  line 2\n')[0]?.value).toBe('line 1\nline 2\n')
  })

  it('treats an empty input or one with only comments as no secrets', () => {
    expect(parse('')).toEqual([])
    expect(parse('# nothing yet\n')).toEqual([])
  })

  it('names line and column of a syntax error and never quotes the text', () => {
    const error = errorOf('ok: fine\nbad: "unterminated s3cr3t-value\n')
    expect(error.message).toMatch(/Input "secrets" is not valid YAML or JSON: .* at line \d+, column \d+/)
    expect(error.message).not.toContain('s3cr3t')
  })

  it('refuses a document that is not a mapping', () => {
    expect(errorOf('- s3cr3t\n').message).toMatch(/must be a mapping of Cortex tags/)
    expect(errorOf('just-a-s3cr3t').message).not.toContain('s3cr3t')
  })

  it('refuses a tag outside [A-Za-z0-9_-] without quoting it, naming the characters not allowed', () => {
    const error = errorOf('good: 1\n"bad.t4g x\\u0007": 2\n')
    expect(error.message).toBe(
      'Input "secrets", line 2, column 1: the key is not a valid Cortex tag (letters, digits, "_" and "-" only): ' +
        'it has characters a tag cannot have: ".", space, U+0007.'
    )
    expect(errorOf('"": 1\n').message).toMatch(/: it is empty\.$/)
    expect(errorOf('? [a]\n: 1\n').message).toMatch(/line 1, column 3: the key is not text/)
  })

  it('keeps a duplicate tag with both places, for chooseEntries to refuse', () => {
    expect(parseSecretsMapping('a: 1\nb: 2\na: 3\n', 'secrets').map((s) => s.origin)).toEqual([
      'secrets line 1',
      'secrets line 2',
      'secrets line 3'
    ])
  })

  it('names an unknown key of the object form when it is a plausible key, and only then', () => {
    expect(errorOf('a:\n  vaule: s3cr3t\n').message).toMatch(
      /^Tag "a" \(secrets line 1\): unknown key "vaule" at line 2, column 3 in the object form; expected "value"/
    )
    const pasted = errorOf('a:\n  s3cr3t.p4ss w0rd: x\n').message
    expect(pasted).toMatch(/unknown key \(not shown: it has characters a tag cannot have: "\.", space\) at line 2/)
    expect(pasted).not.toContain('s3cr3t')
    const long = errorOf(`a:\n  ${'k'.repeat(65)}: x\n`).message
    expect(long).toMatch(/unknown key \(not shown: it is 65 characters long\)/)
  })

  it("says what is wrong with the YAML in plain words, not with the library's code", () => {
    expect(errorOf('a: 1\nb\nc: 2\n').message).toMatch(
      /is not valid YAML or JSON: [a-z][a-z ,()]+ at line \d+, column \d+ \(the text is not shown/
    )
    expect(errorOf('a: "open s3cr3t\n').message).toMatch(/a closing quote, bracket or brace is missing/)
    expect(errorOf('a: 1\nb\nc: 2\n').message).not.toMatch(/[A-Z]{2,}_[A-Z]/)
  })

  it('refuses both or neither of value and env', () => {
    expect(errorOf('a:\n  value: x\n  env: Y\n').message).toMatch(/exactly one of "value" and "env"/)
    expect(errorOf('a:\n  name: Only a name\n').message).toMatch(/exactly one of "value" and "env"/)
  })

  it('refuses a value YAML would silently change: a tag (!), an anchor (&), an alias (*)', () => {
    expect(errorOf('a: !s3cr3t\n').message).toMatch(/a tag \(!\) cannot be resolved at line 1, column 4/)
    expect(errorOf('a: !!str s3cr3t\n').message).toMatch(/starts with a YAML tag \(!\) or anchor \(&\)/)
    expect(errorOf('a: &s3cr3t rest\n').message).toMatch(/Use `env:` or toJSON/)
    expect(errorOf('a: &m\n  value: v\nb: *m\n').message).toMatch(/Tag "b" .*an alias/)
  })

  it('refuses a list or a nested mapping as a value', () => {
    expect(errorOf('a: [1, 2]\n').message).toMatch(/Tag "a" .*is a list/)
    expect(errorOf('a: {b: c}\n').message).toMatch(/unknown key "b" at line 1, column 5 in the object form/)
  })
})
