/**
 * The action's wiring, in this process: run() reads its inputs from the environment
 * as the runner passes them (INPUT_*), and writes GITHUB_OUTPUT, GITHUB_STEP_SUMMARY
 * and workflow commands on stdout, against the stand-in over real HTTP. Where each
 * line goes (info, warning, debug), that it stays one line and runs no workflow
 * command, is seen here, on stdout as the runner reads it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { WITHHELD } from '../../src/domain/text.ts'
import { run } from '../../src/main.ts'
import { tagOf } from '../support/engine.ts'
import { FakeClock } from '../support/fake-clock.ts'

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

/** A FakeClock whose sleeps end only once `ready()` holds: what happens while a request waits. */
class HeldClock extends FakeClock {
  readonly #ready: () => boolean
  constructor(ready: () => boolean) {
    super()
    this.#ready = ready
  }
  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    for (let turns = 0; !this.#ready() && turns < 10_000; turns++) await new Promise((r) => setImmediate(r))
    await super.sleep(ms, signal)
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
  rmSync(folder, { recursive: true, force: true })
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

/** stdout as the runner reads it: every line break ends a line (the runner splits on CR and LF too). */
const lines = () => stdout.join('').split(/\r\n|\r|\n/)
const commands = (name: string) => lines().filter((line) => line.startsWith(`::${name}::`))
const unescape = (data: string) => data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
/** The log without masks and request lines (whose milliseconds vary): what a reader follows. */
const story = () =>
  lines().filter((line) => line !== '' && !line.startsWith('::add-mask::') && !REQUEST_LINE.test(line))
const REQUEST_LINE = /^::debug::(GET|POST|PUT|DELETE) \/api\/v1\/secrets\S* (\d{3} \d+ ms|failed .*)$/

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
    // Every request is a debug line: method, path, status, milliseconds.
    expect(log.filter((line) => REQUEST_LINE.test(line))).toHaveLength(standIn.requests.length)
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

  it('fails on a bad input before any request, naming the input; still writes the four outputs and a summary', async () => {
    withInputs({ 'api-key': '', 'api-url': standIn.url, secrets: 'a_tag: value-a-4d4d' })
    await run()

    expect(process.exitCode).toBe(1)
    const message = 'Input "api-key" is required: a Cortex API key with the "Create secrets" permission.'
    expect(commands('error')).toEqual([`::error::${message}`])
    expect(standIn.requests).toEqual([])
    // A later step's fromJSON(steps.push.outputs.failed) needs a list, on every path.
    expect(outputs()).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '[]' })
    expect(readFileSync(summaryPath, 'utf8')).toBe(
      `<h2>Cortex secrets: failed before any request</h2>\n<p>${message.replace(/"/g, '&quot;')}</p>\n`
    )
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
    expect(lines()[lines().findIndex((line) => !line.startsWith('::'))]).toBe(
      `Dry run: planning 2 secrets to ${new URL(standIn.url).host}`
    )
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
    expect(outputs()).toEqual({ created: '["a_tag"]', updated: '[]', deleted: '[]', failed: '[]' })
    expect(lines().at(-2)).toBe('Done: 1 created, 0 updated, 0 deleted.')
  })

  it('outputs that cannot be written fail the step, after the summary; a failed push keeps its message first', async () => {
    rmSync(join(folder, 'output'))
    mkdirSync(join(folder, 'output'))
    standIn.options.intercept = (r) =>
      r.method === 'POST' && r.rawBody.includes('"b_tag"') ? { status: 400, body: { message: 'No' } } : undefined
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-1c1c\nb_tag: value-b-1d1d'
    })
    await run()

    expect(process.exitCode).toBe(1)
    expect(commands('error').map((line) => unescape(line.slice('::error::'.length)))).toEqual([
      expect.stringMatching(
        /^1 of 2 secrets failed:\n- b_tag: create "b_tag": HTTP 400: No \(1 attempt\)\nOutputs not written: /
      )
    ])
    expect(readFileSync(summaryPath, 'utf8')).toContain('<h2>Cortex secrets: 1 created, 0 updated, 1 failed</h2>')
  })

  it('writes no summary when the runner asks for none', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    withInputs({ 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: 'a_tag: value-a-2e2e' })
    await run()

    expect(process.exitCode).not.toBe(1)
    expect(commands('warning')).toEqual([])
    expect(readFileSync(summaryPath, 'utf8')).toBe('')
    expect(outputs()).toEqual({ created: '["a_tag"]', updated: '[]', deleted: '[]', failed: '[]' })
  })

  it('gives each attempt timeout-seconds and a request max-retries retries; the other secrets land', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && r.rawBody.includes('"stuck"') ? { hang: true } : undefined
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-1f1f\nstuck: value-s-2a2a',
      'timeout-seconds': '0.2',
      'max-retries': '2'
    })
    await run({ clock: new FakeClock() })

    expect(process.exitCode).toBe(1)
    expect(standIn.requestsWith('POST').filter((r) => r.rawBody.includes('"stuck"'))).toHaveLength(3)
    expect(commands('error').map((line) => unescape(line.slice('::error::'.length)))).toEqual([
      '1 of 2 secrets failed:\n- stuck: create "stuck": no response TIMEOUT: no response within 0.2 s; it may have been applied (3 attempts)'
    ])
    expect(outputs()).toEqual({ created: '["a_tag"]', updated: '[]', deleted: '[]', failed: '["stuck"]' })
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
    expect(outputs()).toEqual({ created: '["a_tag"]', updated: '[]', deleted: '[]', failed: '["b_tag","c_tag"]' })
  })
})

describe('run(): where each line goes', () => {
  it('writes the start line, a line per key select left out, each result as `key → tag`, then its retries as a debug line', async () => {
    let failedOnce = false
    standIn.options.intercept = (r) => {
      if (r.method !== 'POST' || failedOnce) return undefined
      failedOnce = true
      return { status: 503, body: { message: 'busy' } }
    }
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: JSON.stringify({ github_token: 'ghs_job-token-1e1e', CORTEX_PAGERDUTY_TOKEN: 'pd-value-2f2f' }),
      select: '*_TOKEN\n*_token',
      'strip-prefix': 'CORTEX_',
      'tag-case': 'lower'
    })
    await run({ clock: new FakeClock(), random: () => 0.5 })

    expect(process.exitCode).not.toBe(1)
    expect(story()).toEqual([
      `Pushing 1 secret (selected from 2 keys) to ${new URL(standIn.url).host}`,
      "Left out github_token: the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly.",
      '::debug::retry 1 of create "pagerduty_token" in 250 ms after HTTP 503',
      '✔ CORTEX_PAGERDUTY_TOKEN → pagerduty_token: created (pagerduty_token)',
      '::debug::pagerduty_token: 1 retry',
      'Done: 1 created, 0 updated, 0 deleted.'
    ])
    expect(standIn.values()).toEqual({ pagerduty_token: 'pd-value-2f2f' })
  })

  it('warns once when a 429 starts a pause of the whole run, not for a 429 during it; every retry is a debug line', async () => {
    // Both first creates are answered 429 together; the pause's wait ends only once both are
    // retried, so the second 429 comes during the pause the first one started.
    const held: (() => void)[] = []
    standIn.options.intercept = (r) => {
      if (r.method !== 'POST' || held.length >= 2 || standIn.requestsWith('POST').length > 2) return undefined
      return new Promise((resolve) => {
        held.push(() => resolve({ status: 429, headers: { 'retry-after': '7' }, body: { message: 'slow down' } }))
        if (held.length === 2) held.forEach((answer) => answer())
      })
    }
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-3a3a\nb_tag: value-b-3b3b',
      concurrency: '2'
    })
    const retried = () => stdout.join('').match(/::debug::retry 1 of create/g)?.length === 2
    const clock = new HeldClock(retried)
    await run({ clock, random: () => 0 })

    expect(process.exitCode).not.toBe(1)
    expect(clock.sleeps).toContain(7000)
    const log = story()
    expect(log.filter((line) => line.startsWith('::debug::retry')).sort()).toEqual([
      '::debug::retry 1 of create "a_tag" in 7000 ms after HTTP 429',
      '::debug::retry 1 of create "b_tag" in 7000 ms after HTTP 429'
    ])
    expect(commands('warning')).toEqual(['::warning::Cortex rate limit reached (HTTP 429): all requests wait 7 s.'])
    // The warning follows the retry line of the 429 that started the pause.
    expect(log[log.indexOf(commands('warning')[0] as string) - 1]).toMatch(/^::debug::retry 1 of create/)
    expect(log.filter((line) => !line.startsWith('::debug::retry') && !line.startsWith('::warning::'))).toEqual([
      `Pushing 2 secrets to ${new URL(standIn.url).host}`,
      ...[
        expect.stringMatching(/^✔ [ab]_tag: created \([ab]_tag\)$/),
        expect.stringMatching(/^::debug::[ab]_tag: 1 retry$/)
      ],
      ...[
        expect.stringMatching(/^✔ [ab]_tag: created \([ab]_tag\)$/),
        expect.stringMatching(/^::debug::[ab]_tag: 1 retry$/)
      ],
      'Done: 2 created, 0 updated, 0 deleted.'
    ])
    expect(standIn.values()).toEqual({ a_tag: 'value-a-3a3a', b_tag: 'value-b-3b3b' })
    expect(readFileSync(summaryPath, 'utf8')).toContain(
      '<li>Retries and waits: 2 requests retried; waited 7 s on Cortex&#39;s rate limit (1 × HTTP 429).</li>'
    )
  })

  it("warns of the run's own pacing when the request budget makes a request wait a second or more", async () => {
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'a_tag: value-a-4b4b',
      'rate-limit': '1'
    })
    const clock = new FakeClock()
    await run({ clock })

    expect(process.exitCode).not.toBe(1)
    expect(clock.sleeps).toEqual([60_000])
    expect(commands('warning')).toEqual(['::warning::Request budget reached (rate-limit: 1 a minute): waiting 60 s.'])
    expect(outputs().created).toBe('["a_tag"]')
  })

  it('warns that a prune was skipped; request lines are debug lines', async () => {
    standIn.seed([{ tag: 'ci_old', secret: 'old' }])
    standIn.options.intercept = (r) =>
      r.method === 'POST' ? { status: 400, body: { type: 'BAD_REQUEST', message: 'No' } } : undefined
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'ci_new: value-n-5c5c',
      prune: 'true',
      'prune-match': 'ci_*'
    })
    await run({ clock: new FakeClock() })

    expect(process.exitCode).toBe(1)
    expect(commands('warning')).toEqual([
      '::warning::Prune skipped: 1 create or update failed, so nothing was deleted.'
    ])
    expect(lines().filter((line) => REQUEST_LINE.test(line))).toEqual([
      expect.stringMatching(/^::debug::GET \/api\/v1\/secrets\?page=0&pageSize=1000 200 \d+ ms$/),
      expect.stringMatching(/^::debug::POST \/api\/v1\/secrets 400 \d+ ms$/),
      // A refused create is checked by reading the tag back.
      expect.stringMatching(/^::debug::GET \/api\/v1\/secrets\/ci_new 404 \d+ ms$/)
    ])
    expect(standIn.values()).toEqual({ ci_old: 'old' })
    expect(unescape(commands('error')[0] ?? '')).toMatch(
      /\nPrune skipped: 1 create or update failed, so nothing was deleted \(1 planned\)\.$/
    )
  })

  it('keeps each log line one line, whatever Cortex answers: server text cannot start or run a workflow command', async () => {
    const injected = '\n::set-output name=x::y\r::stop-commands::zzz\r\n::error::boom\u2028 ##[add-mask]q'
    standIn.options.intercept = (r) =>
      r.method === 'POST'
        ? { status: 400, body: { type: `BAD${injected}`, message: injected, requestId: injected } }
        : undefined
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'svc:\n  value: value-s-6d6d\n  name: "n ##[add-mask]svc ##[error]forged"'
    })
    await run({ clock: new FakeClock() })

    expect(process.exitCode).toBe(1)
    const log = lines()
    // Every line is this action's own: a workflow command it wrote, or a line of text of its own.
    expect(log.filter((line) => line.startsWith('::'))).toEqual(
      log.filter((line) => /^::(add-mask|debug|warning|error)::/.test(line))
    )
    expect(log.filter((line) => /^::(warning|error)::/.test(line))).toHaveLength(1)
    expect(stdout.join('')).not.toContain('##[')
    expect(stdout.join('')).not.toMatch(/[\u2028\u2029\u0085]/)
    const shownInjection = '⏎::set-output name=x::y⏎::stop-commands::zzz⏎::error::boom⏎ ##［add-mask]q'
    expect(log.filter((line) => line.startsWith('✖ svc'))).toEqual([
      expect.stringMatching(/^✖ svc: failed: create "svc": HTTP 400 BAD⏎::set-output name=x::y⏎/)
    ])
    expect(log.find((line) => line.startsWith('✖ svc'))).toContain(
      `: ${shownInjection} (requestId ${shownInjection}, 1 attempt)`
    )
  })

  it('breaks the older ##[command] form anywhere in a log line, which the runner would run', async () => {
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: 'svc:\n  value: value-s-7e7e\n  name: "n ##[add-mask]svc ##[error]forged"'
    })
    await run({ clock: new FakeClock() })

    expect(process.exitCode).not.toBe(1)
    expect(stdout.join('')).not.toContain('##[')
    expect(lines()).toContain('✔ svc: created (n ##［add-mask]svc ##［error]forged)')
    // What Cortex stores is the name as given.
    expect([...standIn.secrets.values()].map((s) => s.name)).toEqual(['n ##[add-mask]svc ##[error]forged'])
  })

  it('shows no value nor the key that Cortex echoes: redacted as is, the text withheld when encoded', async () => {
    const value = 'value-e-8f8f-long-enough'
    standIn.options.intercept = (r) => {
      if (r.method !== 'POST') return undefined
      const echoed = r.rawBody.includes('"a_tag"')
        ? `bad secret ${value} for key ${STAND_IN_API_KEY}`
        : `cannot parse ${Buffer.from(r.rawBody).toString('base64')}`
      return { status: 400, body: { type: 'BAD_REQUEST', message: echoed, requestId: 'r-1' } }
    }
    withInputs({
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: `a_tag: ${value}\nb_tag: ${value}-b`
    })
    await run({ clock: new FakeClock() })

    expect(process.exitCode).toBe(1)
    expect(commands('error').map((line) => unescape(line.slice('::error::'.length)))).toEqual([
      '2 of 2 secrets failed:\n' +
        '- a_tag: create "a_tag": HTTP 400 BAD_REQUEST: bad secret [redacted] for key [redacted] (requestId r-1, 1 attempt)\n' +
        `- b_tag: create "b_tag": HTTP 400 BAD_REQUEST: ${WITHHELD} (requestId r-1, 1 attempt)`
    ])
    const shown = [...lines().filter((line) => !line.startsWith('::add-mask::')), readFileSync(summaryPath, 'utf8')]
    for (const text of shown) {
      expect(text).not.toContain('value-e-')
      expect(text).not.toContain(STAND_IN_API_KEY)
    }
  })
})
