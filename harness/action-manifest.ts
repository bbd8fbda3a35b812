/**
 * Loads action.yml the way the GitHub runner does before it runs a step, and
 * refuses what the runner refuses, so that a manifest a real runner cannot
 * load fails every test that runs the action.
 *
 * Sources (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * - src/Runner.Worker/action_yaml.json: the schema ("action-root"); only
 *   `inputs.<id>.default` ("input-default-context") and `outputs.<id>.value`
 *   ("output-value") may hold expressions, each with its own context list.
 * - src/Runner.Worker/ActionManifestManager.cs, Load / ConvertRuns / ConvertInputs:
 *   `runs.using` must be docker, composite or node12/16/20/24; a node action needs
 *   `runs.main`; any error fails the load with "Failed to load <file>".
 * - src/Sdk/DTObjectTemplating/ObjectTemplating/TemplateReader.cs: every string scalar,
 *   keys included, is read as a template; keys are unique case-insensitively;
 *   a mapping or sequence where a string is expected is an error.
 * - src/Sdk/DTPipelines/Pipelines/ObjectTemplating/YamlObjectReader.cs: YAML anchors
 *   and aliases are not supported.
 * - src/Runner.Worker/Handlers/HandlerFactory.cs: node12 and node16 actions run on node20.
 * - src/Runner.Worker/Handlers/NodeScriptActionHandler.cs: the entry file must exist.
 * - src/Runner.Worker/Handlers/Handler.cs, AddInputsToEnvironment: input `<name>`
 *   reaches the action as `INPUT_<NAME>`, upper-cased, spaces turned into `_`.
 * - src/Runner.Worker/ActionRunner.cs: every declared input not given gets its
 *   default (or ''); an undeclared input only draws a warning.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml'
import { evaluateTemplate, templateScalarError } from './template-expression.ts'

/** action_yaml.json "input-default-context". */
export const INPUT_DEFAULT_CONTEXT = ['github', 'strategy', 'matrix', 'job', 'runner', 'hashFiles(1,255)'] as const
/** action_yaml.json "output-value". */
export const OUTPUT_VALUE_CONTEXT = ['github', 'strategy', 'matrix', 'steps', 'inputs', 'job', 'runner', 'env'] as const

const NODE_VERSIONS = ['node12', 'node16', 'node20', 'node24']

export interface ManifestInput {
  name: string
  description?: string
  /** The default as written: a template, evaluated per run by resolveStepInputs. */
  default?: string
  deprecationMessage?: string
}

export interface ActionManifest {
  file: string
  name?: string
  description?: string
  inputs: ManifestInput[]
  outputs: string[]
  runs: { using: string; main: string; pre?: string; post?: string }
}

export class ActionManifestError extends Error {
  readonly file: string
  /** One line per problem, each naming the field (`inputs.api-key.description`) and its position. */
  readonly problems: string[]

  constructor(file: string, problems: string[]) {
    super([...problems, `Failed to load ${basename(file)}`].join('\n'))
    this.name = 'ActionManifestError'
    this.file = file
    this.problems = problems
  }
}

/** What a slot of the schema accepts: a string (with its expression contexts), a mapping, or anything. */
type Slot =
  | { kind: 'string'; nonEmpty?: boolean; context?: readonly string[] }
  | { kind: 'mapping'; properties: Record<string, Slot>; loose?: Slot }
  | { kind: 'any' }

const ANY: Slot = { kind: 'any' }
const STRING: Slot = { kind: 'string' }
const NON_EMPTY_STRING: Slot = { kind: 'string', nonEmpty: true }

/** action_yaml.json, restricted to node actions (the only kind the emulation runs). */
const ACTION_ROOT: Slot = {
  kind: 'mapping',
  properties: {
    name: STRING,
    description: STRING,
    inputs: {
      kind: 'mapping',
      properties: {},
      loose: {
        kind: 'mapping',
        properties: { default: { kind: 'string', context: INPUT_DEFAULT_CONTEXT } },
        loose: ANY
      }
    },
    outputs: {
      kind: 'mapping',
      properties: {},
      loose: {
        kind: 'mapping',
        properties: { description: STRING, value: { kind: 'string', context: OUTPUT_VALUE_CONTEXT } }
      }
    },
    runs: {
      kind: 'mapping',
      properties: Object.fromEntries(
        ['using', 'main', 'pre', 'pre-if', 'post', 'post-if'].map((key) => [key, NON_EMPTY_STRING])
      )
    }
  },
  loose: ANY
}

/** A scalar's value as the runner's literal tokens turn it into a string. */
function scalarText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}

class ManifestReader {
  readonly problems: string[] = []
  private readonly lines = new LineCounter()
  readonly root: Node | null
  private readonly file: string

  constructor(file: string, text: string) {
    this.file = file
    const doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false, keepSourceTokens: false })
    for (const error of doc.errors) this.problems.push(`${basename(file)}: ${error.message}`)
    this.root = doc.contents as Node | null
  }

  private report(node: Node | null | undefined, path: string, message: string): void {
    const at = node?.range ? this.lines.linePos(node.range[0]) : undefined
    const position = at ? ` (Line: ${at.line}, Col: ${at.col})` : ''
    this.problems.push(`${basename(this.file)}${position} ${path || '<root>'}: ${message}`)
  }

  /** Walks a node against a schema slot, reporting what TemplateReader would. */
  read(node: Node | null | undefined, slot: Slot, path: string): void {
    if (node === null || node === undefined) return
    if (isAlias(node)) return this.report(node, path, 'Unexpected parsing event type: AnchorAlias')
    if ('anchor' in node && node.anchor) {
      this.report(node, path, `Anchors are not currently supported. Remove the anchor '${node.anchor}'`)
    }
    if (isScalar(node)) {
      if (slot.kind === 'mapping') return this.report(node, path, `Unexpected value '${scalarText(node.value)}'`)
      if (typeof node.value === 'string') {
        const error = templateScalarError(node.value, slot.kind === 'string' ? (slot.context ?? []) : [])
        if (error) return this.report(node, path, error)
      }
      if (slot.kind === 'string' && slot.nonEmpty && scalarText(node.value) === '') {
        this.report(node, path, `Unexpected value ''`)
      }
      return
    }
    if (isSeq(node)) {
      if (slot.kind !== 'any') return this.report(node, path, 'A sequence was not expected')
      node.items.forEach((item, i) => this.read(item as Node, ANY, `${path}[${i}]`))
      return
    }
    if (!isMap(node)) return
    if (slot.kind === 'string') return this.report(node, path, 'A mapping was not expected')
    const seen = new Set<string>()
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null
      const key = isScalar(keyNode) ? scalarText(keyNode.value) : ''
      const keyPath = path ? `${path}.${key}` : key
      if (!isScalar(keyNode)) {
        this.report(keyNode, path, 'A mapping key must be a string')
        continue
      }
      const keyError = templateScalarError(key, [])
      if (keyError) {
        this.report(keyNode, keyPath, keyError)
        continue
      }
      if (seen.has(key.toLowerCase())) {
        this.report(keyNode, keyPath, `'${key}' is already defined`)
        continue
      }
      seen.add(key.toLowerCase())
      const valueSlot = slot.kind === 'any' ? ANY : (slot.properties[key] ?? slot.loose)
      if (!valueSlot) {
        this.report(keyNode, keyPath, `Unexpected value '${key}'`)
        continue
      }
      if (key === '') this.report(keyNode, keyPath, `Unexpected value ''`)
      this.read(pair.value as Node | null, valueSlot, keyPath)
    }
  }
}

/** Plain data of the parsed manifest (after read() found no problem). */
function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/** ConvertInputs: `default` and `deprecationMessage` are matched case-insensitively. */
function convertInputs(inputs: Record<string, unknown>): ManifestInput[] {
  return Object.entries(inputs).map(([name, metadata]) => {
    const input: ManifestInput = { name }
    for (const [key, value] of Object.entries(asRecord(metadata))) {
      if (key.toLowerCase() === 'default') input.default = scalarText(value)
      else if (key.toLowerCase() === 'deprecationmessage') input.deprecationMessage = scalarText(value)
      else if (key === 'description') input.description = scalarText(value)
    }
    return input
  })
}

/** ConvertRuns for the `using` values the runner knows; the emulation runs node actions only. */
function convertRuns(
  runs: Record<string, unknown> | undefined,
  file: string,
  problems: string[]
): ActionManifest['runs'] {
  const name = basename(file)
  if (!runs) {
    problems.push(`Top level 'runs:' section is required for ${name}`)
    return { using: '', main: '' }
  }
  const using = runs.using === undefined ? undefined : scalarText(runs.using)
  const main = scalarText(runs.main)
  if (using === undefined) {
    problems.push(
      "Missing 'using' value. 'using' requires 'composite', 'docker', 'node12', 'node16', 'node20' or 'node24'."
    )
  } else if (NODE_VERSIONS.includes(using.toLowerCase())) {
    if (main === '') {
      problems.push(`You are using a JavaScript Action but there is not an entry JavaScript file provided in ${name}.`)
    }
  } else if (['docker', 'composite'].includes(using.toLowerCase())) {
    problems.push(`runner emulation: 'using: ${using}' is valid, but only JavaScript (node) actions are emulated`)
  } else {
    problems.push(`'using: ${using}' is not supported, use 'docker', 'node12', 'node16', 'node20' or 'node24' instead.`)
  }
  const optional = (key: string) => (runs[key] === undefined ? {} : { [key]: scalarText(runs[key]) })
  return { using: using ?? '', main, ...optional('pre'), ...optional('post') }
}

/** Reads and checks an action.yml; throws ActionManifestError naming each offending field. */
export function loadActionManifest(file: string): ActionManifest {
  const reader = new ManifestReader(file, readFileSync(file, 'utf8'))
  if (reader.problems.length === 0) reader.read(reader.root, ACTION_ROOT, '')
  if (reader.problems.length > 0) throw new ActionManifestError(file, reader.problems)

  const data = asRecord(reader.root?.toJSON())
  const problems: string[] = []
  const runs = convertRuns(data.runs === undefined ? undefined : asRecord(data.runs), file, problems)
  if (problems.length > 0) throw new ActionManifestError(file, problems)
  return {
    file,
    ...(data.name === undefined ? {} : { name: scalarText(data.name) }),
    ...(data.description === undefined ? {} : { description: scalarText(data.description) }),
    inputs: convertInputs(asRecord(data.inputs)),
    outputs: Object.keys(asRecord(data.outputs)),
    runs
  }
}

/** The Node version the runner runs the action on (HandlerFactory moves node12/node16 to node20). */
export function runtimeNodeVersion(manifest: ActionManifest): string {
  const using = manifest.runs.using.toLowerCase()
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
  const values = new Map<string, string>()
  const warnings: string[] = []
  const declared = new Map(manifest.inputs.map((input) => [input.name.toLowerCase(), input]))
  for (const [name, value] of Object.entries(given)) {
    values.set(name, value)
    const message = declared.get(name.toLowerCase())?.deprecationMessage
    if (message !== undefined) warnings.push(`Input '${name}' has been deprecated with message: ${message}`)
  }
  const givenNames = new Set(Object.keys(given).map((name) => name.toLowerCase()))
  for (const input of manifest.inputs) {
    if (!givenNames.has(input.name.toLowerCase())) {
      values.set(input.name, input.default === undefined ? '' : evaluateTemplate(input.default, contexts))
    }
  }
  const unexpected = Object.keys(given).filter((name) => !declared.has(name.toLowerCase()))
  if (unexpected.length > 0) {
    const valid = manifest.inputs.map((input) => input.name)
    warnings.push(`Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid.join("', '")}']`)
  }
  return { values, warnings }
}
