/**
 * The emulated secret masker hides what the runner's hides: the value, and
 * each encoding produced by the encoders the runner registers.
 */
import { describe, expect, it } from '@jest/globals'
import { RUNNER_VALUE_ENCODERS, SecretMasker } from '../../harness/secret-masker.ts'

const masked = (values: string[], text: string): string => {
  const masker = new SecretMasker()
  for (const value of values) masker.addValue(value)
  return masker.maskSecrets(text)
}

describe('SecretMasker', () => {
  it('registers the encoders of the runner, in its order', () => {
    expect(RUNNER_VALUE_ENCODERS.map(([name]) => name)).toEqual([
      'Base64StringEscape',
      'Base64StringEscapeShift1',
      'Base64StringEscapeShift2',
      'CommandLineArgumentEscape',
      'ExpressionStringEscape',
      'JsonStringEscape',
      'UriDataEscape',
      'XmlDataEscape',
      'TrimDoubleQuotes',
      'PowerShellPreAmpersandEscape',
      'PowerShellPostAmpersandEscape'
    ])
  })

  it('masks every occurrence of a value, with no minimum length', () => {
    expect(masked(['s3cr3t'], 'a s3cr3t, b s3cr3t.')).toBe('a ***, b ***.')
    expect(masked(['x'], 'x-ray')).toBe('***-ray')
    expect(masked([''], 'nothing')).toBe('nothing')
  })

  it('masks the encodings of a value as the runner writes them', () => {
    const value = `p"a's&<w>/ö\\\n`
    const encodings: Record<string, string> = {
      base64: Buffer.from(value).toString('base64'),
      base64ShiftedOneByte: Buffer.from(value).subarray(1).toString('base64'),
      base64ShiftedTwoBytes: Buffer.from(value).subarray(2).toString('base64'),
      commandLine: `p\\"a's&<w>/ö\\\n`,
      expressionString: `p"a''s&<w>/ö\\\n`,
      json: `p\\"a's&<w>/ö\\\\\\n`,
      uri: 'p%22a%27s%26%3Cw%3E%2F%C3%B6%5C%0A',
      xml: `p&quot;a&apos;s&amp;&lt;w&gt;/ö\\\n`
    }
    for (const [name, encoded] of Object.entries(encodings)) {
      expect([name, masked([value], `[${encoded}]`)]).toEqual([name, '[***]'])
    }
  })

  it('escapes for JSON as Newtonsoft.Json does: control characters as \\u00xx, U+2028 too', () => {
    expect(masked(['a\u0001b\u2028c'], 'x a\\u0001b\\u2028c x')).toBe('x *** x')
  })

  it('masks the inside of a long double-quoted value, and the parts PowerShell splits at &', () => {
    expect(masked(['"quoted-value"'], 'v=quoted-value')).toBe('v=***')
    expect(masked(['first-part&second-part'], 'first-part& | second-part')).toBe('*** | ***')
  })

  it('merges overlapping and adjacent hits into one ***', () => {
    expect(masked(['abcd', 'cdef'], '<abcdef>')).toBe('<***>')
    expect(masked(['ab', 'cd'], '<abcd>')).toBe('<***>')
  })
})
