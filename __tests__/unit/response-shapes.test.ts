/**
 * The hand-written body checks, held against the vendor's OpenAPI text: what
 * they accept, the schema accepts too, and what they require is what it requires.
 */
import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { OpenApiContract } from '../../harness/openapi-contract.ts'
import {
  readAnySecretSummary,
  readSecretPage,
  readSecretSummary,
  ShapeMismatch
} from '../../src/cortex/response-shapes.ts'

const { components } = new OpenApiContract().spec
const ajv = new Ajv({ strict: false, validateFormats: false })
ajv.addSchema({ $id: 'cortex', components })
const schemaAccepts = (name: string, body: unknown) =>
  ajv.validate({ $ref: `cortex#/components/schemas/${name}` }, body)

const asked = { page: 0, pageSize: 1000 }
const item = { id: 'se2da8159dbeefb974', tag: 'ci_token', name: 'CI token' }
const page = { page: 0, secrets: [item], total: 1, totalPages: 1 }

/** What the reader says about a body: its value, or the mismatch. */
function outcome(read: () => unknown): unknown {
  try {
    return read()
  } catch (error) {
    if (!(error instanceof ShapeMismatch)) throw error
    return `mismatch: ${error.message}`
  }
}

const HOSTILE_PAGES: unknown[] = [
  null,
  [],
  'text',
  {},
  { ...page, secrets: undefined },
  { ...page, secrets: {} },
  { ...page, secrets: [null] },
  { ...page, secrets: [[]] },
  { ...page, secrets: [{ tag: 'x' }] },
  { ...page, secrets: [{ id: 'a', tag: 7 }] },
  { ...page, secrets: [{ id: 7, tag: 'x' }] },
  { ...page, secrets: [{ id: 'a', tag: 'x', name: 7 }] },
  { ...page, total: '1' },
  { ...page, total: 1.5 },
  { ...page, page: null }
]

describe('readSecretPage', () => {
  it('reads a page the OpenAPI text describes, keeping only the fields it names', () => {
    const body = {
      ...page,
      secrets: [
        { ...item, extra: 'x' },
        { id: 'se0', tag: 'no-name' }
      ],
      extra: true
    }
    expect(schemaAccepts('AllSecretsResponse', body)).toBe(true)
    expect(readSecretPage(body, asked)).toEqual({ ...page, secrets: [item, { id: 'se0', tag: 'no-name' }] })
  })

  it('refuses every body the OpenAPI text refuses', () => {
    for (const body of HOSTILE_PAGES) {
      expect(schemaAccepts('AllSecretsResponse', body) && body).toBe(false)
      expect(outcome(() => readSecretPage(body, asked))).toMatch(/^mismatch: /)
    }
  })

  it.each(['page', 'secrets', 'total', 'totalPages'])('requires %s, as the OpenAPI text does', (field) => {
    const body: Record<string, unknown> = { ...page }
    delete body[field]
    expect(schemaAccepts('AllSecretsResponse', body)).toBe(false)
    expect(outcome(() => readSecretPage(body, asked))).toBe(
      `mismatch: ${field} is missing, not ${field === 'secrets' ? 'an array' : 'a number'}`
    )
  })

  it('goes further than the schema where the action depends on it', () => {
    const cases: [unknown, string][] = [
      [{ ...page, page: 1 }, 'page is 1, not the page asked (0)'],
      [{ ...page, total: -1 }, 'total is -1, not a whole number of 0 or more'],
      [{ ...page, totalPages: 2 ** 53 }, 'totalPages is 9007199254740992, not a whole number of 0 or more'],
      [{ ...page, secrets: [{ ...item, tag: 'a b' }] }, 'secrets[0].tag is not a tag (letters, digits, _ and - only)'],
      [{ ...page, secrets: [{ ...item, tag: '' }] }, 'secrets[0].tag is not a tag (letters, digits, _ and - only)'],
      [{ ...page, secrets: [{ ...item, id: '' }] }, 'secrets[0].id is empty']
    ]
    for (const [body, problem] of cases) {
      expect(schemaAccepts('AllSecretsResponse', body)).toBe(true)
      expect(outcome(() => readSecretPage(body, asked))).toBe(`mismatch: ${problem}`)
    }
    expect(outcome(() => readSecretPage(page, { page: 0, pageSize: 0 }))).toBe(
      'mismatch: secrets holds 1 items, more than the 0 asked'
    )
  })

  it('reads a null name as absent (a serialiser writing an unset field), and only that', () => {
    const read = readSecretPage({ ...page, secrets: [{ ...item, name: null }] }, asked)
    expect(read.secrets).toEqual([{ id: item.id, tag: item.tag }])
    expect('name' in (read.secrets[0] as object)).toBe(false)
  })

  it('names kinds and numbers, never the text of the body', () => {
    const hostile = { ...page, secrets: [{ id: 'se1', tag: 'sk_live_SECRET\n::stop-commands::x' }] }
    const said = String(outcome(() => readSecretPage(hostile, asked)))
    expect(said).toBe('mismatch: secrets[0].tag is not a tag (letters, digits, _ and - only)')
  })
})

describe('readSecretSummary and readAnySecretSummary', () => {
  it('read the SecretResponse the OpenAPI text describes', () => {
    expect(schemaAccepts('SecretResponse', item)).toBe(true)
    expect(readSecretSummary(item, 'ci_token')).toEqual(item)
    expect(readAnySecretSummary({ id: 'se1', tag: 'other' })).toEqual({ id: 'se1', tag: 'other' })
  })

  it.each(['id', 'tag'])('require %s, as the OpenAPI text does', (field) => {
    const body: Record<string, unknown> = { ...item }
    delete body[field]
    expect(schemaAccepts('SecretResponse', body)).toBe(false)
    expect(outcome(() => readAnySecretSummary(body))).toBe(`mismatch: ${field} is missing, not a string`)
  })

  it('refuses a secret with another tag than asked', () => {
    expect(outcome(() => readSecretSummary(item, 'CI_TOKEN'))).toBe('mismatch: tag is not the tag asked')
  })

  it.each([
    [null, 'the body is null, not an object'],
    [undefined, 'the body is missing, not an object'],
    ['{}', 'the body is a string, not an object'],
    [[item], 'the body is an array, not an object'],
    [{ ...item, name: ['x'] }, 'name is an array, not a string'],
    [{ ...item, tag: { toString: 'ci_token' } }, 'tag is an object, not a string']
  ])('refuses %j: %s', (body, problem) => {
    expect(outcome(() => readSecretSummary(body, 'ci_token'))).toBe(`mismatch: ${problem}`)
  })
})
