/**
 * action.yml itself, the README's tables and examples, and the workflows:
 * what the Marketplace and users read must match what the code does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { ActionManifestError, entryPoint, loadActionManifest } from '../../harness/action-manifest.ts'
import { ROOT } from '../../harness/run-action.ts'
import { OUTCOMES } from '../../src/domain/secret.ts'
import { DEFAULT_TAG_CASE, TAG_CASES } from '../../src/inputs/select.ts'
import { DEFAULTS, readInputs } from '../../src/inputs/settings.ts'

interface ActionInput {
  description?: string
  required?: boolean
  default?: string
}
interface ActionYml {
  name: string
  description: string
  branding?: { icon?: string; color?: string }
  inputs: Record<string, ActionInput>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
}
interface Step {
  uses?: string
  with?: Record<string, unknown>
}
interface Workflow {
  permissions?: Record<string, string>
  jobs: Record<string, { permissions?: Record<string, string>; steps?: Step[] }>
}

const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const workflowDir = join(ROOT, '.github', 'workflows')
const workflows = Object.fromEntries(
  readdirSync(workflowDir).map((f) => [f, parseYaml(readFileSync(join(workflowDir, f), 'utf8')) as Workflow])
)

/** The input names readInputs asks for when every branch is taken. */
function inputsReadBySource(): string[] {
  const read = new Set<string>()
  const inputs: Record<string, string> = {
    'api-key': 'k',
    secrets: 'a: 1',
    'secrets-file': 'more.env',
    prune: 'true',
    'prune-match': '*'
  }
  readInputs({
    getInput: (name) => (read.add(name), inputs[name] ?? ''),
    env: {},
    readFile: () => 'B=2\n',
    maskValue: () => undefined
  })
  return [...read].sort()
}

/** Rows of the first Markdown table after a heading: the first cells, unquoted. */
function tableAfter(heading: string): string[][] {
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start).toBeGreaterThan(-1)
  const lines = readme.slice(start).split('\n')
  const first = lines.findIndex((l) => l.startsWith('|'))
  const rows: string[][] = []
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim().replace(/^`(.*)`$/, '$1'))
    )
  }
  return rows
}

/** Every step of the README's YAML examples and of the workflows that runs this action. */
function stepsUsingThisAction(): Array<[string, Step]> {
  const found: Array<[string, Step]> = []
  const visit = (where: string, doc: unknown): void => {
    const jobs = (doc as Workflow | undefined)?.jobs ?? {}
    for (const job of Object.values(jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses === './' || step.uses?.includes('/cortex-secrets-action@')) found.push([where, step])
      }
    }
  }
  for (const [name, workflow] of Object.entries(workflows)) visit(name, workflow)
  for (const [i, block] of [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].entries()) {
    visit(`README example ${i + 1}`, parseYaml(block[1] ?? ''))
  }
  return found
}

/** The problems the runner emulation finds loading action.yml, each naming its field; [] when it loads. */
function manifestProblems(): string[] {
  try {
    loadActionManifest(join(ROOT, 'action.yml'))
    return []
  } catch (error) {
    if (error instanceof ActionManifestError) return error.problems
    throw error
  }
}

describe('action.yml', () => {
  it('loads as the GitHub runner loads it (no ${{ }} outside an input default, known runs.using)', () => {
    expect(manifestProblems()).toEqual([])
  })

  it('runs dist/index.js on node24 and has branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(existsSync(entryPoint(loadActionManifest(join(ROOT, 'action.yml'))))).toBe(true)
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
    expect(action.description.length).toBeLessThanOrEqual(125)
  })

  it('describes every input and output', () => {
    for (const [name, input] of Object.entries(action.inputs))
      expect([name, (input.description ?? '').length > 20]).toEqual([name, true])
    for (const [name, output] of Object.entries(action.outputs))
      expect([name, (output.description ?? '').length > 20]).toEqual([name, true])
  })

  it('declares exactly the inputs src/ reads', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(inputsReadBySource())
  })

  it('states the defaults src/ applies', () => {
    expect(action.inputs['api-url']?.default).toBe(DEFAULTS.apiUrl)
    expect(action.inputs['max-retries']?.default).toBe(String(DEFAULTS.maxRetries))
    expect(action.inputs['timeout-seconds']?.default).toBe(String(DEFAULTS.timeoutSeconds))
    expect(action.inputs.concurrency?.default).toBe(String(DEFAULTS.concurrency))
    expect(action.inputs['rate-limit']?.default).toBe(String(DEFAULTS.rateLimitPerMinute))
    expect(action.inputs.prune?.default).toBe('false')
    expect(action.inputs['dry-run']?.default).toBe('false')
    // select, strip-prefix and tag-case are a contract workflows are written against (issue 12).
    expect(action.inputs.select?.default).toBe('')
    expect(action.inputs['strip-prefix']?.default).toBe('')
    expect(action.inputs['tag-case']?.default).toBe(DEFAULT_TAG_CASE)
    expect(TAG_CASES).toEqual(['as-is', 'lower'])
    expect(
      Object.entries(action.inputs)
        .filter(([, i]) => i.required)
        .map(([n]) => n)
    ).toEqual(['api-key'])
  })

  it('declares exactly the outputs the action sets', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTCOMES].sort())
  })
})

describe('README', () => {
  it('inputs table matches action.yml: names, required, defaults', () => {
    const rows = tableAfter('## Inputs')
    expect(rows.map((r) => r[0])).toEqual(Object.keys(action.inputs))
    for (const [name, required, fallback] of rows) {
      const input = action.inputs[name as string]
      expect([name, required]).toEqual([name, input?.required ? 'yes' : 'no'])
      expect([name, fallback]).toEqual([
        name,
        input?.default === undefined ? '' : input.default === '' ? "''" : input.default
      ])
    }
  })

  it('outputs table matches action.yml', () => {
    expect(tableAfter('## Outputs').map((r) => r[0])).toEqual(Object.keys(action.outputs))
  })

  it('shows the two set-up commands', () => {
    expect(readme).toMatch(/```sh\nnpm ci\nnpm test\n```/)
  })
})

describe('workflows and examples', () => {
  it('use only the inputs the action declares, and always give api-key', () => {
    const steps = stepsUsingThisAction()
    expect(steps.length).toBeGreaterThanOrEqual(5)
    for (const [where, step] of steps) {
      const given = Object.keys(step.with ?? {})
      expect([where, given.filter((name) => !(name in action.inputs))]).toEqual([where, []])
      expect([where, given.includes('api-key')]).toEqual([where, true])
    }
  })

  it('queue rather than cancel: every README workflow that prunes or runs on release is in a concurrency group (issue 17, item 5)', () => {
    const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(
      (block) => parseYaml(block[1] ?? '') as Workflow
    )
    const overlapping = examples.filter((doc) => {
      const on = (doc as { on?: Record<string, unknown> }).on
      const prunes = Object.values(doc.jobs ?? {}).some((job) =>
        job.steps?.some((step) => String(step.with?.prune) === 'true')
      )
      return on !== undefined && (on.release !== undefined || prunes)
    })
    expect(overlapping.length).toBeGreaterThanOrEqual(3)
    for (const doc of overlapping) {
      expect((doc as { concurrency?: unknown }).concurrency).toEqual({
        group: expect.any(String),
        'cancel-in-progress': false
      })
    }
  })

  it('read the repository at most, but where a job names what it writes: CodeQL its results, the release its tags', () => {
    const granted: Record<string, Record<string, string> | undefined> = {}
    for (const [name, workflow] of Object.entries(workflows)) {
      granted[name] = workflow.permissions
      for (const [id, job] of Object.entries(workflow.jobs)) {
        if (job.permissions) granted[`${name} ${id}`] = job.permissions
      }
    }
    expect(granted).toEqual({
      'ci.yml': { contents: 'read' },
      'codeql.yml': { contents: 'read' },
      'codeql.yml analyze': { contents: 'read', actions: 'read', 'security-events': 'write' },
      'release.yml': {},
      'release.yml release': { contents: 'write' }
    })
  })

  it('pin third-party actions to a full commit SHA with its version in a comment, the same in every workflow', () => {
    const pins = new Map<string, string>()
    for (const file of Object.keys(workflows)) {
      const text = readFileSync(join(workflowDir, file), 'utf8')
      for (const [, action, pin] of text.matchAll(/uses: ([^@\s]+)@(.*)$/gm)) {
        expect([file, action, pin]).toEqual([file, action, expect.stringMatching(/^[0-9a-f]{40} # v\d+(\.\d+)*$/)])
        expect([file, action, pin]).toEqual([file, action, pins.get(action as string) ?? pin])
        pins.set(action as string, pin as string)
      }
    }
    expect(pins.size).toBeGreaterThanOrEqual(3)
  })
})
