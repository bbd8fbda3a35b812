import { describe, expect, it } from '@jest/globals'
import { CortexApiError } from '../../src/cortex/cortex-api-error.ts'
import { escapeHtml, renderJobSummary } from '../../src/report/job-summary.ts'
import { failureMessage, tagsByOutcome } from '../../src/report/outcomes.ts'
import { RetryTally } from '../../src/report/retry-tally.ts'
import { describeRun } from '../../src/report/run-context.ts'
import type { SecretResult } from '../../src/sync/apply.ts'

const failure = new CortexApiError({
  operation: 'create',
  tag: 'b_tag',
  status: 400,
  type: 'BAD_REQUEST',
  detail: 'Invalid <value>',
  requestId: 'req-1'
})
const results: SecretResult[] = [
  { tag: 'z_tag', name: 'Zed', outcome: 'created' },
  { tag: 'b_tag', name: 'B & <b>', outcome: 'failed', error: failure },
  { tag: 'a_tag', name: 'a_tag', outcome: 'updated' },
  { tag: 'c_tag', name: 'c_tag', outcome: 'created' }
]

describe('outcomes', () => {
  it('groups tags by outcome, sorted', () => {
    expect(tagsByOutcome(results)).toEqual({
      created: ['c_tag', 'z_tag'],
      updated: ['a_tag'],
      deleted: [],
      failed: ['b_tag']
    })
  })

  it('lists each failed tag with type, message and requestId', () => {
    expect(failureMessage({ results })).toBe(
      '1 of 4 secrets failed:\n- b_tag: create "b_tag": HTTP 400 BAD_REQUEST: Invalid <value> (requestId req-1, 1 attempt)'
    )
    expect(failureMessage({ results: results.filter((r) => r.outcome !== 'failed') })).toBeUndefined()
    expect(failureMessage({ results: results.filter((r) => r.outcome === 'failed') })).toMatch(/^1 of 1 secret failed:/)
  })
})

describe('job summary', () => {
  it('escapes everything it writes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
    const html = renderJobSummary({
      run: { trigger: 'release <v1>', repository: 'acme/x', runUrl: 'https://github.com/acme/x/actions/runs/1' },
      cortexHost: 'api.getcortexapp.com',
      report: { results, dryRun: false }
    })
    expect(html).toContain('<li>Trigger: release &lt;v1&gt;</li>')
    expect(html).toContain(
      '<td>B &amp; &lt;b&gt;</td><td>failed: create &quot;b_tag&quot;: HTTP 400 BAD_REQUEST: Invalid &lt;value&gt; (requestId req-1, 1 attempt)</td>'
    )
    expect(html).toContain('<h2>Cortex secrets: 2 created, 1 updated, 1 failed</h2>')
    const rowTags = [...html.matchAll(/<tr><td><code>([^<]+)<\/code>/g)].map((m) => m[1])
    expect(rowTags).toEqual(['a_tag', 'b_tag', 'c_tag', 'z_tag'])
  })
})

describe('describeRun', () => {
  const base = { actor: 'octocat', serverUrl: 'https://github.com', runId: 9, repo: { owner: 'acme', repo: 'x' } }
  it('names the release tag for a release', () => {
    const run = describeRun({ ...base, eventName: 'release', payload: { release: { tag_name: 'v2.0.0' } } })
    expect(run).toEqual({
      trigger: 'release v2.0.0',
      repository: 'acme/x',
      runUrl: 'https://github.com/acme/x/actions/runs/9'
    })
  })
  it('names the actor for a manual run', () => {
    expect(describeRun({ ...base, eventName: 'workflow_dispatch', payload: {} }).trigger).toBe(
      'workflow_dispatch by octocat'
    )
  })
})

describe('RetryTally', () => {
  it('counts retries per tag and describes retries and waits for the summary', () => {
    const tally = new RetryTally()
    expect(tally.describe()).toBeUndefined()
    tally.recordRetry({ attempt: 1, reason: 'HTTP 429', delayMs: 1000, pause: 'new', tag: 'z_tag' })
    tally.recordRetry({ attempt: 1, reason: 'HTTP 429', delayMs: 1000, pause: 'extended', tag: 'c_tag' })
    tally.recordRetry({ attempt: 2, reason: 'HTTP 503', delayMs: 300, tag: 'z_tag' })
    tally.recordWait(1500, 'rate-limited')
    tally.recordWait(20, 'paced')
    expect(tally.retriesFor('z_tag')).toBe(2)
    expect(tally.describe()).toBe("3 requests retried; waited 1.5 s on Cortex's rate limit (1 × HTTP 429).")
    tally.recordWait(2000, 'paced')
    expect(tally.describe()).toMatch(/; paced 2\.0 s to stay within rate-limit\.$/)
    const html = renderJobSummary({
      run: { trigger: 't', repository: 'r', runUrl: 'u' },
      cortexHost: 'h',
      report: { results, dryRun: false },
      tally
    })
    expect(html).toContain('<td><code>z_tag</code></td><td>Zed</td><td>created (2 retries)</td>')
    expect(html).toContain('<li>Retries and waits: 3 requests retried;')
  })
})

describe('prune and dry run in the summary and the failure message', () => {
  const run = { trigger: 't', repository: 'r', runUrl: 'u' }
  it('shows a dry run as a plan', () => {
    const html = renderJobSummary({
      run,
      cortexHost: 'h',
      report: {
        dryRun: true,
        results: [
          { tag: 'a', name: 'A', outcome: 'created' },
          { tag: 'b', name: 'B', outcome: 'deleted' }
        ]
      }
    })
    expect(html).toContain(
      '<h2>Cortex secrets (dry run): 1 would create, 0 would update, 1 would delete, 0 failed</h2>'
    )
    expect(html).toContain('<td><code>b</code></td><td>B</td><td>would delete</td>')
    expect(html).toContain('only read requests were made')
  })
  it('says why a prune was skipped', () => {
    const report = {
      dryRun: false,
      results,
      pruneSkipped: { reason: '1 create or update failed, so nothing was deleted', tags: ['old_1', 'old_2'] }
    }
    expect(renderJobSummary({ run, cortexHost: 'h', report })).toContain(
      '<p><strong>Prune skipped</strong>: 1 create or update failed, so nothing was deleted. Planned deletions: <code>old_1</code>, <code>old_2</code>.</p>'
    )
    expect(failureMessage(report)).toMatch(
      /\nPrune skipped: 1 create or update failed, so nothing was deleted \(2 planned\)\.$/
    )
  })
})
