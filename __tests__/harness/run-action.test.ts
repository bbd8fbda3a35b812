/**
 * The bundled action run through the runner emulation: the step log it gets
 * is the one GitHub would show (commands applied, values masked).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { RELEASE_EVENT, runAction } from '../../harness/run-action.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const TLS_KEY = '-----BEGIN PRIVATE KEY-----\nZGVtbyBrZXkgb25seQ-4c1d==\n-----END PRIVATE KEY-----\n'
const SECRETS = 'pagerduty_token: demo-pagerduty-token-9b2e\ntls_key:\n  env: TLS_KEY\n'
const fragments = [STAND_IN_API_KEY, 'demo-pagerduty-token-9b2e', TLS_KEY, ...TLS_KEY.split('\n').filter(Boolean)]

describe('the step log of a run', () => {
  it('masks, from the first line, the values the workflow takes from secrets', async () => {
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: SECRETS },
      env: { TLS_KEY },
      jobSecrets: [STAND_IN_API_KEY, 'demo-pagerduty-token-9b2e', TLS_KEY],
      event: RELEASE_EVENT
    })
    expect(run.exitCode).toBe(0)
    expect(run.log.slice(0, 3)).toEqual(['##[group]Run ./', 'with:', '  api-key: ***'])
    expect(run.log).toContain('  secrets: pagerduty_token: ***')
    expect(run.log).toContain('  TLS_KEY: ***')
    expect(fragments.filter((f) => run.log.join('\n').includes(f))).toEqual([])
  })

  it('shows the action output with its commands applied, never a value it masked', async () => {
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: SECRETS },
      env: { TLS_KEY },
      event: RELEASE_EVENT
    })
    expect(run.exitCode).toBe(0)
    // Given in clear rather than from secrets, the runner lists the inputs before the action starts.
    expect(run.log).toContain(`  api-key: ${STAND_IN_API_KEY}`)
    const actionLines = run.log.slice(run.log.indexOf('##[endgroup]') + 1)
    expect(actionLines).toEqual([
      `Pushing 2 secrets to ${new URL(standIn.url).host}`,
      '✔ pagerduty_token: created (pagerduty_token)',
      '✔ tls_key: created (tls_key)',
      'Done: 2 created, 0 updated, 0 deleted.'
    ])
    expect(run.stdout).toContain('::add-mask::')
    expect(run.publishedSummary).toContain('<td><code>tls_key</code></td>')
  })

  it('writes the action debug lines as ##[debug] only with step debug', async () => {
    const inputs = { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: 'a_tag: value-0d4f' }
    const quiet = await runAction({ inputs })
    const debug = await runAction({ inputs, debug: true })
    expect(quiet.log.filter((l) => l.startsWith('##[debug]'))).toEqual([])
    expect(debug.log).toContainEqual(
      expect.stringMatching(/^##\[debug\]GET \/api\/v1\/secrets\?page=0&pageSize=1000 200 \d+ ms$/)
    )
    expect(debug.log).toContain('::add-mask::***')
    expect(debug.log).toContain('##[debug]Node Action run completed with exit code 0')
  })
})
