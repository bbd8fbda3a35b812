import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { masksFor } from '../../src/masking.ts'
import { ACTION_VERSION } from '../../src/version.ts'

describe('masksFor', () => {
  it('registers a single-line value whole, whatever its length or padding', () => {
    expect(masksFor('single')).toEqual(['single'])
    expect(masksFor('abc')).toEqual(['abc'])
    expect(masksFor('{}')).toEqual(['{}'])
    expect(masksFor('  padded  ')).toEqual(['  padded  '])
  })

  it('registers each line of a multi-line value, trimmed, whatever the line ending', () => {
    expect(masksFor('-----BEGIN-----\r\nabcd\n\n  \r  efgh \n')).toEqual(['-----BEGIN-----', 'abcd', 'efgh'])
  })

  it('does not register a line under 4 characters or of punctuation only, which the runner would mask everywhere', () => {
    const json = '{\n  "user": "svc",\n  "ids": [\n    7,\n    123\n  ],\n  "k": {}\n}'
    expect(masksFor(json)).toEqual(['"user": "svc",', '"ids": [', '"k": {}'])
    expect(masksFor('-----\n+=*/\n»«\nsecret-part')).toEqual(['secret-part'])
  })

  it('registers a multi-line value whole when none of its lines is worth a mask on its own', () => {
    expect(masksFor('ab\ncd')).toEqual(['ab\ncd'])
  })
})

describe('ACTION_VERSION', () => {
  it('is the version in package.json', () => {
    expect(ACTION_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })
})
