import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { InputError } from './input-error.ts'
import { nameKey } from './key-text.ts'
import { describeYamlProblem } from './yaml-problems.ts'
import type { SecretEntry, SecretFields } from './secret-spec.ts'

const OBJECT_KEYS = new Set(['value', 'env', 'name'])

/**
 * Parses a YAML (or JSON) mapping of keys (Cortex tags, or keys `select` picks
 * and renames) to secrets. The mapping's shape is checked here; each entry's
 * value is read only when the run pushes it (SecretEntry.read).
 *
 * The failsafe schema keeps every scalar as the text written (`007`, `true`,
 * `~` stay those characters). Nothing from the input is ever quoted in an
 * error, except tags that are valid tags: the text holds secret values.
 */
export function parseSecretsMapping(text: string, input: string): SecretEntry[] {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter
  })
  const where: Where = (node) => {
    const offset = node?.range?.[0] ?? 0
    const { line, col } = lineCounter.linePos(offset)
    return `line ${line}, column ${col}`
  }

  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) {
    const { line, col } = lineCounter.linePos(problem.pos[0])
    throw new InputError(
      `Input "${input}" is not valid YAML or JSON: ${describeYamlProblem(problem.code)} at line ${line}, column ${col} ` +
        '(the text is not shown because it holds secret values).'
    )
  }

  const root = doc.contents
  if (root === null || (isScalar(root) && root.value === '')) return []
  if (!isMap(root)) {
    throw new InputError(`Input "${input}" must be a mapping of Cortex tags to secrets (${where(root)}).`)
  }

  const entries: SecretEntry[] = []
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null
    const at = where(keyNode)
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      throw new InputError(`Input "${input}", ${at}: the key is not text; a key is a Cortex tag.`)
    }
    const valueNode = pair.value as Node | null
    entries.push({
      key: keyNode.value,
      origin: `${input} line ${lineCounter.linePos(keyNode.range?.[0] ?? 0).line}`,
      keyOrigin: `Input "${input}", ${at}`,
      read: (tag, origin) => readSecretNode(valueNode, tag, origin, where)
    })
  }
  return entries
}

type Where = (node: { range?: [number, number, number] | null } | null | undefined) => string

function readSecretNode(node: Node | null, tag: string, origin: string, where: Where): SecretFields {
  if (node === null) return { value: '' }
  if (isScalar(node)) return { value: scalarText(node, tag, origin, 'value') }
  if (isMap(node)) {
    const fields: Record<string, string> = {}
    for (const pair of node.items) {
      const key = pair.key as Node | null
      const field = isScalar(key) && typeof key.value === 'string' ? key.value : ''
      if (!OBJECT_KEYS.has(field)) {
        throw new InputError(
          `Tag "${tag}" (${origin}): unknown key ${nameKey(field)} at ${where(key)} in the object form; ` +
            'expected "value" or "env", and optionally "name".'
        )
      }
      if (field in fields) throw new InputError(`Tag "${tag}" (${origin}): "${field}" is given twice.`)
      const value = pair.value as Node | null
      if (value !== null && !isScalar(value)) {
        throw new InputError(`Tag "${tag}" (${origin}): "${field}" must be a string.`)
      }
      fields[field] = value === null ? '' : scalarText(value, tag, origin, field)
    }
    if ('value' in fields === 'env' in fields) {
      throw new InputError(`Tag "${tag}" (${origin}): give exactly one of "value" and "env".`)
    }
    if ('name' in fields && fields.name === '') {
      throw new InputError(`Tag "${tag}" (${origin}): "name" is empty; leave it out to use the tag as the name.`)
    }
    return fields
  }
  const kind = isSeq(node) ? 'a list' : isAlias(node) ? 'an alias (*)' : 'not text'
  throw new InputError(
    `Tag "${tag}" (${origin}): the value is ${kind}; a secret is a string or an object with "value" or "env". ` +
      'If the value comes from an expression, use `env:` or toJSON(...).'
  )
}

function scalarText(node: Node, tag: string, origin: string, field: string): string {
  // An expression value starting with `!` or `&` is read by YAML as a tag or an
  // anchor and silently loses its first characters: refuse it instead.
  if (node.tag !== undefined || node.anchor !== undefined) {
    throw new InputError(
      `Tag "${tag}" (${origin}): "${field}" starts with a YAML tag (!) or anchor (&), which would change the value. ` +
        'Use `env:` or toJSON(...) for this secret.'
    )
  }
  if (!isScalar(node) || typeof node.value !== 'string') {
    throw new InputError(`Tag "${tag}" (${origin}): "${field}" must be a string.`)
  }
  return node.value
}
