/**
 * The emulated `toJSON(secrets)` writes what the runner writes: ToJson.cs's layout and
 * Newtonsoft.Json's Default string escaping (see harness/to-json.ts for the sources).
 */
import { describe, expect, it } from '@jest/globals'
import { newtonsoftJsonString, secretsContextToJson } from '../../harness/to-json.ts'

describe('secretsContextToJson', () => {
  it('writes an empty context as {}', () => {
    expect(secretsContextToJson({})).toBe('{}')
  })

  it('writes each pair on its own line, indented two spaces, in the order of the context', () => {
    expect(secretsContextToJson({ github_token: 'ghs_x', B_KEY: 'b', A_KEY: 'a' })).toBe(
      '{\n  "github_token": "ghs_x",\n  "B_KEY": "b",\n  "A_KEY": "a"\n}'
    )
    expect(secretsContextToJson({ ONLY: 'one' })).toBe('{\n  "ONLY": "one"\n}')
  })

  it('lays out plain text as JSON.stringify with an indent of 2 does', () => {
    const plain = { github_token: 'ghs_abc', CORTEX_A: 'value a', CORTEX_B: "it's <b> & é 🔑" }
    expect(secretsContextToJson(plain)).toBe(JSON.stringify(plain, null, 2))
  })

  it('escapes keys and values as Newtonsoft.Json does, not as JSON.stringify does', () => {
    expect(secretsContextToJson({ 'K"\u2028': 'a\u2028b\u0085\r\n\u0001' })).toBe(
      '{\n  "K\\"\\u2028": "a\\u2028b\\u0085\\r\\n\\u0001"\n}'
    )
  })

  it('refuses keys equal ignoring case, which the runner context cannot hold', () => {
    expect(() => secretsContextToJson({ CORTEX_A: 'x', cortex_a: 'y' })).toThrow(/cannot hold both/)
  })

  it('reads back as the same strings, byte for byte', () => {
    const values = {
      pem: '-----BEGIN KEY-----\r\nAAAA\r\n-----END KEY-----\r\n',
      controls: Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join(''),
      separators: 'a\u0085b\u2028c\u2029d\u007fe\u0080f',
      astral: '𝄞🔑',
      quotes: `"'\\/`
    }
    expect(JSON.parse(secretsContextToJson(values))).toEqual(values)
  })
})

describe('newtonsoftJsonString', () => {
  it('uses the short escapes for tab, line feed, carriage return, form feed, backspace, \\ and "', () => {
    expect(newtonsoftJsonString('\t\n\r\f\b\\"')).toBe('"\\t\\n\\r\\f\\b\\\\\\""')
  })

  it('writes the other characters below U+0020 as \\u00xx with lowercase hex', () => {
    expect(newtonsoftJsonString('\u0000\u0001\u001f\u000b')).toBe('"\\u0000\\u0001\\u001f\\u000b"')
  })

  it('escapes U+0085, U+2028 and U+2029, which JSON.stringify leaves as they are', () => {
    expect(newtonsoftJsonString('\u0085\u2028\u2029')).toBe('"\\u0085\\u2028\\u2029"')
    expect(JSON.stringify('\u0085\u2028\u2029')).toBe('"\u0085\u2028\u2029"')
  })

  it("leaves ', /, <, &, DEL, other C1 controls, non-ASCII and astral characters as they are", () => {
    const kept = "'/<>&\u007f\u0080\u009f\u00a0é密\ufeff𝄞🔑"
    expect(newtonsoftJsonString(kept)).toBe(`"${kept}"`)
  })

  it('writes a lone surrogate as it is, where JSON.stringify escapes it', () => {
    expect(newtonsoftJsonString('\ud800')).toBe('"\ud800"')
    expect(JSON.stringify('\ud800')).toBe('"\\ud800"')
  })
})
