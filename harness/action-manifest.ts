/**
 * Loads action.yml with GitHub's own parser, @actions/workflow-parser (parseAction
 * reads it against the action schema, convertActionTemplate turns it into data),
 * so that a manifest GitHub refuses fails every test that runs the action. The
 * package reports `${{ }}` outside `inputs.<id>.default` and `outputs.<id>.value`,
 * an unknown key and an unknown `runs.using`, each with its line and column.
 *
 * What the package leaves to the runner, and this file emulates (actions/runner,
 * commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * - src/Runner.Worker/Handlers/HandlerFactory.cs: node12 and node16 actions run on node20.
 * - src/Runner.Worker/Handlers/NodeScriptActionHandler.cs: the entry file must exist.
 * - src/Runner.Worker/Handlers/Handler.cs, AddInputsToEnvironment: input `<name>`
 *   reaches the action as `INPUT_<NAME>`, upper-cased, spaces turned into `_`.
 * - src/Runner.Worker/ActionRunner.cs: every declared input not given gets its
 *   default (or ''), evaluated here with @actions/expressions; an undeclared input
 *   only draws a warning.
 */
import { existsSync, readFileSync } from 'node:fs'
import module from 'node:module'
import { basename, dirname, join } from 'node:path'
import type { data } from '@actions/expressions'
import type { ActionInputDefinition, ActionRunsNode, ActionTemplate } from '@actions/workflow-parser/actions/index'
import { evaluateExpression } from './expressions.ts'

// The package imports its schemas (*.min.json) without `with { type: 'json' }`, which
// Node refuses (ERR_IMPORT_ATTRIBUTE_MISSING). This hook adds the attribute to those
// imports only; it must be in place before the package loads, hence the dynamic
// imports below. Jest loads modules itself: there, a transform in jest.config.js
// (__tests__/setup/json-import-attribute.js) adds the attribute.
if (!('jest' in import.meta)) {
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context)
      const packageJson = /\/@actions\/workflow-parser\/dist\/[^/]+\.json$/.test(resolved.url)
      if (!packageJson || context.importAttributes.type !== undefined) return resolved
      return { ...resolved, importAttributes: { ...context.importAttributes, type: 'json' } }
    }
  })
}
const { convertActionTemplate, parseAction } = await import('@actions/workflow-parser/actions/index')
const { NoOperationTraceWriter } = await import('@actions/workflow-parser/templates/trace-writer')
const { isBasicExpression } = await import('@actions/workflow-parser/templates/tokens/type-guards')

/** The manifest as the package converts it; only node actions are emulated. */
export type ActionManifest = Omit<ActionTemplate, 'runs'> & { file: string; runs: ActionRunsNode }

export class ActionManifestError extends Error {
  readonly file: string
  /** The package's errors, one a line: `action.yml (Line: 11, Col: 18): Unrecognized named-value: 'secrets'`. */
  readonly problems: string[]

  constructor(file: string, problems: string[]) {
    super([...problems, `Failed to load ${basename(file)}`].join('\n'))
    this.name = 'ActionManifestError'
    this.file = file
    this.problems = problems
  }
}

/** Reads and checks an action.yml; throws ActionManifestError with each problem the package reports. */
export function loadActionManifest(file: string): ActionManifest {
  const content = readFileSync(file, 'utf8')
  const { context, value } = parseAction({ name: basename(file), content }, new NoOperationTraceWriter())
  const problems = context.errors.getErrors().map((error) => error.message)
  if (problems.length > 0 || value === undefined) throw new ActionManifestError(file, problems)
  const { runs, ...template } = convertActionTemplate(context, value)
  if (!runs.using.startsWith('node')) {
    const message = `runner emulation: 'using: ${runs.using}' is valid, but only JavaScript (node) actions are emulated`
    throw new ActionManifestError(file, [message])
  }
  return { ...template, file, runs: runs as ActionRunsNode }
}

/** The Node version the runner runs the action on (HandlerFactory moves node12/node16 to node20). */
export function runtimeNodeVersion(manifest: ActionManifest): string {
  const using = manifest.runs.using
  return using === 'node12' || using === 'node16' ? 'node20' : using
}

/** The entry file, which NodeScriptActionHandler requires to exist ("File not found: '…'"). */
export function entryPoint(manifest: ActionManifest): string {
  const path = join(dirname(manifest.file), manifest.runs.main)
  if (!existsSync(path)) throw new Error(`File not found: '${path}'`)
  return path
}

/** The variable the runner sets for an input: `api-key` → `INPUT_API-KEY`, `my input` → `INPUT_MY_INPUT`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * An input's default for this run: literal text as written; an expression evaluated
 * against the contexts (null → '', booleans and numbers as text, as the runner does).
 * hashFiles() and objects are refused rather than guessed.
 */
function evaluateDefault(
  id: string,
  token: NonNullable<ActionInputDefinition['default']>,
  contexts: Record<string, unknown>
): string {
  if (!isBasicExpression(token)) return token.toString()
  let value: data.ExpressionData
  try {
    value = evaluateExpression(token.expression, contexts)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`runner emulation: cannot evaluate the default of input '${id}', ${token.toString()}: ${reason}`, {
      cause: error
    })
  }
  if (!value.primitive) throw new Error(`runner emulation: the default of input '${id}' is not a string`)
  return value.coerceString()
}

export interface StepInputs {
  /** Input name → value, the given ones first, then the defaults, as ActionRunner merges them. */
  values: Map<string, string>
  /** The warnings ActionRunner writes to the step log. */
  warnings: string[]
}

/**
 * The inputs a step runs with, as ActionRunner builds them: the `with:` values
 * (names case-insensitive), then each declared input's default evaluated
 * against the contexts (or '' without a default).
 */
export function resolveStepInputs(
  manifest: ActionManifest,
  given: Record<string, string>,
  contexts: Record<string, unknown>
): StepInputs {
  const inputs = manifest.inputs ?? []
  const values = new Map<string, string>()
  const warnings: string[] = []
  const declared = new Map(inputs.map((input) => [input.id.toLowerCase(), input]))
  for (const [name, value] of Object.entries(given)) {
    values.set(name, value)
    const message = declared.get(name.toLowerCase())?.deprecationMessage
    if (message !== undefined) warnings.push(`Input '${name}' has been deprecated with message: ${message}`)
  }
  const givenNames = new Set(Object.keys(given).map((name) => name.toLowerCase()))
  for (const input of inputs) {
    if (givenNames.has(input.id.toLowerCase())) continue
    values.set(input.id, input.default ? evaluateDefault(input.id, input.default, contexts) : '')
  }
  const unexpected = Object.keys(given).filter((name) => !declared.has(name.toLowerCase()))
  if (unexpected.length > 0) {
    const valid = inputs.map((input) => input.id)
    warnings.push(`Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid.join("', '")}']`)
  }
  return { values, warnings }
}
