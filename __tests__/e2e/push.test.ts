/**
 * The action bundled from src/, run as the runner runs it under Node 24, against the local
 * Cortex stand-in: a push, the value forms, and a push that fails, as the runner sees them
 * (masks, outputs, the job summary, ::error::, the exit code). Races, pages and request counts
 * are the engine's: __tests__/engine/sync.test.ts and sync-faults.test.ts.
 */
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { DISPATCH_EVENT, RELEASE_EVENT, runAction } from '../../harness/run-action.ts'
import { expectMasked, expectNoLeak, expectWithinContract } from '../support/expectations.ts'
import { TRICKY_VALUES } from '../support/tricky-values.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

/** The `secrets` input as a workflow would write it: env: for the tricky values. */
function envForm(values: Record<string, string>): { secrets: string; env: Record<string, string> } {
  const env: Record<string, string> = {}
  const lines = Object.keys(values).map((tag) => {
    env[`VALUE_${tag.toUpperCase()}`] = values[tag] as string
    return `${tag}:\n  env: VALUE_${tag.toUpperCase()}`
  })
  return { secrets: lines.join('\n'), env }
}

const sorted = (tags: string[]) => JSON.stringify([...tags].sort())

describe('pushing secrets', () => {
  it('creates new tags byte for byte on a release, then updates them on a second run', async () => {
    const first = envForm(TRICKY_VALUES)
    const run1 = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: first.secrets },
      env: first.env,
      event: RELEASE_EVENT,
      debug: true
    })
    expect(run1.stderr).toBe('')
    expect(run1.exitCode).toBe(0)
    expect(standIn.values()).toEqual(TRICKY_VALUES)
    expect([...standIn.secrets.values()].every((s) => s.name === s.tag)).toBe(true)
    expect(run1.outputs).toEqual({
      created: sorted(Object.keys(TRICKY_VALUES)),
      updated: '[]',
      deleted: '[]',
      failed: '[]'
    })
    expect(standIn.requests.map((r) => r.method)).toEqual(['GET', ...Object.keys(TRICKY_VALUES).map(() => 'POST')])
    expect(run1.summary).toContain('<li>Trigger: release v1.4.0</li>')
    expect(run1.summary).toContain(
      '<li>Repository: acme/payments, <a href="https://github.com/acme/payments/actions/runs/4242">run</a></li>'
    )
    expect(run1.summary).toContain(`<li>Cortex host: <code>${new URL(standIn.url).host}</code></li>`)
    expect(run1.summary).toContain('<tr><td><code>tls_key</code></td><td>tls_key</td><td>created</td></tr>')
    // debug lines: method, path, status and milliseconds, never a body
    expect(run1.stdout).toMatch(/^::debug::GET \/api\/v1\/secrets\?page=0&pageSize=1000 200 \d+ ms$/m)
    expect(run1.stdout).toMatch(/^::debug::POST \/api\/v1\/secrets 200 \d+ ms$/m)
    expect(run1.stdout).toMatch(/^✔ tls_key: created \(tls_key\)$/m)
    expectMasked(run1, [STAND_IN_API_KEY, ...Object.values(TRICKY_VALUES)])
    expectNoLeak(run1, Object.values(TRICKY_VALUES))
    expectWithinContract(standIn)

    const changed = Object.fromEntries(Object.entries(TRICKY_VALUES).map(([tag, v]) => [tag, `${v}\nchanged-${tag}`]))
    const second = envForm(changed)
    standIn.requests.length = 0
    const run2 = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: second.secrets },
      env: second.env,
      event: DISPATCH_EVENT,
      actor: 'release-bot'
    })
    expect(run2.exitCode).toBe(0)
    expect(standIn.values()).toEqual(changed)
    expect(run2.outputs).toEqual({
      created: '[]',
      updated: sorted(Object.keys(TRICKY_VALUES)),
      deleted: '[]',
      failed: '[]'
    })
    expect(standIn.requests.map((r) => r.method)).toEqual(['GET', ...Object.keys(TRICKY_VALUES).map(() => 'PUT')])
    // no name in the input: the update must not send one
    expect(standIn.requestsWith('PUT').map((r) => Object.keys(JSON.parse(r.rawBody)))).toEqual(
      Object.keys(TRICKY_VALUES).map(() => ['secret'])
    )
    expect(run2.summary).toContain('<li>Trigger: workflow_dispatch by release-bot</li>')
    expect(run2.summary).toContain('<tr><td><code>tls_key</code></td><td>tls_key</td><td>updated</td></tr>')
    expectNoLeak(run2, [...Object.values(TRICKY_VALUES), ...Object.values(changed)])
    expectWithinContract(standIn)
  })

  it('takes values inline, as toJSON(...) and from a dotenv secrets-file, with names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-file-'))
    const dotenv = join(dir, 'cortex.env')
    writeFileSync(dotenv, `FROM_FILE="${TRICKY_VALUES.tls_key?.replace(/\n/g, '\\n')}"\nPLAIN_FILE=file-plain-6a1c\n`)
    const secrets = [
      'plain_token: ghp-plain-token-1b2c',
      `json_value: ${JSON.stringify(TRICKY_VALUES.crlf_value)}`,
      'named:',
      `  value: ${JSON.stringify(TRICKY_VALUES.quoted_value)}`,
      '  name: Named <secret> & co'
    ].join('\n')
    standIn.seed([{ tag: 'named', name: 'Old name', secret: 'old-value-3f3f' }])
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, 'secrets-file': dotenv }
    })
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual({
      named: TRICKY_VALUES.quoted_value,
      plain_token: 'ghp-plain-token-1b2c',
      json_value: TRICKY_VALUES.crlf_value,
      FROM_FILE: TRICKY_VALUES.tls_key,
      PLAIN_FILE: 'file-plain-6a1c'
    })
    expect(standIn.secrets.get('named')?.name).toBe('Named <secret> & co')
    expect(run.outputs.created).toBe(sorted(['plain_token', 'json_value', 'FROM_FILE', 'PLAIN_FILE']))
    expect(run.outputs.updated).toBe('["named"]')
    expect(run.summary).toContain('<td>Named &lt;secret&gt; &amp; co</td><td>updated</td>')
    expectNoLeak(run, [...Object.values(standIn.values()), 'old-value-3f3f'])
    expectWithinContract(standIn)
  })
})

describe('one secret failing', () => {
  it('does not stop the others; the step fails listing the tag with type, message and requestId', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && JSON.parse(r.rawBody).tag === 'doomed'
        ? {
            status: 400,
            body: { type: 'BAD_REQUEST', message: 'Secret rejected', httpStatus: 400, requestId: 'req-doomed-1' }
          }
        : undefined
    const secrets = 'alpha: alpha-value-11\ndoomed: doomed-value-22\nomega: omega-value-33\n'
    const run = await runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets } })
    expect(run.exitCode).toBe(1)
    expect(standIn.values()).toEqual({ alpha: 'alpha-value-11', omega: 'omega-value-33' })
    expect(run.outputs).toEqual({ created: '["alpha","omega"]', updated: '[]', deleted: '[]', failed: '["doomed"]' })
    expect(run.stdout).toContain(
      '::error::1 of 3 secrets failed:%0A- doomed: create "doomed": HTTP 400 BAD_REQUEST: Secret rejected (requestId req-doomed-1, 1 attempt)'
    )
    expect(run.summary).toContain(
      '<td>failed: create &quot;doomed&quot;: HTTP 400 BAD_REQUEST: Secret rejected (requestId req-doomed-1, 1 attempt)</td>'
    )
    expectNoLeak(run, ['alpha-value-11', 'doomed-value-22', 'omega-value-33'])
  })
})
