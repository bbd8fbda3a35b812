import { describe, expect, it } from '@jest/globals'
import { CortexApiError, type SecretResult } from '../../src/domain/secret.ts'
import { RetryTally } from '../../src/report/log.ts'
import {
  describeRun,
  renderJobSummary,
  SUMMARY_BUDGET_BYTES,
  SUMMARY_TEXT_CHARS,
  summaryText
} from '../../src/report/summary.ts'

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
const run = { trigger: 't', repository: 'r', runUrl: 'u' }

describe('summaryText', () => {
  it('escapes everything it writes', () => {
    expect(summaryText(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })

  it('writes one line, control characters shown as showControls shows them', () => {
    expect(summaryText('a\r\nb\u2028c\td\x1b\u202e')).toBe('a⏎b⏎c d␛\uFFFD')
  })

  it('cuts at 500 characters, ending in …, never inside a surrogate pair; escapes after cutting', () => {
    expect(SUMMARY_TEXT_CHARS).toBe(500)
    expect(summaryText('x'.repeat(500))).toBe('x'.repeat(500))
    expect(summaryText('x'.repeat(501))).toBe(`${'x'.repeat(499)}…`)
    expect(summaryText(`${'x'.repeat(498)}😀😀`)).toBe(`${'x'.repeat(498)}…`)
    expect(summaryText('<'.repeat(600))).toBe(`${'&lt;'.repeat(499)}…`)
  })
})

describe('job summary', () => {
  it('escapes everything it writes; failed rows first, then the rest by tag', () => {
    const html = renderJobSummary({
      run: { trigger: 'release <v1>', repository: 'acme/x', runUrl: 'https://github.com/acme/x/actions/runs/1' },
      cortexHost: 'api.getcortexapp.com',
      report: { results, dryRun: false }
    })
    expect(html).toContain('<li>Trigger: release &lt;v1&gt;</li>')
    expect(html).toContain('<li>Cortex host: <code>api.getcortexapp.com</code></li>')
    expect(html).toContain(
      '<td>B &amp; &lt;b&gt;</td><td>failed: create &quot;b_tag&quot;: HTTP 400 BAD_REQUEST: Invalid &lt;value&gt; (requestId req-1, 1 attempt)</td>'
    )
    expect(html).toContain('<h2>Cortex secrets: 2 created, 1 updated, 1 failed</h2>')
    const rowTags = [...html.matchAll(/<tr><td><code>([^<]+)<\/code>/g)].map((m) => m[1])
    expect(rowTags).toEqual(['b_tag', 'a_tag', 'c_tag', 'z_tag'])
  })

  const HOSTILE = '\n\n# Heading [link](http://x)\r\n\r\n<b>x</b>\u2028\u2029\u0085\t\n'

  it('writes every string on one line, so server text cannot end the HTML block and become markdown', () => {
    const error = new CortexApiError({
      operation: 'create',
      tag: 'svc',
      status: 400,
      type: `BAD${HOSTILE}`,
      detail: `Bad${HOSTILE}`,
      requestId: `req${HOSTILE}`
    })
    const html = renderJobSummary({
      run: { trigger: `release ${HOSTILE}`, repository: `acme/x${HOSTILE}`, runUrl: `https://github.com/${HOSTILE}` },
      cortexHost: `h${HOSTILE}`,
      report: {
        dryRun: false,
        results: [
          { tag: `svc${HOSTILE}`, name: `Name${HOSTILE}`, outcome: 'failed', error },
          { tag: 'ok', name: `Ok${HOSTILE}`, outcome: 'created' }
        ],
        pruneSkipped: { reason: `reason${HOSTILE}`, tags: [`old${HOSTILE}`] }
      },
      selection: { keys: 2, leftOut: [{ key: `k${HOSTILE}`, reason: `why${HOSTILE}` }] }
    })
    const lines = html.split('\n')
    expect(lines.pop()).toBe('')
    // A blank line (empty or only spaces and tabs) would end the HTML block: there is none.
    expect(lines.filter((line) => /^[ \t]*$/.test(line))).toEqual([])
    expect(lines.every((line) => line.startsWith('<'))).toBe(true)
    expect(html).not.toMatch(/[\r\u0085\u2028\u2029\t]/)
    // Line breaks show as ⏎ (showControls), where the old oneLine wrote \n.
    expect(html).toContain('<td>Name⏎⏎# Heading [link](http://x)⏎⏎&lt;b&gt;x&lt;/b&gt;⏎⏎⏎ ⏎</td>')
  })

  it('shows `key → tag` in the tag cell, HTML-escaped, and a deletion by its tag', () => {
    const refused = new CortexApiError({ operation: 'create', tag: 'x', status: 400, detail: 'Refused' })
    const html = renderJobSummary({
      run,
      cortexHost: 'h',
      report: {
        dryRun: false,
        results: [
          { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', name: 'pagerduty_token', outcome: 'created' },
          { tag: 'stale', name: 'stale', outcome: 'deleted' },
          { tag: 'odd', key: `K<b>&"'`, name: 'odd', outcome: 'failed', error: refused }
        ]
      }
    })
    expect(html).toContain(
      '<tr><td><code>CORTEX_PAGERDUTY_TOKEN</code> → <code>pagerduty_token</code></td><td>pagerduty_token</td><td>created</td></tr>'
    )
    expect(html).toContain('<tr><td><code>stale</code></td><td>stale</td><td>deleted</td></tr>')
    expect(html).toContain('<tr><td><code>K&lt;b&gt;&amp;&quot;&#39;</code> → <code>odd</code></td>')
    expect(html).not.toContain('<b>')
  })

  it('says a failure without an error is an unknown error', () => {
    const html = renderJobSummary({
      run,
      cortexHost: 'h',
      report: { dryRun: false, results: [{ tag: 'a', name: 'A', outcome: 'failed' }] }
    })
    expect(html).toContain('<td><code>a</code></td><td>A</td><td>failed: unknown error</td>')
  })
})

describe('job summary size', () => {
  /** GitHub refuses a step summary over 1 MiB; the budget keeps a margin below it. */
  const GITHUB_LIMIT_BYTES = 1024 * 1024
  const failedAt = (i: number) => i % 97 === 5
  const many = (n: number, tagLength = 40): SecretResult[] =>
    Array.from({ length: n }, (_, i) => {
      const tag = `svc_${String(i).padStart(6, '0')}_`.padEnd(tagLength, 'x')
      if (!failedAt(i)) return { tag, name: `Service ${i} credentials`, outcome: i % 2 ? 'created' : 'updated' }
      const error = new CortexApiError({
        operation: 'create',
        tag,
        status: 400,
        detail: 'Rejected',
        requestId: `r${i}`
      })
      return { tag, name: tag, outcome: 'failed', error }
    })
  const rowTags = (html: string) => [...html.matchAll(/<tr><td><code>([^<]*)<\/code>/g)].map((m) => m[1])
  const leftOut = (html: string) => Number(/(\d+) rows? left out/.exec(html)?.[1] ?? 0)

  it.each([10_000, 100_000])(
    'fits %i results within the budget, counts exact, failed rows first, the rest counted as left out',
    (n) => {
      const results = many(n)
      const html = renderJobSummary({ run, cortexHost: 'h', report: { results, dryRun: false } })
      expect(SUMMARY_BUDGET_BYTES).toBeLessThan(GITHUB_LIMIT_BYTES * 0.96)
      expect(Buffer.byteLength(html)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)

      const failed = results.filter((r) => r.outcome === 'failed').length
      const created = results.filter((r) => r.outcome === 'created').length
      expect(html).toContain(
        `<h2>Cortex secrets: ${created} created, ${n - created - failed} updated, ${failed} failed</h2>`
      )
      const shown = rowTags(html)
      expect(shown.length + leftOut(html)).toBe(n)
      expect(leftOut(html)).toBeGreaterThan(0)
      expect(html).toContain(
        `<p><strong>${leftOut(html)} rows left out</strong>: the table shows the first ${shown.length} of ${n} secrets (failed ones first)`
      )
      expect(html).toMatch(
        /the outputs <code>created<\/code>, <code>updated<\/code>, <code>deleted<\/code> and <code>failed<\/code> list every tag/
      )
      const failedTags = results
        .filter((r) => r.outcome === 'failed')
        .map((r) => r.tag)
        .sort()
      expect(shown.slice(0, failed)).toEqual(failedTags)
      expect(new Set(shown).size).toBe(shown.length)
    }
  )

  it('shows every row, without a left-out line, when they fit', () => {
    const html = renderJobSummary({ run, cortexHost: 'h', report: { results: many(1000), dryRun: false } })
    expect(rowTags(html)).toHaveLength(1000)
    expect(html).not.toMatch(/left out/)
  })

  it('holds the budget whatever the lengths of tags, names and messages', () => {
    const huge = (unit: string) => unit.repeat(200_000)
    const results: SecretResult[] = Array.from({ length: 300 }, (_, i) => {
      const error = new CortexApiError({
        operation: 'update',
        tag: 't',
        status: 400,
        detail: huge('"<'),
        requestId: huge('&')
      })
      return { tag: `${i}${huge("'")}`, name: huge('\u{1F511}'), outcome: i % 3 ? 'updated' : 'failed', error }
    })
    const html = renderJobSummary({
      run: { trigger: huge('"'), repository: huge('<'), runUrl: huge('&') },
      cortexHost: huge('>'),
      report: { results, dryRun: false, pruneSkipped: { reason: huge('"'), tags: results.map((r) => r.tag) } }
    })
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)
    expect(html).toContain('<h2>Cortex secrets: 0 created, 200 updated, 0 deleted, 100 failed</h2>')
    expect(rowTags(html).length + leftOut(html)).toBe(300)
    // A cut string ends in an ellipsis and never splits a character in two.
    expect(html).toMatch(/(\u{1F511})+…<\/td>/u)
    expect(html).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
  })

  it("keeps a skipped prune's planned deletions within the budget, counting the ones not listed", () => {
    const planned = Array.from({ length: 100_000 }, (_, i) => `old_${String(i).padStart(6, '0')}`)
    const html = renderJobSummary({
      run,
      cortexHost: 'h',
      report: { results: many(10_000), dryRun: false, pruneSkipped: { reason: 'writes failed', tags: planned } }
    })
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)
    const listed = [...html.matchAll(/<code>(old_\d+)<\/code>/g)].length
    expect(listed).toBeGreaterThan(0)
    expect(html).toContain(`and ${100_000 - listed} more.</p>`)
  })
})

describe('describeRun', () => {
  const base = { actor: 'octocat', serverUrl: 'https://github.com', runId: 9, repo: { owner: 'acme', repo: 'x' } }
  it('names the release tag for a release', () => {
    const context = describeRun({ ...base, eventName: 'release', payload: { release: { tag_name: 'v2.0.0' } } })
    expect(context).toEqual({
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
  it('names any other event as it is, and an unknown one as such', () => {
    expect(describeRun({ ...base, eventName: 'push', payload: {} }).trigger).toBe('push')
    expect(describeRun({ ...base, eventName: 'release', payload: {} }).trigger).toBe('release')
    expect(describeRun({ ...base, eventName: '', payload: {} }).trigger).toBe('unknown event')
    expect(describeRun({ ...base, eventName: 'push', payload: {}, repo: { owner: '', repo: '' } }).repository).toBe('')
  })
})

describe('retries, prune and dry run in the summary', () => {
  it('notes retries per row and describes retries and waits', () => {
    const tally = new RetryTally()
    tally.recordRetry({ pause: 'new', tag: 'z_tag' })
    tally.recordRetry({ pause: 'extended', tag: 'c_tag' })
    tally.recordRetry({ tag: 'z_tag' })
    tally.recordWait(1500, 'rate-limited')
    const html = renderJobSummary({ run, cortexHost: 'h', report: { results, dryRun: false }, tally })
    expect(html).toContain('<td><code>z_tag</code></td><td>Zed</td><td>created (2 retries)</td>')
    expect(html).toContain('<td><code>c_tag</code></td><td>c_tag</td><td>created (1 retry)</td>')
    expect(html).toContain(
      '<li>Retries and waits: 3 requests retried; waited 1.5 s on Cortex&#39;s rate limit (1 × HTTP 429).</li>'
    )
    expect(renderJobSummary({ run, cortexHost: 'h', report: { results, dryRun: false } })).not.toContain('Retries')
  })

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

  it('says why a prune was skipped, with its planned deletions', () => {
    const report = {
      dryRun: false,
      results,
      pruneSkipped: { reason: '1 create or update failed, so nothing was deleted', tags: ['old_1', 'old_2'] }
    }
    const html = renderJobSummary({ run, cortexHost: 'h', report })
    expect(html).toContain(
      '<p><strong>Prune skipped</strong>: 1 create or update failed, so nothing was deleted. Planned deletions: <code>old_1</code>, <code>old_2</code>.</p>'
    )
    expect(html).toContain('<h2>Cortex secrets: 2 created, 1 updated, 0 deleted, 1 failed</h2>')
  })
})

describe('a selection in the summary', () => {
  const selection = {
    keys: 6,
    leftOut: [
      {
        key: 'github_token',
        reason: "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
      },
      { key: 'CORTEX_API_KEY', reason: 'its value is the api-key input; pushed only when select names it exactly' }
    ]
  }
  const keyed: SecretResult[] = [
    { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', name: 'pagerduty_token', outcome: 'created' },
    { tag: 'dd_key', key: 'CORTEX_DD_KEY', name: 'Datadog', outcome: 'updated' },
    { tag: 'stale', name: 'stale', outcome: 'deleted' }
  ]
  const render = (rows: SecretResult[], withSelection?: typeof selection) =>
    renderJobSummary({
      run,
      cortexHost: 'h',
      report: { results: rows, dryRun: false },
      ...(withSelection ? { selection: withSelection } : {})
    })

  it('says how many keys select pushed of how many, and which it left out and why', () => {
    expect(render(keyed, selection)).toContain(
      '<li>Selected by <code>select</code>: 2 of 6 keys; left out: <code>github_token</code> ' +
        '(the job&#39;s GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly), ' +
        '<code>CORTEX_API_KEY</code> (its value is the api-key input; pushed only when select names it exactly)</li>'
    )
    expect(render(keyed.slice(0, 1), { keys: 1, leftOut: [] })).toContain(
      '<li>Selected by <code>select</code>: 1 of 1 key</li>'
    )
    expect(render(keyed, { keys: 4, leftOut: [{ key: '<i>', reason: 'a & b' }] })).toContain(
      '; left out: <code>&lt;i&gt;</code> (a &amp; b)</li>'
    )
    expect(render(keyed)).not.toContain('Selected by')
  })
})
