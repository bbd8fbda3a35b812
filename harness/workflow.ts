/**
 * Reads a workflow as GitHub does, for a test that runs a workflow from the docs exactly as it
 * is written, and runs a workflow of `run:` steps (the Release workflow) as the runner does:
 * @actions/workflow-parser checks it against the workflow schema (an unknown key, a context an
 * expression may not use there), and a step's `with:` and `env:` are evaluated against the
 * contexts the runner gives, with @actions/expressions.
 *
 * The values are the YAML values split at each `${{ }}` as the runner's TemplateReader splits
 * them (ParseScalar), not the package's `format(…)` expressions: for a block scalar
 * (`secrets: |`) the package builds that expression from the YAML source, indentation
 * included, since it keeps source positions for an editor.
 */
import { execFile, spawn } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import type { MappingToken, SequenceToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index'
import { parse as parseYaml } from 'yaml'
import './action-manifest.ts' // first: it lets Node load @actions/workflow-parser's JSON schemas
import { evaluateExpression } from './expressions.ts'
import type { ContentsPermission } from './fake-github.ts'

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow, isLiteral, isMapping } =
  await import('@actions/workflow-parser')

export class WorkflowError extends Error {
  /** The package's errors, one a line, each with its line and column. */
  readonly problems: string[]

  constructor(name: string, problems: string[]) {
    super([`${name} is not a valid workflow:`, ...problems].join('\n'))
    this.name = 'WorkflowError'
    this.problems = problems
  }
}

/** A step as written: `with:` and `env:` hold the YAML values, `${{ }}` not yet evaluated. */
export interface WorkflowStep {
  uses?: string
  run?: string
  with: Record<string, unknown>
  env: Record<string, unknown>
}

export interface Workflow {
  /** The events that trigger it (`workflow_dispatch`, `release`, …). */
  events: string[]
  jobs: Record<string, { steps: WorkflowStep[] }>
}

/** The workflow as GitHub's parser reads it (template and tokens) and as YAML; throws WorkflowError. */
async function readWorkflow(name: string, content: string) {
  const { context, value } = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const template = value === undefined ? undefined : await convertWorkflowTemplate(context, value)
  const problems = [
    ...context.errors.getErrors().map((error) => error.message),
    ...(template?.errors ?? []).map((error) => error.Message)
  ]
  if (problems.length > 0 || template === undefined) throw new WorkflowError(name, [...new Set(problems)])
  type RawStep = Record<string, unknown>
  type RawJob = { env?: Record<string, unknown>; steps?: RawStep[] }
  const raw = parseYaml(content) as { env?: Record<string, unknown>; jobs: Record<string, RawJob> }
  return { template, root: value as MappingToken, raw }
}

/** Parses and checks a workflow; throws WorkflowError with each problem GitHub's parser reports. */
export async function loadWorkflow(name: string, content: string): Promise<Workflow> {
  const { template, raw } = await readWorkflow(name, content)
  const jobs = Object.fromEntries(
    Object.entries(raw.jobs).map(([id, job]) => [
      id,
      {
        steps: (job.steps ?? []).map((step) => ({
          ...(typeof step.uses === 'string' ? { uses: step.uses } : {}),
          ...(typeof step.run === 'string' ? { run: step.run } : {}),
          with: (step.with ?? {}) as Record<string, unknown>,
          env: (step.env ?? {}) as Record<string, unknown>
        }))
      }
    ])
  )
  return { events: Object.keys(template.events), jobs }
}

const OPEN = '${{'

/**
 * A `with:` or `env:` value as the runner hands it on: text with each `${{ }}` replaced by its
 * value as a string (null → ''), a YAML boolean or number as its text.
 */
export function evaluateValue(value: unknown, contexts: Record<string, unknown>): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  let out = ''
  let i = 0
  while (i < value.length) {
    const start = value.indexOf(OPEN, i)
    if (start < 0) {
      out += value.slice(i)
      break
    }
    out += value.slice(i, start)
    // The expression ends at the first `}}` outside a '…' string ('' inside one is a quote).
    let end = -1
    let inString = false
    for (let j = start + OPEN.length; j < value.length; j++) {
      if (value[j] === "'") inString = !inString
      else if (!inString && value[j] === '}' && value[j - 1] === '}') {
        end = j
        break
      }
    }
    if (end < 0) throw new Error('runner emulation: an expression is not closed')
    out += evaluateExpression(value.slice(start + OPEN.length, end - 1), contexts).coerceString()
    i = end + 1
  }
  return out
}

/** A mapping of `with:` or `env:` values, each evaluated as the runner does. */
const evaluateMapping = (values: Record<string, unknown> | undefined, contexts: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(values ?? {}).map(([name, value]) => [name, evaluateValue(value, contexts)]))

/** A step's `with:` and `env:` evaluated as the runner evaluates them before the step starts. */
export function evaluateStep(
  step: WorkflowStep,
  contexts: Record<string, unknown>
): { with: Record<string, string>; env: Record<string, string> } {
  return { with: evaluateMapping(step.with, contexts), env: evaluateMapping(step.env, contexts) }
}

/**
 * runWorkflow runs a workflow file dispatched by hand (workflow_dispatch) as the GitHub runner
 * does, far enough for jobs whose work is in `run:` steps: the Release workflow. The file is
 * read with GitHub's own parser, @actions/workflow-parser, so a workflow GitHub refuses fails
 * here. The job's GITHUB_TOKEN has the `contents` permission the job declares (else the
 * workflow's; else `read`, the default of new repositories). Each `env:` is evaluated against
 * the github, inputs, secrets, env and runner contexts, over the variables the runner sets;
 * GITHUB_TOKEN is in a step's environment only where its `env:` puts it, as on GitHub. A `run:`
 * script runs with `bash --noprofile --norc -eo pipefail`, the runner's shell on Linux, in the
 * workspace, and the job stops at the first step that fails.
 *
 * Actions are not run: the caller emulates each `uses:` it expects (checkoutAction below), and
 * may stand in for a `run:` script too (`npm ci`, which takes a minute and the network). A step
 * with neither, an `if:`, `shell:` or `working-directory:`, and an expression inside a script
 * (values go in through `env:`: an expression in a script is injected as code) are errors
 * here rather than guesses.
 */

/** The `github` context of the emulated job. */
export interface GitHubContext {
  repository: string
  repository_owner: string
  server_url: string
  api_url: string
  ref: string
  ref_name: string
  sha: string
  event_name: 'workflow_dispatch'
  event: { inputs: Record<string, string>; ref: string }
  token: string
  workspace: string
  actor: string
  job: string
}

export interface StepContext {
  github: GitHubContext
  workspace: string
  /** The step's `with:` values. */
  with: Record<string, string>
  /** The environment the runner gives the step. */
  env: NodeJS.ProcessEnv
}

/** What stands in for an action, or for a `run:` script. */
export type StepEmulation = (step: StepContext) => void | Promise<void>

export interface RunWorkflowOptions {
  workflowFile: string
  /** The workflow_dispatch inputs. */
  inputs: Record<string, string>
  /** `owner/name`. */
  repository: string
  serverUrl: string
  apiUrl: string
  /** The branch the run is dispatched on, `refs/heads/…`, and its commit. */
  ref: string
  sha: string
  /** Issues the job's GITHUB_TOKEN for the permission the job declares. */
  issueToken: (contents: ContentsPermission) => string
  /** An empty directory: each job's workspace, home and temp go in `<dir>/<job>`. */
  dir: string
  /** Emulations of actions, by `owner/name` (the `uses:` without its `@ref`). */
  uses: Record<string, StepEmulation>
  /** Stand-ins for `run:` scripts, by the script's exact text. */
  runs?: Record<string, StepEmulation>
}

export interface StepResult {
  name: string
  /** `emulated` for an action or a script the caller stood in for. */
  outcome: 'success' | 'emulated' | 'failure' | 'skipped'
}

export interface JobRun {
  success: boolean
  steps: StepResult[]
  /** Each step's name and output, as the run's log shows them. */
  log: string
}

const execFileAsync = promisify(execFile)

/**
 * `permissions:` as the `contents` scope it grants, undefined when not given. Only the
 * mapping form of literals is emulated, not `read-all` and the like.
 */
function contentsPermission(token: TemplateToken | undefined): ContentsPermission | undefined {
  if (token === undefined) return undefined
  if (!isMapping(token)) throw new Error('runner emulation: only a mapping of permissions is emulated')
  for (const { key, value } of token) {
    if (key.toString() !== 'contents') continue
    if (!isLiteral(value)) throw new Error('runner emulation: permissions.contents is not literal')
    return value.toString() as ContentsPermission
  }
  return 'none'
}

/** Runs a script as the runner's default bash step does; resolves with its exit code and output. */
function bash(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

export interface WorkflowRun {
  success: boolean
  /** Each job's run, in the order they ran; a job whose `needs:` failed is `skipped`. */
  jobs: Record<string, JobRun | 'skipped'>
}

/**
 * Runs every job of a workflow, one after another in the file's order, each on its own
 * "machine" (`<dir>/<job>`: workspace, home and temp of its own), as a runner gives each job a
 * fresh one. A job runs once the jobs it `needs:` have succeeded, else it is skipped; a job
 * that needs one written after it, job outputs and a job's `if:` are refused, not emulated.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
  const workflow = await readWorkflow(basename(options.workflowFile), readFileSync(options.workflowFile, 'utf8'))
  const { template } = workflow
  const declared = template.events.workflow_dispatch?.inputs ?? {}
  for (const name of Object.keys(options.inputs)) {
    if (!(name in declared)) throw new Error(`runner emulation: the workflow has no input ${name}`)
  }
  const inputs: Record<string, string> = {}
  for (const [name, input] of Object.entries(declared)) {
    const value = options.inputs[name] ?? (input.default === undefined ? undefined : String(input.default))
    if (value === undefined && input.required) throw new Error(`runner emulation: input ${name} is required`)
    inputs[name] = value ?? ''
  }
  const jobs: WorkflowRun['jobs'] = {}
  for (const job of template.jobs) {
    const id = job.id.value
    if (job.outputs || job.if?.expression !== 'success()') {
      throw new Error(`runner emulation: job ${id}: outputs and if: are not emulated`)
    }
    const needs = (job.needs ?? []).map((need) => need.value)
    const unknown = needs.find((need) => !(need in jobs))
    if (unknown) throw new Error(`runner emulation: job ${id} needs ${unknown}, which is not written before it`)
    const ready = needs.every((need) => {
      const run = jobs[need]
      return run !== 'skipped' && run?.success
    })
    jobs[id] = ready ? await runJob(workflow, id, inputs, { ...options, dir: join(options.dir, id) }) : 'skipped'
  }
  return { success: Object.values(jobs).every((run) => run !== 'skipped' && run.success), jobs }
}

/** One job of the workflow, on its own "machine" (`options.dir`). */
async function runJob(
  { template, root, raw }: Awaited<ReturnType<typeof readWorkflow>>,
  id: string,
  inputs: Record<string, string>,
  options: RunWorkflowOptions
): Promise<JobRun> {
  const job = template.jobs.find((j) => j.id.value === id)
  const rawJob = raw.jobs[id]
  if (job?.type !== 'job' || !rawJob) throw new Error(`runner emulation: job ${id} is not a job of steps`)
  // What the converted template leaves out (permissions, with, shell, working-directory) is read from the tokens.
  const jobToken = (root.find('jobs') as MappingToken).find(id) as MappingToken
  const stepTokens = [...(jobToken.find('steps') as SequenceToken)] as MappingToken[]

  const contents = contentsPermission(jobToken.find('permissions')) ?? contentsPermission(root.find('permissions'))
  const token = options.issueToken(contents ?? 'read')
  const workspace = join(options.dir, 'workspace')
  const home = join(options.dir, 'home')
  const temp = join(options.dir, 'temp')
  for (const dir of [workspace, home, temp]) mkdirSync(dir, { recursive: true })
  // What a step appends to $GITHUB_PATH (setup-node: its Node) leads PATH in the steps after it.
  const githubPath = join(temp, 'github_path')
  writeFileSync(githubPath, '')
  const [owner] = options.repository.split('/')
  const refName = options.ref.replace(/^refs\/heads\//, '')
  const github: GitHubContext = {
    repository: options.repository,
    repository_owner: owner as string,
    server_url: options.serverUrl,
    api_url: options.apiUrl,
    ref: options.ref,
    ref_name: refName,
    sha: options.sha,
    event_name: 'workflow_dispatch',
    event: { inputs, ref: options.ref },
    token,
    workspace,
    actor: 'octocat',
    job: id
  }
  const runner = { os: 'Linux', arch: 'X64', temp }
  const runnerVariables = {
    PATH: process.env.PATH,
    GITHUB_PATH: githubPath,
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_JOB: id,
    GITHUB_EVENT_NAME: github.event_name,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_OWNER: github.repository_owner,
    GITHUB_SERVER_URL: github.server_url,
    GITHUB_API_URL: github.api_url,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: github.sha,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTOR: github.actor,
    RUNNER_OS: runner.os,
    RUNNER_TEMP: temp,
    // A runner has no terminal: git fails a refused request instead of asking for a password.
    GIT_TERMINAL_PROMPT: '0'
  }
  const baseContexts = { github, inputs, secrets: { GITHUB_TOKEN: token }, runner, vars: {} }
  const workflowEnv = evaluateMapping(raw.env, { ...baseContexts, env: {} })
  const jobEnv = { ...workflowEnv, ...evaluateMapping(rawJob.env, { ...baseContexts, env: workflowEnv }) }

  const steps: StepResult[] = []
  let log = ''
  let failed = false
  for (const [index, step] of job.steps.entries()) {
    const stepToken = stepTokens[index] as MappingToken
    const uses = 'uses' in step ? step.uses.value : undefined
    const script = 'run' in step ? step.run : undefined
    const name = step.name?.toString() ?? (uses ? `Run ${uses}` : `Run ${script?.toString()}`)
    if (failed) {
      steps.push({ name, outcome: 'skipped' })
      continue
    }
    for (const key of ['shell', 'working-directory']) {
      if (stepToken.find(key)) throw new Error(`runner emulation: step '${name}': ${key} is not emulated`)
    }
    if (step.if?.expression !== 'success()') throw new Error(`runner emulation: step '${name}': if: is not emulated`)
    if (script !== undefined && !isLiteral(script)) {
      throw new Error(`runner emulation: step '${name}' has an expression in its script; pass values through env:`)
    }
    const added = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse()
    const rawStep = rawJob.steps?.[index]
    const env = {
      ...runnerVariables,
      PATH: [...added, runnerVariables.PATH].join(':'),
      ...jobEnv,
      ...evaluateMapping(rawStep?.env as Record<string, unknown> | undefined, { ...baseContexts, env: jobEnv })
    }
    const emulation = uses ? options.uses[uses.split('@')[0] as string] : options.runs?.[script?.toString() ?? '']
    log += `## ${name}\n`
    let outcome: StepResult['outcome']
    if (emulation) {
      try {
        const given = evaluateMapping(rawStep?.with as Record<string, unknown> | undefined, {
          ...baseContexts,
          env: jobEnv
        })
        await emulation({ github, workspace, env, with: given })
        outcome = 'emulated'
      } catch (error) {
        log += `${(error as Error).message}\n`
        outcome = 'failure'
      }
    } else if (uses) {
      throw new Error(`runner emulation: no emulation of ${uses}`)
    } else {
      const file = join(temp, `step-${index}.sh`)
      writeFileSync(file, script?.toString() ?? '')
      const result = await bash(file, workspace, env)
      log += result.output
      outcome = result.code === 0 ? 'success' : 'failure'
    }
    steps.push({ name, outcome })
    failed = outcome === 'failure'
  }
  return { success: !failed, steps, log }
}

/**
 * actions/checkout as the Release workflow uses it (`fetch-depth: 0`, `persist-credentials:
 * false`, and `ref:` the run's commit or none): the repository at GITHUB_SERVER_URL fetched into
 * the workspace with the job's token (every branch and tag, as checkout fetches them at depth
 * 0), the dispatched branch checked out at the run's commit (or that commit, detached, when
 * `ref:` names it), and no credentials left in .git/config. Other inputs are refused.
 */
export const checkoutAction: StepEmulation = async ({ github, workspace, env, with: inputs }) => {
  const { 'fetch-depth': depth, 'persist-credentials': persist, ref, ...others } = inputs
  if (depth !== '0' || persist !== 'false' || ![undefined, github.sha].includes(ref) || Object.keys(others).length) {
    throw new Error(
      `runner emulation: actions/checkout is emulated with fetch-depth: 0, persist-credentials: false and ref: the run's commit only`
    )
  }
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${github.token}`).toString('base64')}`
  const git = (...args: string[]) => execFileAsync('git', args, { cwd: workspace, env })
  await git('init', '--quiet')
  await git('remote', 'add', 'origin', `${github.server_url}/${github.repository}`)
  await git(
    '-c',
    `http.${new URL(github.server_url).origin}/.extraheader=${header}`,
    'fetch',
    '--quiet',
    'origin',
    '+refs/heads/*:refs/remotes/origin/*',
    '+refs/tags/*:refs/tags/*'
  )
  if (ref) await git('checkout', '--quiet', '--force', '--detach', ref)
  else await git('checkout', '--quiet', '--force', '-B', github.ref_name, github.sha)
}

/**
 * actions/setup-node as the Release workflow uses it: the Node of `.node-version` (the one that
 * runs the action here) first on PATH, and no package-manager cache (`package-manager-cache:
 * false`: setup-node v5 and later cache when package.json names a packageManager). Other inputs are refused.
 */
export function setupNodeAction(nodeBin: string): StepEmulation {
  return ({ env, with: inputs }) => {
    const { 'node-version-file': file, 'package-manager-cache': cache, ...others } = inputs
    if (file !== '.node-version' || cache !== 'false' || Object.keys(others).length > 0) {
      throw new Error(
        'runner emulation: actions/setup-node is emulated with node-version-file: .node-version and package-manager-cache: false only'
      )
    }
    appendFileSync(env.GITHUB_PATH as string, `${nodeBin}\n`)
  }
}
