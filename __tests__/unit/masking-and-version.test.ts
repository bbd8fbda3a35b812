import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { masksFor } from '../../src/masking.ts'
import { ACTION_VERSION } from '../../src/version.ts'

describe('masksFor', () => {
  it('masks the whole value and each of its lines, trimmed, whatever the line ending', () => {
    expect(masksFor('-----BEGIN-----\r\nabcd\n\n  \r  efgh \n')).toEqual([
      '-----BEGIN-----\r\nabcd\n\n  \r  efgh \n',
      '-----BEGIN-----',
      'abcd',
      'efgh'
    ])
    expect(masksFor('single')).toEqual(['single'])
  })

  it('does not register a line under 4 characters or of punctuation only, but still the whole value', () => {
    const json = '{\n  "user": "svc",\n  "ids": [\n    7,\n    123\n  ],\n  "k": {}\n}'
    expect(masksFor(json)).toEqual([json, '"user": "svc",', '"ids": [', '"k": {}'])
    expect(masksFor('-----\n+=*/\n»«\nsecret-part')).toEqual(['-----\n+=*/\n»«\nsecret-part', 'secret-part'])
    expect(masksFor('{}')).toEqual(['{}'])
    expect(masksFor('abc')).toEqual(['abc'])
  })
})

describe('ACTION_VERSION', () => {
  it('is the version in package.json', () => {
    expect(ACTION_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })
})
