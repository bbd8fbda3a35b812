/**
 * The runner emulation loads action.yml as the GitHub runner does and refuses
 * what the runner refuses (harness/action-manifest.ts), so that every test
 * running the action fails on a manifest that fails "Set up job" on GitHub.
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

/** The problems the loader reports for a manifest (each naming its field), or [] when it loads. */
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

describe('expressions in action.yml', () => {
  it('refuses ${{ secrets.X }} in a description, naming the field, as the runner fails "Set up job"', () => {
    const file = tempAction(
      realWith(
        'Pass it from a GitHub secret,\n',
        'Pass it from a GitHub secret:\n      `${{ secrets.CORTEX_API_KEY }}`,\n'
      )
    )
    expect(() => loadActionManifest(file)).toThrow(ActionManifestError)
    expect(problemsOf(file)).toEqual([
      "action.yml (Line: 11, Col: 18) inputs.api-key.description: Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.CORTEX_API_KEY"
    ])
    expect(() => loadActionManifest(file)).toThrow(/\nFailed to load action\.yml$/)
  })

  it('refuses every context in a description, even one a default may use', () => {
    const file = tempAction(minimal('  a:\n    description: the ${{ github.token }} of the run'))
    expect(problemsOf(file)).toEqual([
      expect.stringMatching(
        /^action\.yml \(Line: 5, Col: 18\) inputs\.a\.description: Unrecognized named-value: 'github'\./
      )
    ])
  })

  it("refuses an expression without a context outside a default, but reads ${{ '…' }} as literal text", () => {
    expect(problemsOf(tempAction(minimal("  a:\n    description: ${{ format('x') }}")))).toEqual([
      'action.yml (Line: 5, Col: 18) inputs.a.description: A template expression is not allowed in this context'
    ])
    expect(problemsOf(tempAction(minimal('  a:\n    description: "${{ \'write ${{ x }} like this\' }}"')))).toEqual([])
  })

  it('refuses an unclosed ${{ anywhere, keys and unknown top-level fields included', () => {
    expect(problemsOf(tempAction(minimal('  a:\n    description: see ${{ here')))).toEqual([
      expect.stringContaining('inputs.a.description: The expression is not closed.')
    ])
    expect(problemsOf(tempAction(`x-notes: \${{ github.sha }}\n${minimal('  a: {}')}`))).toEqual([
      expect.stringContaining("x-notes: Unrecognized named-value: 'github'")
    ])
  })

  it('accepts ${{ github.token }} in a default and evaluates it per run', () => {
    const file = tempAction(minimal('  token:\n    description: t\n    default: ${{ github.token }}'))
    const manifest = loadActionManifest(file)
    expect(manifest.inputs).toEqual([{ name: 'token', description: 't', default: '${{ github.token }}' }])
    const contexts = { github: { token: 'ghs_x', repository: 'acme/payments' } }
    expect(resolveStepInputs(manifest, {}, contexts).values).toEqual(new Map([['token', 'ghs_x']]))
  })

  it('accepts in a default exactly the contexts of action_yaml.json "input-default-context"', () => {
    for (const expression of ['github.repository', 'runner.temp', 'job.status', 'strategy.job-index', 'matrix.os']) {
      const file = tempAction(minimal(`  a:\n    default: \${{ ${expression} }}`))
      expect([expression, problemsOf(file)]).toEqual([expression, []])
    }
    expect(problemsOf(tempAction(minimal("  a:\n    default: ${{ hashFiles('**/x') }}")))).toEqual([])
  })

  it('refuses ${{ secrets.X }}, ${{ env.X }}, ${{ inputs.X }} and ${{ vars.X }} in a default', () => {
    for (const name of ['secrets', 'env', 'inputs', 'vars']) {
      const file = tempAction(minimal(`  a:\n    default: \${{ ${name}.X }}`))
      expect(problemsOf(file)).toEqual([
        `action.yml (Line: 5, Col: 14) inputs.a.default: Unrecognized named-value: '${name}'. Located at position 1 within expression: ${name}.X`
      ])
    }
    expect(problemsOf(tempAction(minimal("  a:\n    default: ${{ fromJSON('1') && toJSON(github) }}")))).toEqual([])
    expect(problemsOf(tempAction(minimal("  a:\n    default: ${{ github.x || readFile('y') }}")))).toEqual([
      expect.stringContaining(
        "Unrecognized function: 'readFile'. Located at position 13 within expression: github.x || readFile('y')"
      )
    ])
  })

  it('lets an output value use the contexts of "output-value"', () => {
    const outputs = 'outputs:\n  o:\n    description: d\n    value: ${{ steps.s.outputs.x }}\n'
    expect(problemsOf(tempAction(`${minimal('  a: {}')}${outputs}`))).toEqual([])
    expect(problemsOf(tempAction(`${minimal('  a: {}')}${outputs.replace('steps', 'secrets')}`))).toEqual([
      expect.stringContaining("outputs.o.value: Unrecognized named-value: 'secrets'")
    ])
  })
})

describe('other load rules of the runner', () => {
  it('knows node12, node16, node20 and node24, and runs node12/node16 actions on node20', () => {
    const runs = (using: string) => `runs:\n  using: ${using}\n  main: dist/index.js\n`
    expect(runtimeNodeVersion(loadActionManifest(tempAction(minimal('  a: {}', runs('node24')))))).toBe('node24')
    expect(runtimeNodeVersion(loadActionManifest(tempAction(minimal('  a: {}', runs('node16')))))).toBe('node20')
    expect(problemsOf(tempAction(minimal('  a: {}', runs('node18'))))).toEqual([
      "'using: node18' is not supported, use 'docker', 'node12', 'node16', 'node20' or 'node24' instead."
    ])
  })

  it('requires runs, runs.using and, for node, runs.main; and the entry file to exist', () => {
    expect(problemsOf(tempAction('name: t\n'))).toEqual(["Top level 'runs:' section is required for action.yml"])
    expect(problemsOf(tempAction(minimal('  a: {}', 'runs:\n  main: dist/index.js\n')))).toEqual([
      "Missing 'using' value. 'using' requires 'composite', 'docker', 'node12', 'node16', 'node20' or 'node24'."
    ])
    expect(problemsOf(tempAction(minimal('  a: {}', 'runs:\n  using: node24\n')))).toEqual([
      'You are using a JavaScript Action but there is not an entry JavaScript file provided in action.yml.'
    ])
    const manifest = loadActionManifest(
      tempAction(minimal('  a: {}', 'runs:\n  using: node24\n  main: dist/main.js\n'))
    )
    expect(() => entryPoint(manifest)).toThrow(/^File not found: '.*dist\/main\.js'$/)
  })

  it('refuses keys that differ only in case, unknown keys of runs and outputs, and YAML anchors', () => {
    expect(problemsOf(tempAction(minimal('  token: {}\n  TOKEN: {}')))).toEqual([
      expect.stringContaining("inputs.TOKEN: 'TOKEN' is already defined")
    ])
    expect(problemsOf(tempAction(minimal('  a: {}', 'runs:\n  using: node24\n  main: x.js\n  mian: x.js\n')))).toEqual([
      expect.stringContaining("runs.mian: Unexpected value 'mian'")
    ])
    expect(problemsOf(tempAction(minimal('  a: &shared\n    description: d\n  b: *shared')))).toEqual([
      expect.stringContaining("inputs.a: Anchors are not currently supported. Remove the anchor 'shared'"),
      expect.stringContaining('inputs.b: Unexpected parsing event type: AnchorAlias')
    ])
  })

  it('names input variables INPUT_<NAME>: upper-cased, spaces as _, hyphens kept', () => {
    expect(inputVariable('api-key')).toBe('INPUT_API-KEY')
    expect(inputVariable('my input')).toBe('INPUT_MY_INPUT')
    expect(inputVariable('dry-run')).toBe('INPUT_DRY-RUN')
  })

  it('gives every declared input its default or an empty string, and warns about undeclared ones', () => {
    const manifest = loadActionManifest(
      tempAction(minimal("  a:\n    default: x\n  b:\n    description: no default\n  c:\n    default: '5'"))
    )
    const resolved = resolveStepInputs(manifest, { A: 'given', typo: 'y' }, {})
    expect(resolved.values).toEqual(
      new Map([
        ['A', 'given'],
        ['typo', 'y'],
        ['b', ''],
        ['c', '5']
      ])
    )
    expect(resolved.warnings).toEqual(["Unexpected input(s) 'typo', valid inputs are ['a', 'b', 'c']"])
  })
})

describe('runAction', () => {
  it('loads the manifest on every run, refusing a bad one before the action starts', async () => {
    const file = tempAction(realWith('e.g. secrets.CORTEX_API_KEY', '`${{ secrets.CORTEX_API_KEY }}`'))
    const actionDir = join(file, '..')
    await expect(runAction({ inputs: {}, actionDir })).rejects.toThrow(
      "inputs.api-key.description: Unrecognized named-value: 'secrets'"
    )
  })
})
