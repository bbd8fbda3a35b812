import { TAG_PATTERN } from '../inputs/secret-spec.ts'

/**
 * The bodies Cortex answers with, as the OpenAPI text describes them, checked
 * by hand before anything reads them: a schema validator would cost start-up
 * time and bundle size for three small shapes. A body that does not match
 * throws a `ShapeMismatch` naming the field and what was found there by kind
 * (a number itself at most), never the text of the body.
 */

/** A secret as Cortex describes it (`SecretResponse`): never with its value. */
export interface SecretSummary {
  id: string
  tag: string
  name?: string
}

/** One page of the list (`AllSecretsResponse`). */
export interface SecretPage {
  page: number
  secrets: SecretSummary[]
  total: number
  totalPages: number
}

/** Why a body does not match its shape; the message never quotes the body. */
export class ShapeMismatch extends Error {
  override name = 'ShapeMismatch'
}

/**
 * A list page. Its numbers must be safe whole numbers of 0 or more, `page`
 * the page asked, and it may hold at most the page size asked. One bad item
 * makes the whole page bad: a list with holes must not drive a prune.
 */
export function readSecretPage(body: unknown, asked: { page: number; pageSize: number }): SecretPage {
  const fields = objectAt(body, 'the body')
  const page = countAt(fields.page, 'page')
  const total = countAt(fields.total, 'total')
  const totalPages = countAt(fields.totalPages, 'totalPages')
  if (page !== asked.page) throw new ShapeMismatch(`page is ${page}, not the page asked (${asked.page})`)
  const items = fields.secrets
  if (!Array.isArray(items)) throw new ShapeMismatch(`secrets is ${kindOf(items)}, not an array`)
  if (items.length > asked.pageSize) {
    throw new ShapeMismatch(`secrets holds ${items.length} items, more than the ${asked.pageSize} asked`)
  }
  const secrets = items.map((item: unknown, i) => readSummaryAt(item, `secrets[${i}]`))
  return { page, secrets, total, totalPages }
}

/** A single secret (create, get, update): it must carry the tag asked for. */
export function readSecretSummary(body: unknown, tag: string): SecretSummary {
  const summary = readSummaryAt(body, 'the body')
  if (summary.tag !== tag) throw new ShapeMismatch('tag is not the tag asked')
  return summary
}

/**
 * A single secret that may be another one than asked (a lookup by tag or id):
 * the caller compares the tag.
 */
export function readAnySecretSummary(body: unknown): SecretSummary {
  return readSummaryAt(body, 'the body')
}

function readSummaryAt(value: unknown, where: string): SecretSummary {
  const fields = objectAt(value, where)
  const at = (field: string) => (where === 'the body' ? field : `${where}.${field}`)
  const id = stringAt(fields.id, at('id'))
  if (id === '') throw new ShapeMismatch(`${at('id')} is empty`)
  const tag = stringAt(fields.tag, at('tag'))
  if (!TAG_PATTERN.test(tag)) throw new ShapeMismatch(`${at('tag')} is not a tag (letters, digits, _ and - only)`)
  // `name` is optional; a null is read as absent, as a JSON serialiser writes an unset field.
  const name = fields.name === null || fields.name === undefined ? undefined : stringAt(fields.name, at('name'))
  return { id, tag, ...(name === undefined ? {} : { name }) }
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeMismatch(`${where} is ${kindOf(value)}, not an object`)
  }
  return value as Record<string, unknown>
}

function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ShapeMismatch(`${where} is ${kindOf(value)}, not a string`)
  return value
}

function countAt(value: unknown, where: string): number {
  if (typeof value !== 'number') throw new ShapeMismatch(`${where} is ${kindOf(value)}, not a number`)
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ShapeMismatch(`${where} is ${value}, not a whole number of 0 or more`)
  return value
}

/** What a JSON value is, by kind only. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
