/**
 * The action's wiring, in this process: run() reads its inputs from the environment
 * as the runner passes them (INPUT_*), and writes GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
 * and workflow commands on stdout, against the stand-in over real HTTP.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { run } from '../../src/main.ts'
import { tagOf } from '../support/engine.ts'

/** What the runner sets for every step, and the variables this test sets for one run. */
const RUNNER_ENV = {
  GITHUB_REPOSITORY: 'acme/payments',
  GITHUB_RUN_ID: '4242',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_ACTOR: 'octocat'
}
const touched = new Set<string>()
const setEnv = (vars: Record<string, string>) => {
  for (const [name, value] of Object.entries(vars)) {
    touched.add(name)
    process.env[name] = value
  }
}

let standIn: CortexStandIn
let folder: string
let summaryPath: string
let stdout: string[]

beforeAll(() => {
  // @actions/github reads its context once, when the summary first imports it.
  delete process.env.GITHUB_EVENT_PATH
  setEnv(RUNNER_ENV)
  // core.summary keeps the first path it writes to for the life of the process (on a
  // runner, one step): every run here writes to this one, emptied before each test.
  summaryPath = join(mkdtempSync(join(tmpdir(), 'main-test-summary-')), 'summary')
})
beforeEach(async () => {
  standIn = await CortexStandIn.start()
  folder = mkdtempSync(join(tmpdir(), 'main-test-'))
  writeFileSync(join(folder, 'output'), '')
  rmSync(summaryPath, { recursive: true, force: true })
  writeFileSync(summaryPath, '')
  setEnv({ GITHUB_OUTPUT: join(folder, 'output'), GITHUB_STEP_SUMMARY: summaryPath })
  stdout = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})
afterEach(async () => {
  jest.restoreAllMocks()
  for (const name of touched) if (!(name in RUNNER_ENV)) delete process.env[name]
  process.exitCode = undefined
  await standIn.close()
})

/** Sets the step's `with:` inputs as the runner does: INPUT_<NAME>, upper case, spaces as _. */
function withInputs(inputs: Record<string, string>): void {
  setEnv(Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])))
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks, as the runner reads them. */
function outputs(): Record<string, string> {
  const text = readFileSync(join(folder, 'output'), 'utf8')
  const found: Record<string, string> = {}
  for (const [, name, , value] of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
    found[name as string] = value as string
  }
  return found
}

const lines = () => stdout.join('').split('\n')
const commands = (name: string) => lines().filter((line) => line.startsWith(`::${name}::`))
const unescape = (data: string) => data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

const PEM = '-----BEGIN KEY-----\nc2VjcmV0LWtleS1ib2R5\n}\n-----END KEY-----'

describe('run()', () => {
  it('pushes and prunes, masks every value, writes the outputs, the summary and a last line; the step passes', async () => {
    standIn.seed([
      { tag: 'ci_kept', secret: 'old' },
      { tag: 'ci_old', secret: 'old' }
    ])
    setEnv({ PEM_VALUE: PEM })
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'ci_kept: kept-value-1a1a\nci_pem:\n  env: PEM_VALUE\n  name: TLS key',
      prune: 'true',
      'prune-match': 'ci_*'
    })
    await run()

    expect(process.exitCode).not.toBe(1)
    expect(commands('error')).toEqual([])
    expect(outputs()).toEqual({
      created: '["ci_pem"]',
      updated: '["ci_kept"]',
      deleted: '["ci_old"]',
      failed: '[]'
    })
    expect(standIn.values()).toEqual({ ci_kept: 'kept-value-1a1a', ci_pem: PEM })
    // The key and every value; a multi-line value line by line, without the lines the runner
    // would mask all over the job's log (`}`), since it registers each line of a mask on its own.
    const masks = commands('add-mask').map((line) => unescape(line.slice('::add-mask::'.length)))
    expect(masks).toEqual([
      STAND_IN_API_KEY,
      'kept-value-1a1a',
      '-----BEGIN KEY-----',
      'c2VjcmV0LWtleS1ib2R5',
      '-----END KEY-----'
    ])
    expect(masks.flatMap((mask) => mask.split('\n').map((line) => line.trim()))).not.toContain('}')

    const log = lines()
    expect(log).toContain(`Pushing 2 secrets to ${new URL(standIn.url).host}, pruning owned tags`)
    expect(log).toContain('✔ ci_pem: created (TLS key)')
    expect(log).toContain('✔ ci_old: deleted (ci_old)')
    expect(log.at(-2)).toBe('Done: 1 created, 1 updated, 1 deleted.')
    // No line of the log, masks aside, holds a value or a line of one.
    const shown = log.filter((line) => !line.startsWith('::add-mask::')).join('\n')
    for (const fragment of ['kept-value-1a1a', 'c2VjcmV0LWtleS1ib2R5']) expect(shown).not.toContain(fragment)

    const summary = readFileSync(summaryPath, 'utf8')
    expect(summary).toContain('<h2>Cortex secrets: 1 created, 1 updated, 1 deleted, 0 failed</h2>')
    expect(summary).toContain('<li>Trigger: workflow_dispatch by octocat</li>')
    expect(summary).toContain('<a href="https://github.com/acme/payments/actions/runs/4242">run</a>')
    expect(summary).not.toContain('c2VjcmV0LWtleS1ib2R5')
  })

  it('fails the step with every failed tag, after writing the outputs and the summary', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && r.rawBody.includes('"b_tag"')
        ? { status: 422, body: { type: 'BAD_REQUEST', message: 'Refused\nhere', requestId: 'req-b' } }
        : undefined
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-2b2b\nb_tag: value-b-3c3c'
    })
    await run()

    expect(process.exitCode).toBe(1)
    expect(commands('error').map((line) => unescape(line.slice('::error::'.length)))).toEqual([
      '1 of 2 secrets failed:\n- b_tag: create "b_tag": HTTP 422 BAD_REQUEST: Refused⏎here (requestId req-b, 1 attempt)'
    ])
    expect(outputs()).toEqual({ created: '["a_tag"]', updated: '[]', deleted: '[]', failed: '["b_tag"]' })
    expect(readFileSync(summaryPath, 'utf8')).toContain('1 created, 0 updated, 1 failed')
    expect(lines().some((line) => line.startsWith('Done:'))).toBe(false)
  })

  it('fails on a bad input before any request, naming the input, with no outputs', async () => {
    withInputs({ 'api-key': '', 'api-url': standIn.url, secrets: 'a_tag: value-a-4d4d' })
    await run()

    expect(process.exitCode).toBe(1)
    expect(commands('error')).toEqual([
      '::error::Input "api-key" is required: a Cortex API key with the "Create secrets" permission.'
    ])
    expect(standIn.requests).toEqual([])
    expect(outputs()).toEqual({})
  })

  it('a dry run (secrets and a secrets-file) writes the plan: read requests, "would" in the log, outputs, summary', async () => {
    standIn.seed([{ tag: 'b_tag', secret: 'old' }])
    writeFileSync(join(folder, 'ci.env'), 'b_tag=value-b-6f6f\n')
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-5e5e',
      'secrets-file': join(folder, 'ci.env'),
      'dry-run': 'true'
    })
    await run()

    expect(process.exitCode).not.toBe(1)
    expect(standIn.requests.map((r) => r.method)).toEqual(['GET'])
    expect(standIn.values()).toEqual({ b_tag: 'old' })
    expect(outputs()).toEqual({ created: '["a_tag"]', updated: '["b_tag"]', deleted: '[]', failed: '[]' })
    expect(lines()).toEqual(expect.arrayContaining(['• a_tag: would create (a_tag)', '• b_tag: would update (b_tag)']))
    expect(lines().at(-2)).toBe('Done: 1 would be created, 1 would be updated, 0 would be deleted.')
    expect(readFileSync(summaryPath, 'utf8')).toContain('(dry run): 1 would create, 1 would update, 0 failed')
  })

  it('a summary that cannot be written is a warning; the step still passes', async () => {
    rmSync(summaryPath)
    mkdirSync(summaryPath)
    withInputs({ 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: 'a_tag: value-a-7a7a' })
    await run()

    expect(process.exitCode).not.toBe(1)
    expect(commands('warning')).toEqual([expect.stringMatching(/^::warning::Job summary not written: /)])
    expect(lines().at(-2)).toBe('Done: 1 created, 0 updated, 0 deleted.')
  })

  it('a key refused mid-run fails the step once, naming what was not pushed', async () => {
    let writes = 0
    standIn.options.intercept = (r) =>
      r.method === 'POST' && ++writes === 2 ? { status: 401, body: { message: 'Revoked' } } : undefined
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-8b8b\nb_tag: value-b-9c9c\nc_tag: value-c-0d0d',
      concurrency: '1'
    })
    await run()

    expect(process.exitCode).toBe(1)
    expect(standIn.requests.map((r) => `${r.method} ${tagOf(r.path) ?? ''}`.trim())).toEqual(['GET', 'POST', 'POST'])
    expect(commands('error')).toEqual([
      '::error::Cortex refused the API key with HTTP 401: the key is invalid or expired. The run stopped.%0ANot pushed (2): b_tag, c_tag'
    ])
  })
})
