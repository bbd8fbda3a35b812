/**
 * The step's verdict when the job summary cannot be written, or a chunk of dist/ cannot be
 * loaded: the action bundled from src/ against the stand-in. What the summary holds (escaping, one HTML block, the 1 MiB budget)
 * is __tests__/unit/summary.test.ts's; outputs that cannot be written, and a summary that
 * cannot be written on a run that passes, are __tests__/action/main.test.ts's.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { defaultActionDir, runAction } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

describe('a summary that cannot be written', () => {
  it('when GITHUB_STEP_SUMMARY is a path in a missing directory, the step still fails with the failed secrets, and warns', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && r.rawBody.includes('"svc_bad"')
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Rejected', requestId: 'req-b' } }
        : undefined
    const values = { svc_bad: 'bad-value-5eed', svc_ok: 'ok-value-5eed' }
    const run = await runAction({
      inputs: {
        'api-key': STAND_IN_API_KEY,
        'api-url': standIn.url,
        secrets: Object.entries(values)
          .map(([tag, value]) => `${tag}: ${value}`)
          .join('\n')
      },
      env: { GITHUB_STEP_SUMMARY: join(mkdtempSync(join(tmpdir(), 'reporting-')), 'missing', 'summary.md') }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /^::error::1 of 2 secrets failed:%0A- svc_bad: create "svc_bad": HTTP 400 BAD_REQUEST: Rejected \(requestId req-b, 1 attempt\)$/m
    )
    expect(run.stdout).toMatch(/^::warning::Job summary not written: .+$/m)
    expect(run.stdout.match(/^::error::/gm)).toHaveLength(1)
    expect(run.outputs).toEqual({ created: '["svc_ok"]', updated: '[]', deleted: '[]', failed: '["svc_bad"]' })
    expect(standIn.values()).toEqual({ svc_ok: 'ok-value-5eed' })
    expectWithinContract(standIn)
    expectNoLeak(run, Object.values(values))
  })
})

describe('a chunk of dist/ that cannot be loaded', () => {
  it('fails the step before any request, saying which file, with the four outputs written', async () => {
    const actionDir = mkdtempSync(join(tmpdir(), 'reporting-action-'))
    cpSync(defaultActionDir(), actionDir, { recursive: true })
    const client = readdirSync(join(actionDir, 'dist')).find((file) => /^client-.*\.js$/.test(file)) as string
    rmSync(join(actionDir, 'dist', client))

    const run = await runAction({
      actionDir,
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: 'svc_token: token-value-5eed' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(new RegExp(`^::error::Cannot find module '.*/dist/${client}'`, 'm'))
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '[]' })
    expect(run.summary).toContain(client)
    expect(standIn.requests).toEqual([])
    expectNoLeak(run, ['token-value-5eed'])
  })
})
