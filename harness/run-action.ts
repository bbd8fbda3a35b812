/**
 * Runs the bundled action (dist/index.js) in a child process the way the
 * GitHub runner does: inputs as INPUT_<NAME> variables (upper-cased, hyphens
 * kept) with action.yml's defaults, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
 * files, and an event payload file.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { actionNodePath } from './node24.ts'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface ActionEvent {
  name: 'release' | 'workflow_dispatch' | string
  payload: Record<string, unknown>
}

export interface RunActionOptions {
  inputs: Record<string, string>
  /** Extra environment for the step (`env:` in a workflow). */
  env?: Record<string, string>
  event?: ActionEvent
  actor?: string
  /** Sets RUNNER_DEBUG=1 so that core.debug lines are printed. */
  debug?: boolean
  cwd?: string
  /** Kills the action after this long (a hung action is a failing test, not a hung suite). */
  timeoutMs?: number
}

export interface ActionRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  wallMs: number
}

export const RELEASE_EVENT: ActionEvent = {
  name: 'release',
  payload: { action: 'published', release: { tag_name: 'v1.4.0', name: 'v1.4.0' } }
}

export const DISPATCH_EVENT: ActionEvent = { name: 'workflow_dispatch', payload: { inputs: {} } }

export function actionDefaults(): Record<string, string> {
  const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const defaults: Record<string, string> = {}
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.default !== undefined) defaults[name] = String(input.default)
  }
  return defaults
}

/** The variable the runner sets for an input: `api-key` → `INPUT_API-KEY`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cortex-action-'))
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') }
  const event = options.event ?? DISPATCH_EVENT
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.event, JSON.stringify(event.payload))

  const inputs = { ...actionDefaults(), ...options.inputs }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_REPOSITORY: 'acme/payments',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_ACTOR: options.actor ?? 'octocat',
    GITHUB_WORKFLOW: 'Push secrets to Cortex',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: dir,
    ...(options.debug ? { RUNNER_DEBUG: '1' } : {}),
    ...options.env
  }
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value

  const started = performance.now()
  const child = spawn(actionNodePath(), [join(ROOT, 'dist', 'index.js')], {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const exitCode = await new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  clearTimeout(timer)
  const wallMs = performance.now() - started

  const run: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    wallMs
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
