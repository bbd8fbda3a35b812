/**
 * The step's report (job summary, failure message) when the server's text is
 * hostile, when there are too many secrets for one summary, and when the
 * summary cannot be written: the action bundled from src/ against the stand-in.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { markdownBlocks, STEP_SUMMARY_LIMIT_BYTES } from '../../harness/job-summary.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const json = (text: string | undefined): string[] => JSON.parse(text ?? 'null') as string[]
const tempDir = () => mkdtempSync(join(tmpdir(), 'reporting-'))

/** Pushes `values`, of which Cortex refuses `svc_bad` with a 400 carrying `requestId`. */
function pushWithOneRejected(values: Record<string, string>, requestId: string, env: Record<string, string>) {
  standIn.options.intercept = (r) =>
    r.method === 'POST' && r.rawBody.includes('"svc_bad"')
      ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Rejected', requestId } }
      : undefined
  const secrets = Object.entries(values)
    .map(([tag, value]) => `${tag}: ${value}`)
    .join('\n')
  return runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets }, env })
}

/** Text that, on lines of its own after a blank line, markdown would render as a heading and a link. */
const BREAKOUT = '\n\n# Heading [link](http://x)\n\n<b>bold</b>\n'

describe('summary breakout', () => {
  it('keeps server text with blank lines inside the summary: one HTML block, no markdown heading', async () => {
    standIn.seed([{ tag: 'svc_named', name: `Billing${BREAKOUT}`, secret: 'old-named-value' }])
    standIn.options.intercept = (r) =>
      r.method === 'POST' && r.rawBody.includes('"svc_new"')
        ? {
            status: 400,
            body: { type: 'BAD_REQUEST', message: `Rejected${BREAKOUT}`, requestId: `req-1${BREAKOUT}` }
          }
        : undefined
    const values = { svc_named: 'named-value-5eed', svc_new: 'new-value-5eed' }
    const run = await runAction({
      inputs: {
        'api-key': STAND_IN_API_KEY,
        'api-url': standIn.url,
        secrets: Object.entries(values)
          .map(([tag, value]) => `${tag}: ${value}`)
          .join('\n')
      }
    })
    expect(run.exitCode).toBe(1)
    expect(standIn.values()).toEqual({ svc_named: 'named-value-5eed' })
    expect(run.outputs).toEqual({ created: '[]', updated: '["svc_named"]', deleted: '[]', failed: '["svc_new"]' })

    // As GitHub renders it: one HTML block, so no line of the server's text is read as markdown.
    expect(run.publishedSummary).not.toBe('')
    const blocks = markdownBlocks(run.publishedSummary)
    expect(blocks).toHaveLength(1)
    expect(blocks[0]).toMatch(/^<h2>Cortex secrets: 0 created, 1 updated, 1 failed<\/h2>\n/)
    expect(run.publishedSummary.split('\n').filter((line) => !line.startsWith('<'))).toEqual([''])
    // The server's text is still shown, each string on its row's line.
    expect(run.publishedSummary).toMatch(
      /^<tr><td><code>svc_named<\/code><\/td><td>Billing.*# Heading \[link\]\(http:\/\/x\).*&lt;b&gt;bold&lt;\/b&gt;.*<\/td><td>updated<\/td><\/tr>$/m
    )
    expect(run.publishedSummary).toMatch(
      /^<tr><td><code>svc_new<\/code><\/td><td>svc_new<\/td><td>failed: .*Rejected.*# Heading/m
    )
    expectWithinContract(standIn)
    expectNoLeak(run, Object.values(values))
  })
})

describe('summary size', () => {
  it('fits 10,000 rows within GitHub’s 1 MiB: failed rows first, the rest counted, counts exact', async () => {
    // A prune of 10,000 secrets with 60-character tags: all rows would take about 1.7 MB. (Pushing
    // 10,000 values instead would spend most of the test in the runner emulation's masker.)
    const tags = Array.from({ length: 10_000 }, (_, i) => `ci_${String(i).padStart(5, '0')}_`.padEnd(60, 'x'))
    standIn.seed(tags.map((tag) => ({ tag, secret: `old-${tag}` })))
    const refused = new Set(tags.filter((_, i) => i % 500 === 499))
    standIn.options.intercept = (r) =>
      r.method === 'DELETE' && refused.has(decodeURIComponent(r.path.split('/').pop() ?? ''))
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'In use', requestId: 'req-big' } }
        : undefined
    const run = await runAction({
      inputs: {
        'api-key': STAND_IN_API_KEY,
        'api-url': standIn.url,
        secrets: 'kept: kept-value-5eed',
        prune: 'true',
        'prune-match': '*',
        'rate-limit': '100000',
        concurrency: '64'
      }
    })

    expect(run.exitCode).toBe(1)
    expect(standIn.values()).toEqual({
      kept: 'kept-value-5eed',
      ...Object.fromEntries([...refused].map((tag) => [tag, `old-${tag}`]))
    })
    expect(json(run.outputs.deleted)).toHaveLength(10_000 - refused.size)
    expect(json(run.outputs.failed)).toEqual([...refused].sort())

    expect(Buffer.byteLength(run.summary)).toBeLessThan(STEP_SUMMARY_LIMIT_BYTES)
    expect(run.log.filter((line) => line.includes('$GITHUB_STEP_SUMMARY upload aborted'))).toEqual([])
    expect(run.publishedSummary).not.toBe('')
    expect(markdownBlocks(run.publishedSummary)).toHaveLength(1)
    expect(run.summary).toContain(
      `<h2>Cortex secrets: 1 created, 0 updated, ${10_000 - refused.size} deleted, 20 failed</h2>`
    )
    const shown = [...run.summary.matchAll(/^<tr><td><code>([^<]+)<\/code>/gm)].map((m) => m[1])
    const leftOut = Number(/<strong>(\d+) rows left out<\/strong>/.exec(run.summary)?.[1])
    expect(leftOut).toBeGreaterThan(0)
    expect(shown.length + leftOut).toBe(10_001)
    expect(shown.slice(0, refused.size)).toEqual([...refused].sort())
    expect(run.summary).toContain('list every tag.</p>')
    expectWithinContract(standIn)
    expectNoLeak(run, ['kept-value-5eed'])
  })
})

describe('a summary that cannot be written', () => {
  it.each([
    ['a directory', (dir: string) => (mkdirSync(join(dir, 'summary-dir')), join(dir, 'summary-dir'))],
    ['a path in a missing directory', (dir: string) => join(dir, 'missing', 'summary.md')]
  ])(
    'when GITHUB_STEP_SUMMARY is %s, the step still fails with the failed secrets, and warns',
    async (_, summaryPath) => {
      const values = { svc_bad: 'bad-value-5eed', svc_ok: 'ok-value-5eed' }
      const run = await pushWithOneRejected(values, 'req-b', { GITHUB_STEP_SUMMARY: summaryPath(tempDir()) })
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
    }
  )

  it('when the summary cannot be written and nothing failed, the step passes with a warning', async () => {
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: 'svc_ok: ok-value-5eed' },
      env: { GITHUB_STEP_SUMMARY: join(tempDir(), 'missing', 'summary.md') }
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^::warning::Job summary not written: .+$/m)
    expect(run.outputs.created).toBe('["svc_ok"]')
    expect(standIn.values()).toEqual({ svc_ok: 'ok-value-5eed' })
    expectWithinContract(standIn)
    expectNoLeak(run, ['ok-value-5eed'])
  })
})

describe('outputs that cannot be written', () => {
  it("keep the failed secrets as the step's message, with the reason the outputs are missing added", async () => {
    const values = { svc_bad: 'bad-value-7a7a', svc_ok: 'ok-value-7a7a' }
    const run = await pushWithOneRejected(values, 'req-o', { GITHUB_OUTPUT: join(tempDir(), 'missing', 'output') })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /^::error::1 of 2 secrets failed:%0A- svc_bad: create "svc_bad": HTTP 400 BAD_REQUEST: Rejected \(requestId req-o, 1 attempt\)%0AOutputs not written: .+$/m
    )
    expect(run.stdout.match(/^::error::/gm)).toHaveLength(1)
    expect(standIn.values()).toEqual({ svc_ok: 'ok-value-7a7a' })
    expectWithinContract(standIn)
    expectNoLeak(run, Object.values(values))
  })
})
