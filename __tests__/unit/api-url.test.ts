import { describe, expect, it } from '@jest/globals'
import { parseApiUrl } from '../../src/inputs/api-url.ts'

describe('parseApiUrl', () => {
  it.each([
    ['https://api.getcortexapp.com', 'https://api.getcortexapp.com/'],
    ['https://api.eu.cortex.io/', 'https://api.eu.cortex.io/'],
    ['https://cortex.example.com/backend', 'https://cortex.example.com/backend/'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/'],
    ['http://127.10.20.30/x/', 'http://127.10.20.30/x/'],
    ['http://localhost:3000', 'http://localhost:3000/'],
    ['http://[::1]:3000', 'http://[::1]:3000/']
  ])('accepts %s as base %s', (input, base) => {
    expect(parseApiUrl(input).href).toBe(base)
  })

  it('resolves API paths below a path prefix', () => {
    expect(new URL('api/v1/secrets', parseApiUrl('https://h.example/cortex')).href).toBe(
      'https://h.example/cortex/api/v1/secrets'
    )
  })

  it.each(['http://api.getcortexapp.com', 'http://10.0.0.5', 'http://localhost.evil.com', 'http://128.0.0.1'])(
    'refuses plain http to %s',
    (input) => {
      expect(() => parseApiUrl(input)).toThrow(/Input "api-url" uses plain http:\/\//)
    }
  )

  it('refuses other schemes, credentials, queries and garbage', () => {
    expect(() => parseApiUrl('ftp://h.example')).toThrow(/must be an https:\/\/ URL/)
    expect(() => parseApiUrl('https://user:pw@h.example')).toThrow(/must not contain credentials/)
    expect(() => parseApiUrl('https://h.example/?a=1')).toThrow(/query string/)
    expect(() => parseApiUrl('not a url')).toThrow(/Input "api-url" is not a valid URL/)
  })
})
