/**
 * The runner emulation loads action.yml with GitHub's parser (@actions/workflow-parser,
 * wrapped by harness/action-manifest.ts) and adds what the runner does beyond it: the
 * INPUT_<NAME> variables, the defaults of inputs not given, and the entry file. The
 * package's own rules are tested here only as far as the action relies on them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  ActionManifestError,
  entryPoint,
  inputVariable,
  loadActionManifest,
  resolveStepInputs,
  runtimeNodeVersion
} from '../../harness/action-manifest.ts'
import { ROOT, runAction } from '../../harness/run-action.ts'

const realManifest = readFileSync(join(ROOT, 'action.yml'), 'utf8')
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Writes a manifest (and an entry file) to a temporary action directory; returns the manifest's path. */
function tempAction(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-test-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'dist'))
  writeFileSync(join(dir, 'dist', 'index.js'), '')
  writeFileSync(join(dir, 'action.yml'), text)
  return join(dir, 'action.yml')
}

/** The real action.yml with one line replaced. */
function realWith(search: string, replacement: string): string {
  expect(realManifest).toContain(search)
  return realManifest.replace(search, replacement)
}

/** The problems the loader reports for a manifest, or [] when it loads. */
function problemsOf(file: string): string[] {
  try {
    loadActionManifest(file)
    return []
  } catch (error) {
    if (!(error instanceof ActionManifestError)) throw error
    return error.problems
  }
}

const minimal = (inputs: string, runs = 'runs:\n  using: node24\n  main: dist/index.js\n') =>
  `name: t\ndescription: t\ninputs:\n${inputs}\n${runs}`
const runsWith = (using: string) => `runs:\n  using: ${using}\n  main: dist/index.js\n`

describe("the package's verdicts", () => {
  it('refuses ${{ secrets.X }} in a description, with its line and column, and "Failed to load"', () => {
    const file = tempAction(
      realWith(
        'Pass it from a GitHub secret,\n',
        'Pass it from a GitHub secret:\n      `${{ secrets.CORTEX_API_KEY }}`,\n'
      )
    )
    expect(problemsOf(file)).toEqual(["action.yml (Line: 11, Col: 18): Unrecognized named-value: 'secrets'"])
    expect(() => loadActionManifest(file)).toThrow(/\nFailed to load action\.yml$/)
  })

  it('refuses an expression outside a default even when it names no context', () => {
    expect(problemsOf(tempAction(minimal("  a:\n    description: ${{ format('x') }}")))).toEqual([
      'action.yml (Line: 5, Col: 18): A template expression is not allowed in this context'
    ])
  })

  it('accepts in a default the contexts a default may use, and nothing else', () => {
    expect(problemsOf(tempAction(minimal('  a:\n    default: ${{ github.token }}')))).toEqual([])
    expect(problemsOf(tempAction(minimal('  a:\n    default: ${{ secrets.X }}')))).toEqual([
      "action.yml (Line: 5, Col: 14): Unrecognized named-value: 'secrets'"
    ])
  })

  it('refuses unknown keys, at the top level and in runs', () => {
    expect(problemsOf(tempAction(`x-notes: hi\n${minimal('  a: {}')}`))).toEqual([
      "action.yml (Line: 1, Col: 1): Unexpected value 'x-notes'"
    ])
    expect(problemsOf(tempAction(minimal('  a: {}', 'runs:\n  using: node24\n  main: x.js\n  mian: x.js\n')))).toEqual([
      "action.yml (Line: 8, Col: 3): Unexpected value 'mian'"
    ])
  })

  it('refuses a runs.using GitHub does not know', () => {
    expect(problemsOf(tempAction(minimal('  a: {}', runsWith('node18'))))).toEqual([
      "action.yml (Line: 6, Col: 10): Unexpected value 'node18'"
    ])
  })
})

describe('what the wrapper adds', () => {
  it('runs node12/node16 actions on node20, and refuses to emulate docker and composite actions', () => {
    expect(runtimeNodeVersion(loadActionManifest(tempAction(minimal('  a: {}', runsWith('node24')))))).toBe('node24')
    expect(runtimeNodeVersion(loadActionManifest(tempAction(minimal('  a: {}', runsWith('node16')))))).toBe('node20')
    expect(runtimeNodeVersion(loadActionManifest(tempAction(minimal('  a: {}', runsWith('node12')))))).toBe('node20')
    expect(problemsOf(tempAction(minimal('  a: {}', 'runs:\n  using: docker\n  image: Dockerfile\n')))).toEqual([
      "runner emulation: 'using: docker' is valid, but only JavaScript (node) actions are emulated"
    ])
  })

  it('finds the entry file next to action.yml, and fails when it does not exist', () => {
    const file = tempAction(minimal('  a: {}'))
    expect(entryPoint(loadActionManifest(file))).toBe(join(file, '..', 'dist', 'index.js'))
    const missing = loadActionManifest(tempAction(minimal('  a: {}', 'runs:\n  using: node24\n  main: dist/main.js\n')))
    expect(() => entryPoint(missing)).toThrow(/^File not found: '.*dist\/main\.js'$/)
  })

  it('names input variables INPUT_<NAME>: upper-cased, spaces as _, hyphens kept', () => {
    expect(inputVariable('api-key')).toBe('INPUT_API-KEY')
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT')
    expect(inputVariable('dry-run')).toBe('INPUT_DRY-RUN')
  })

  it('gives every declared input its default or an empty string, and warns about undeclared ones', () => {
    const manifest = loadActionManifest(
      tempAction(
        minimal("  a:\n    default: x\n  b:\n    description: no default\n  c:\n    default: '5'\n  d:\n    default: 5")
      )
    )
    const resolved = resolveStepInputs(manifest, { A: 'given', typo: 'y' }, {})
    expect(resolved.values).toEqual(
      new Map([
        ['A', 'given'],
        ['typo', 'y'],
        ['b', ''],
        ['c', '5'],
        ['d', '5']
      ])
    )
    expect(resolved.warnings).toEqual(["Unexpected input(s) 'typo', valid inputs are ['a', 'b', 'c', 'd']"])
  })

  it('warns when a deprecated input is given', () => {
    const manifest = loadActionManifest(tempAction(minimal('  old:\n    deprecationMessage: use new')))
    expect(resolveStepInputs(manifest, { old: 'x' }, {}).warnings).toEqual([
      "Input 'old' has been deprecated with message: use new"
    ])
  })

  it('evaluates a default expression per run against the contexts, names case-insensitive', () => {
    const manifest = loadActionManifest(
      tempAction(
        minimal(
          [
            '  token:\n    default: ${{ github.token }}',
            '  repo:\n    default: at ${{ GitHub.Repository }}!',
            '  flag:\n    default: ${{ runner.debug == 1 }}',
            '  none:\n    default: ${{ github.missing }}'
          ].join('\n')
        )
      )
    )
    const contexts = { github: { token: 'ghs_x', repository: 'acme/payments' }, runner: { debug: '1' } }
    expect(resolveStepInputs(manifest, {}, contexts).values).toEqual(
      new Map([
        ['token', 'ghs_x'],
        ['repo', 'at acme/payments!'],
        ['flag', 'true'],
        ['none', '']
      ])
    )
  })

  it('refuses to guess a default it cannot evaluate: hashFiles() or an object', () => {
    const hashFiles = loadActionManifest(tempAction(minimal("  a:\n    default: ${{ hashFiles('**/x') }}")))
    expect(() => resolveStepInputs(hashFiles, {}, { github: {} })).toThrow(
      /^runner emulation: cannot evaluate the default of input 'a'/
    )
    const object = loadActionManifest(tempAction(minimal('  a:\n    default: ${{ github }}')))
    expect(() => resolveStepInputs(object, {}, { github: {} })).toThrow(
      "runner emulation: the default of input 'a' is not a string"
    )
  })
})

describe('runAction', () => {
  it('loads the manifest on every run, refusing a bad one before the action starts', async () => {
    const file = tempAction(realWith('e.g. secrets.CORTEX_API_KEY', '`${{ secrets.CORTEX_API_KEY }}`'))
    const actionDir = join(file, '..')
    await expect(runAction({ inputs: {}, actionDir })).rejects.toThrow("Unrecognized named-value: 'secrets'")
  })
})
