import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { masksFor } from '../../src/masking.ts'
import { ACTION_VERSION } from '../../src/version.ts'

describe('masksFor', () => {
  it('masks the whole value and each non-blank line, whatever the line ending', () => {
    expect(masksFor('-----BEGIN-----\r\nabc\n\n  \rdef\n')).toEqual([
      '-----BEGIN-----\r\nabc\n\n  \rdef\n',
      '-----BEGIN-----',
      'abc',
      'def'
    ])
    expect(masksFor('single')).toEqual(['single'])
  })
})

describe('ACTION_VERSION', () => {
  it('is the version in package.json', () => {
    expect(ACTION_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })
})
