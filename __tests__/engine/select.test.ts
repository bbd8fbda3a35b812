/** pushSecrets in this process against the stand-in, with settings read from select, strip-prefix and tag-case. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { readSettings, type Settings } from '../../src/settings.ts'
import type { SecretResult } from '../../src/sync/results.ts'
import { createdTag, push, requestLines, tagOf } from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const PEM = '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0B\r\n-----END PRIVATE KEY-----\r\n'

/** What `${{ toJSON(secrets) }}` gives a job: github_token, the api key itself, and the team's secrets. */
const JOB_SECRETS: Record<string, string> = {
  github_token: 'ghs_job-token-value-00aa',
  CORTEX_API_KEY: STAND_IN_API_KEY,
  CORTEX_PAGERDUTY_TOKEN: 'pd-value-11bb',
  CORTEX_TLS_KEY: PEM,
  CORTEX_NEW_ONE: 'new-value-22cc',
  MY_CORTEX_X: 'unselected-value-33dd',
  cortex_lower: 'unselected-value-44ee'
}

const toJson = (secrets: Record<string, string>) =>
  `{\n${Object.entries(secrets)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(',\n')}\n}`

/** Settings as the action reads them from its inputs, against the stand-in. */
function settingsFrom(inputs: Record<string, string>): Settings {
  const all: Record<string, string> = {
    'api-key': STAND_IN_API_KEY,
    'api-url': standIn.url,
    secrets: toJson(JOB_SECRETS),
    select: 'CORTEX_*',
    'strip-prefix': 'CORTEX_',
    'tag-case': 'lower',
    ...inputs
  }
  return readSettings({ getInput: (name) => all[name] ?? '', env: {}, readFile: () => '', maskValue: () => {} })
}

const seedWorkspace = () =>
  standIn.seed([
    { tag: 'pagerduty_token', name: 'PagerDuty', secret: 'old-pd' },
    { tag: 'tls_key', secret: 'old-tls' },
    { tag: 'stale_one', secret: 'old-stale' },
    { tag: 'CORTEX_NEW_ONE', secret: 'old-unrenamed' },
    { tag: 'keep_manual', secret: 'old-manual' }
  ])

const plan = (results: readonly SecretResult[]) =>
  results.map(({ tag, key, name, outcome }) => ({ tag, key, name, outcome })).sort((a, b) => (a.tag < b.tag ? -1 : 1))

describe('a run with select', () => {
  it('gives each input secret its key, a deletion none, in the results and in what the reporter hears', async () => {
    seedWorkspace()
    const settings = settingsFrom({ prune: 'true', 'prune-match': '*\n!keep_*' })
    const { result, reporter } = await push(settings)

    expect(result.failure).toBeUndefined()
    const expected = [
      { tag: 'CORTEX_NEW_ONE', key: undefined, name: 'CORTEX_NEW_ONE', outcome: 'deleted' },
      { tag: 'new_one', key: 'CORTEX_NEW_ONE', name: 'new_one', outcome: 'created' },
      { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', name: 'PagerDuty', outcome: 'updated' },
      { tag: 'stale_one', key: undefined, name: 'stale_one', outcome: 'deleted' },
      { tag: 'tls_key', key: 'CORTEX_TLS_KEY', name: 'tls_key', outcome: 'updated' }
    ]
    expect(plan(result.results)).toEqual(expected)
    expect(plan(reporter.results.map((r) => r.result))).toEqual(expected)
    for (const { result: r } of reporter.results) expect([r.tag, 'key' in r]).toEqual([r.tag, r.outcome !== 'deleted'])
    expect(reporter.starts).toEqual([
      {
        secrets: 3,
        host: new URL(standIn.url).host,
        dryRun: false,
        prune: true,
        selection: {
          keys: 7,
          leftOut: [
            {
              key: 'CORTEX_API_KEY',
              reason: 'its value is the api-key input; pushed only when select names it exactly'
            }
          ]
        }
      }
    ])
    expect(standIn.values()).toEqual({
      pagerduty_token: 'pd-value-11bb',
      tls_key: PEM,
      new_one: 'new-value-22cc',
      keep_manual: 'old-manual'
    })
  })

  it('gives a failed input secret its key, and a failed deletion none', async () => {
    seedWorkspace()
    standIn.options.intercept = (r) =>
      r.method === 'PUT' && tagOf(r.path) === 'tls_key' ? { status: 422, body: { message: 'Refused' } } : undefined
    const { result } = await push(settingsFrom({ prune: 'true', 'prune-match': 'stale_*' }))
    const failed = result.results.filter((r) => r.outcome === 'failed')
    expect(failed.map(({ tag, key }) => ({ tag, key }))).toEqual([{ tag: 'tls_key', key: 'CORTEX_TLS_KEY' }])
    // A failed write skips the prune: nothing deleted, the planned deletion has no key either.
    expect(result.pruneSkipped?.tags).toEqual(['stale_one'])
    standIn.options.intercept = (r) =>
      r.method === 'DELETE' && tagOf(r.path) === 'stale_one' ? { status: 400, body: { message: 'In use' } } : undefined
    const second = await push(settingsFrom({ prune: 'true', 'prune-match': 'stale_*' }))
    const failedDelete = second.result.results.find((r) => r.tag === 'stale_one')
    expect(failedDelete?.outcome).toBe('failed')
    expect(failedDelete && 'key' in failedDelete).toBe(false)
  })

  it('plans in a dry run, with select and prune, exactly what the real run then does', async () => {
    seedWorkspace()
    const before = standIn.values()
    const inputs = { prune: 'true', 'prune-match': '*\n!keep_*' }

    const dry = await push(settingsFrom({ ...inputs, 'dry-run': 'true' }))
    expect(requestLines(standIn)).toEqual(['GET list page 0'])
    expect(standIn.values()).toEqual(before)
    expect(dry.result.failure).toBeUndefined()
    expect(dry.reporter.results.every((r) => r.dryRun)).toBe(true)

    standIn.requests.length = 0
    const real = await push(settingsFrom(inputs))
    expect(plan(real.result.results)).toEqual(plan(dry.result.results))
    expect(plan(real.reporter.results.map((r) => r.result))).toEqual(plan(dry.reporter.results.map((r) => r.result)))
    expect(requestLines(standIn).sort()).toEqual([
      'DELETE CORTEX_NEW_ONE',
      'DELETE stale_one',
      'GET list page 0',
      'POST new_one',
      'PUT pagerduty_token',
      'PUT tls_key'
    ])
    // Nothing the run did names a key select skipped, nor the keys it left out.
    const touched = standIn.requests.map((r) => (r.method === 'POST' ? createdTag(r.rawBody) : tagOf(r.path)))
    for (const key of ['github_token', 'CORTEX_API_KEY', 'MY_CORTEX_X', 'cortex_lower', 'api_key']) {
      expect(touched).not.toContain(key)
    }
    expect(standIn.values()).toEqual({
      pagerduty_token: 'pd-value-11bb',
      tls_key: PEM,
      new_one: 'new-value-22cc',
      keep_manual: 'old-manual'
    })
  })
})
