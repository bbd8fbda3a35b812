/**
 * Runs the bundled action in a child process the way the GitHub runner does:
 * action.yml loaded and checked as the runner loads it (action-manifest.ts;
 * a manifest the runner refuses fails the run before anything starts), the
 * inputs as INPUT_<NAME> variables with the manifest's defaults, the entry
 * file on the Node version `runs.using` names, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, an event payload file, and the step log as the
 * runner writes it (step-log.ts: workflow commands applied, secrets masked).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  entryPoint,
  inputVariable,
  loadActionManifest,
  resolveStepInputs,
  runtimeNodeVersion
} from './action-manifest.ts'
import { ACTION_NODE_MAJOR, actionNodePath } from './node24.ts'
import { publishStepSummary } from './job-summary.ts'
import { registerJobSecret, StepLog } from './step-log.ts'

export { inputVariable } from './action-manifest.ts'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The variable naming the directory of the action a run executes when the caller
 * names none. npm test's globalSetup (__tests__/setup/global-setup.ts) bundles the
 * current src/ into a temporary folder beside a copy of action.yml and sets it, so
 * that the tests run the source as it is, not the dist/ last committed.
 */
export const ACTION_UNDER_TEST_DIR = 'ACTION_UNDER_TEST_DIR'

/**
 * The action's directory (action.yml and what its `runs.main` names): the build npm
 * test made, else the repository itself with its committed dist/ (npm run demo, npm
 * run bench, and a test that means to run what is committed).
 */
export function defaultActionDir(): string {
  return process.env[ACTION_UNDER_TEST_DIR] || ROOT
}

/** The GITHUB_TOKEN of the emulated job (`github.token`); the runner masks it as a job secret. */
export const EMULATED_GITHUB_TOKEN = 'ghs_EmulatedRunnerToken0000000000000000'

export interface ActionEvent {
  name: 'release' | 'workflow_dispatch' | string
  payload: Record<string, unknown>
}

export interface RunActionOptions {
  /** The step's `with:` values. */
  inputs: Record<string, string>
  /** Extra environment for the step (`env:` in a workflow). */
  env?: Record<string, string>
  /** Values the workflow takes from its `secrets` context: the runner masks them from the start of the job. */
  jobSecrets?: string[]
  event?: ActionEvent
  actor?: string
  /** Step debug (ACTIONS_STEP_DEBUG): RUNNER_DEBUG=1 for the action, `##[debug]` lines in the log. */
  debug?: boolean
  cwd?: string
  /** The directory holding action.yml: defaultActionDir() unless given. */
  actionDir?: string
  /** Kills the action after this long (a hung action is a failing test, not a hung suite). */
  timeoutMs?: number
  /**
   * Cancels the job this long after the action started, as the runner does (ProcessInvoker.cs,
   * CancelAndKillProcessTree): SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
   */
  cancelAfterMs?: number
  /**
   * false: stdout and stderr are kept as written but not put through the runner's command
   * processing and masker, so `log` holds the step header only. For the benchmark: the
   * emulated masker's cost grows with masks × lines and is the harness's, not the action's.
   */
  stepLog?: boolean
}

export interface ActionRun {
  exitCode: number | null
  /** The action's raw output, workflow commands included. */
  stdout: string
  stderr: string
  /** The step log as the runner writes it and GitHub shows it: commands applied, secrets masked. */
  log: string[]
  outputs: Record<string, string>
  /** GITHUB_STEP_SUMMARY as the action wrote it. */
  summary: string
  /** The job summary as the runner publishes it (masked line by line). */
  publishedSummary: string
  wallMs: number
  /** With `cancelAfterMs`: from the SIGINT to the process's exit. */
  cancelledForMs?: number
}

export const RELEASE_EVENT: ActionEvent = {
  name: 'release',
  payload: { action: 'published', release: { tag_name: 'v1.4.0', name: 'v1.4.0' } }
}

export const DISPATCH_EVENT: ActionEvent = { name: 'workflow_dispatch', payload: { inputs: {} } }

/** The contexts an input default may read, with the values the emulated job exports. */
function jobContexts(options: RunActionOptions, event: ActionEvent, files: { dir: string; event: string }) {
  return {
    github: {
      token: EMULATED_GITHUB_TOKEN,
      event_name: event.name,
      event: event.payload,
      event_path: files.event,
      repository: 'acme/payments',
      repository_owner: 'acme',
      server_url: 'https://github.com',
      api_url: 'https://api.github.com',
      run_id: '4242',
      run_number: '7',
      actor: options.actor ?? 'octocat',
      workflow: 'Push secrets to Cortex',
      sha: '0'.repeat(40),
      ref: 'refs/heads/main',
      workspace: options.cwd ?? ROOT
    },
    runner: {
      os: 'Linux',
      arch: 'X64',
      name: 'emulated-runner',
      temp: files.dir,
      ...(options.debug ? { debug: '1' } : {})
    },
    job: { status: 'success' },
    strategy: {},
    matrix: {}
  }
}

/** Splits a stream into lines as .NET's ReadLine does (LF, CRLF or a lone CR end a line). */
function lineReader(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = ''
  return {
    push(chunk) {
      pending += chunk
      const parts = pending.split(/\r\n|\n|\r(?!$)/)
      pending = parts.pop() ?? ''
      for (const line of parts) onLine(line)
    },
    end() {
      if (pending.endsWith('\r')) pending = pending.slice(0, -1)
      if (pending !== '') onLine(pending)
      pending = ''
    }
  }
}

/** What the runner writes before the action starts (ActionRunner.RunAsync, Handler.PrintActionDetails). */
function writeStepHeader(log: StepLog, warnings: string[], inputs: Map<string, string>, env: Record<string, string>) {
  log.debug('Loading inputs')
  for (const warning of warnings) log.issue('warning', warning)
  log.debug('Loading env')
  log.write('##[group]Run ./')
  if (inputs.size > 0) {
    log.write('with:')
    for (const [name, value] of inputs) if (value !== '') log.write(`  ${name}: ${value}`)
  }
  if (Object.keys(env).length > 0) {
    log.write('env:')
    for (const [name, value] of Object.entries(env)) log.write(`  ${name}: ${value}`)
  }
  log.write('##[endgroup]')
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const manifest = loadActionManifest(join(options.actionDir ?? defaultActionDir(), 'action.yml'))
  if (runtimeNodeVersion(manifest) !== `node${ACTION_NODE_MAJOR}`) {
    throw new Error(`runner emulation: runs.using is ${manifest.runs.using}; only node${ACTION_NODE_MAJOR} is emulated`)
  }
  const main = entryPoint(manifest)

  const dir = mkdtempSync(join(tmpdir(), 'cortex-action-'))
  const files = { dir, output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') }
  const event = options.event ?? DISPATCH_EVENT
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.event, JSON.stringify(event.payload))

  const contexts = jobContexts(options, event, files)
  const stepInputs = resolveStepInputs(manifest, options.inputs, contexts)
  const log = new StepLog({ stepDebug: options.debug ?? false })
  for (const secret of [EMULATED_GITHUB_TOKEN, ...(options.jobSecrets ?? [])]) registerJobSecret(log.masker, secret)
  writeStepHeader(log, stepInputs.warnings, stepInputs.values, options.env ?? {})

  const { github } = contexts
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: github.event_name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_OWNER: github.repository_owner,
    GITHUB_SERVER_URL: github.server_url,
    GITHUB_API_URL: github.api_url,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_RUN_NUMBER: github.run_number,
    GITHUB_ACTOR: github.actor,
    GITHUB_WORKFLOW: github.workflow,
    GITHUB_SHA: github.sha,
    GITHUB_REF: github.ref,
    GITHUB_WORKSPACE: github.workspace,
    RUNNER_TEMP: dir,
    ...(options.debug ? { RUNNER_DEBUG: '1' } : {}),
    ...options.env
  }
  for (const [name, value] of stepInputs.values) env[inputVariable(name)] = value

  const started = performance.now()
  const child = spawn(actionNodePath(), [main], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const stdoutLines = lineReader((line) => log.actionOutput(line))
  const stderrLines = lineReader((line) => log.actionOutput(line))
  const emulateLog = options.stepLog ?? true
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (emulateLog) stdoutLines.push(chunk)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    if (emulateLog) stderrLines.push(chunk)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  let cancelledAt: number | undefined
  const cancellation = [
    [options.cancelAfterMs, 'SIGINT'],
    [(options.cancelAfterMs ?? 0) + 7500, 'SIGTERM'],
    [(options.cancelAfterMs ?? 0) + 10_000, 'SIGKILL']
  ].flatMap(([ms, signal]) =>
    options.cancelAfterMs === undefined
      ? []
      : [
          setTimeout(() => {
            cancelledAt ??= performance.now()
            child.kill(signal as NodeJS.Signals)
          }, ms as number)
        ]
  )
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  clearTimeout(timer)
  cancellation.forEach(clearTimeout)
  const wallMs = performance.now() - started
  stdoutLines.end()
  stderrLines.end()
  log.debug(`Node Action run completed with exit code ${exitCode}`)

  const summary = readFileSync(files.summary, 'utf8')
  const run: ActionRun = {
    exitCode,
    stdout,
    stderr,
    log: log.lines,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary,
    publishedSummary: publishStepSummary(summary, log),
    wallMs,
    ...(cancelledAt === undefined ? {} : { cancelledForMs: started + wallMs - cancelledAt })
  }
  rmSync(dir, { recursive: true, force: true })
  return run
}

/** Reads the `name<<delimiter … delimiter` records @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!header) continue
    const [, name, delimiter] = header as unknown as [string, string, string]
    const end = lines.indexOf(delimiter, i + 1)
    outputs[name] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}
