/**
 * Checks recorded exchanges against the vendor's OpenAPI text, so that the
 * stand-in cannot drift from the contract and the action cannot send what
 * the contract does not describe.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import type { RecordedRequest } from './cortex-stand-in.ts'
import { ROOT } from './run-action.ts'

interface Schema {
  $ref?: string
  [key: string]: unknown
}
interface Parameter {
  name: string
  in: string
  required?: boolean
  schema: Schema
}
interface ResponseSpec {
  $ref?: string
  content?: Record<string, { schema: Schema }>
}
interface Operation {
  operationId: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, ResponseSpec>
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Schema>; responses: Record<string, ResponseSpec> }
}

export const OPENAPI_PATH = join(ROOT, '__tests__', 'fixtures', 'cortex-secrets-openapi.json')

export class OpenApiContract {
  readonly spec: OpenApi
  readonly #ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true })
  readonly #validators = new Map<string, ValidateFunction>()

  constructor(path = OPENAPI_PATH) {
    this.spec = JSON.parse(readFileSync(path, 'utf8')) as OpenApi
    // Request bodies are checked strictly: a field the contract does not name
    // (a typo such as `value` for `secret`) is an error, not ignored.
    const strictRequests = structuredClone(this.spec.components)
    for (const name of ['CreateSecretRequest', 'UpdateSecretRequest']) {
      const schema = strictRequests.schemas[name]
      if (schema) schema.additionalProperties = false
    }
    this.#ajv.addSchema({ $id: 'cortex', components: strictRequests })
  }

  /** The operation a method and path belong to, with its path parameters. */
  match(method: string, path: string): { template: string; operation: Operation } | undefined {
    for (const [template, operations] of Object.entries(this.spec.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`)
      const operation = operations[method.toLowerCase()]
      if (pattern.test(path) && operation) return { template, operation }
    }
    return undefined
  }

  /** What the client sent that the contract does not allow. */
  requestProblems(r: RecordedRequest): string[] {
    const found = this.match(r.method, r.path)
    if (!found) return [`${r.method} ${r.path}: no such operation`]
    const { operation } = found
    const problems: string[] = []
    const where = `${operation.operationId}`
    for (const p of operation.parameters ?? []) {
      if (p.in !== 'query') continue
      const value = r.query[p.name]
      if (value === undefined) {
        if (p.required) problems.push(`${where}: required query parameter ${p.name} missing`)
      } else if (p.schema.type === 'integer' && !/^-?\d+$/.test(value)) {
        problems.push(`${where}: query parameter ${p.name} is not an integer`)
      }
    }
    const known = new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name))
    for (const name of Object.keys(r.query))
      if (!known.has(name)) problems.push(`${where}: unknown query parameter ${name}`)

    const bodySpec = operation.requestBody?.content['application/json']
    if (bodySpec) {
      if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) {
        problems.push(`${where}: Content-Type is not application/json`)
      }
      problems.push(...this.#validate(bodySpec.schema, r.rawBody, `${where} request body`))
    } else if (r.rawBody !== '') {
      problems.push(`${where}: a body was sent to an operation that takes none`)
    }
    return problems
  }

  /** What the server answered that the contract does not describe. */
  responseProblems(r: RecordedRequest): string[] {
    const found = this.match(r.method, r.path)
    if (!found) return [`${r.method} ${r.path}: no such operation`]
    const { operation } = found
    const where = `${operation.operationId} ${r.status}`
    let response = operation.responses[String(r.status)]
    if (!response) return [`${where}: status not documented`]
    if (response.$ref) response = this.spec.components.responses[response.$ref.split('/').pop() ?? '']
    const content = response?.content
    if (!content) return r.responseBody === '' ? [] : [`${where}: a body where the contract documents none`]
    const type = (r.responseContentType ?? '').split(';')[0] ?? ''
    const media = content[type]
    if (!media) return [`${where}: content type ${type || '(none)'} not documented`]
    return this.#validate(media.schema, r.responseBody, `${where} body`)
  }

  #validate(schema: Schema, text: string, where: string): string[] {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      return [`${where}: not JSON`]
    }
    const ref = schema.$ref ? `cortex${schema.$ref}` : undefined
    if (!ref) return []
    let validate = this.#validators.get(ref)
    if (!validate) {
      validate = this.#ajv.compile({ $ref: ref })
      this.#validators.set(ref, validate)
    }
    if (validate(data)) return []
    return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
  }
}
