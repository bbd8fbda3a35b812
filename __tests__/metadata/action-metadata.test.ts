/**
 * action.yml itself, the README's tables, the workflow examples of every guide, the workflows,
 * and the Node version: what the Marketplace and users read must match what the code does.
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
import { ACTION_NODE_MAJOR } from '../../harness/node24.ts'
import { ACTION_NODE_MAJOR as SETUP_NODE_MAJOR } from '../setup/global-setup.ts'
import { codeBlocks, links } from '../support/markdown.ts'

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
  run?: string
  with?: Record<string, unknown>
}
interface Workflow {
  permissions?: Record<string, string>
  jobs: Record<string, { permissions?: Record<string, string>; needs?: string; steps?: Step[] }>
}

const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const contributing = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8')
/** The Markdown files users and contributors read workflows in: the README, docs/, CONTRIBUTING.md. */
const guides: Record<string, string> = Object.fromEntries(
  ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`), 'CONTRIBUTING.md']
    .filter((file) => file.endsWith('.md'))
    .map((file) => [file, readFileSync(join(ROOT, file), 'utf8')])
)
/** Every YAML block of the guides, parsed, named by file and line. */
const examples: Array<[string, unknown]> = Object.entries(guides).flatMap(([file, text]) =>
  codeBlocks(text, 'yaml').map((block): [string, unknown] => [`${file}:${block.line}`, parseYaml(block.content)])
)
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

/**
 * Every step that runs this action in the workflows and in the guides' YAML examples: a
 * workflow (`jobs:`), or a list of steps.
 */
function stepsUsingThisAction(): Array<[string, Step]> {
  const found: Array<[string, Step]> = []
  const visit = (where: string, doc: unknown): void => {
    const steps = Array.isArray(doc)
      ? (doc as Step[])
      : Object.values((doc as Workflow | undefined)?.jobs ?? {}).flatMap((job) => job.steps ?? [])
    for (const step of steps) {
      if (step.uses === './' || step.uses?.includes('/cortex-secrets-action@')) found.push([where, step])
    }
  }
  for (const [name, workflow] of Object.entries(workflows)) visit(name, workflow)
  for (const [where, doc] of examples) visit(where, doc)
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

describe('the Node version', () => {
  // One version for the action and its development; CONTRIBUTING.md (Node versions) says why.
  it('is the same major everywhere: action.yml, .node-version, engines, the node and @types/node dev dependencies, the harness', () => {
    const major = Number(/^node(\d+)$/.exec(action.runs.using)?.[1])
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string }
      devDependencies: Record<string, string>
    }
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string }; version?: string }>
    }
    const majorOf = (range: string | undefined) => Number(/^[\^~]?(\d+)\./.exec(range ?? '')?.[1])
    expect({
      '.node-version': readFileSync(join(ROOT, '.node-version'), 'utf8'),
      engines: pkg.engines.node,
      'package-lock engines': lock.packages['']?.engines?.node,
      node: majorOf(pkg.devDependencies.node),
      'node installed': majorOf(lock.packages['node_modules/node']?.version),
      '@types/node': majorOf(pkg.devDependencies['@types/node']),
      'harness/node24.ts': ACTION_NODE_MAJOR,
      '__tests__/setup/global-setup.ts': SETUP_NODE_MAJOR
    }).toEqual({
      '.node-version': `${major}\n`,
      engines: `>=${major}`,
      'package-lock engines': `>=${major}`,
      node: major,
      'node installed': major,
      '@types/node': major,
      'harness/node24.ts': major,
      '__tests__/setup/global-setup.ts': major
    })
  })

  it('is the one CI sets up: every setup-node step reads .node-version', () => {
    const setups = Object.entries(workflows).flatMap(([name, workflow]) =>
      Object.values(workflow.jobs).flatMap((job) =>
        (job.steps ?? [])
          .filter((step) => step.uses?.startsWith('actions/setup-node@'))
          .map((step) => [name, step.with])
      )
    )
    expect(setups.length).toBeGreaterThan(0)
    for (const [name, given] of setups) {
      expect([name, given]).toEqual([name, expect.objectContaining({ 'node-version-file': '.node-version' })])
      expect([name, given]).not.toEqual([name, expect.objectContaining({ 'node-version': expect.anything() })])
    }
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

  it('is at most 15 KiB, and sends contributors to CONTRIBUTING.md, whose set-up is the two commands', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024)
    expect(links(readme).map((link) => link.target)).toContain('CONTRIBUTING.md')
    const setUp = codeBlocks(contributing, 'sh').filter((block) => block.section === 'Set-up')
    expect(setUp[0]?.content).toBe('npm ci\nnpm test\n')
  })

  it('has its Quick start first: one workflow, one step of this action, one secret', () => {
    const [quickStart, ...others] = codeBlocks(readme).filter((block) => block.section === 'Quick start')
    expect(others).toEqual([])
    expect(quickStart?.lang).toBe('yaml')
    expect(codeBlocks(readme)[0]).toEqual(quickStart)
    const steps = stepsUsingThisAction().filter(([where]) => where === `README.md:${quickStart?.line}`)
    expect(steps.map(([, step]) => Object.keys(step.with ?? {}))).toEqual([['api-key', 'secrets']])
    expect(Object.keys(parseYaml(String(steps[0]?.[1].with?.secrets)) as object)).toHaveLength(1)
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

  it('queue rather than cancel: every workflow of the guides that runs this action is in a concurrency group (issue 17, item 5)', () => {
    // A run that overlaps another on one workspace can undo it (prune, release, re-run, manual
    // run alike: docs/how-it-works.md#overlapping-runs), so every whole workflow shows the group.
    const whole = examples.filter(([where, doc]) => {
      const runsThisAction = stepsUsingThisAction().some(([at]) => at === where)
      return runsThisAction && (doc as { on?: unknown } | null)?.on !== undefined
    })
    expect(whole.length).toBeGreaterThanOrEqual(3)
    for (const [where, doc] of whole) {
      expect([where, (doc as { concurrency?: unknown }).concurrency]).toEqual([
        where,
        { group: expect.any(String), 'cancel-in-progress': false }
      ])
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
      'release.yml check': { contents: 'read' },
      'release.yml release': { contents: 'write' }
    })
  })

  it('the release job, the one that can write, installs nothing: no npm, no package cache, after the check job', () => {
    const { check, release } = workflows['release.yml']?.jobs ?? {}
    expect(release?.needs).toBe('check')
    expect(release?.steps?.map((step) => step.run ?? step.uses?.split('@')[0])).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'node scripts/release.ts "$VERSION"'
    ])
    expect(check?.steps?.map((step) => step.run ?? step.uses?.split('@')[0])).toEqual([
      'actions/checkout',
      'actions/setup-node',
      'npm ci',
      'node scripts/release.ts --dry-run "$VERSION"'
    ])
    for (const step of [...(check?.steps ?? []), ...(release?.steps ?? [])]) {
      if (step.uses?.startsWith('actions/setup-node@')) expect(step.with?.['package-manager-cache']).toBe(false)
      if (step.uses?.startsWith('actions/checkout@')) expect(step.with?.['persist-credentials']).toBe(false)
    }
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
