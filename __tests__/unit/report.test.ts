import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { ApiKeyRefusedError, CortexApiError } from '../../src/cortex/cortex-api-error.ts'
import { CoreReporter } from '../../src/action/core-reporter.ts'
import { renderJobSummary, SUMMARY_BUDGET_BYTES, summaryText } from '../../src/report/job-summary.ts'
import { leftOutLines, resultLine, secretLabel, startLine } from '../../src/report/log-lines.ts'
import { failureMessage, tagsByOutcome } from '../../src/report/outcomes.ts'
import { RetryTally } from '../../src/report/retry-tally.ts'
import { describeRun } from '../../src/report/run-context.ts'
import type { SecretResult } from '../../src/sync/results.ts'
import { oneLine } from '../../src/text/one-line.ts'

const failure = new CortexApiError({
  operation: 'create',
  tag: 'b_tag',
  status: 400,
  type: 'BAD_REQUEST',
  detail: 'Invalid <value>',
  requestId: 'req-1'
})
const INPUT_TAGS = new Set(['z_tag', 'b_tag', 'a_tag', 'c_tag'])
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
    expect(failureMessage({ results }, INPUT_TAGS)).toBe(
      '1 of 4 secrets failed:\n- b_tag: create "b_tag": HTTP 400 BAD_REQUEST: Invalid <value> (requestId req-1, 1 attempt)'
    )
    expect(failureMessage({ results: results.filter((r) => r.outcome !== 'failed') }, INPUT_TAGS)).toBeUndefined()
    expect(failureMessage({ results: results.filter((r) => r.outcome === 'failed') }, INPUT_TAGS)).toMatch(
      /^1 of 1 secret failed:/
    )
  })

  it("keeps one failed secret a line, whatever line breaks the tag or Cortex's text hold", () => {
    const error = new CortexApiError({ operation: 'create', tag: 'a', status: 400, detail: 'No\n- b: forged line' })
    const message = failureMessage({ results: [{ tag: 'a\r\n- c', name: 'a', outcome: 'failed', error }] }, INPUT_TAGS)
    expect(message?.split('\n')).toEqual([
      '1 of 1 secret failed:',
      '- a\\r\\n- c: create "a": HTTP 400: No\\n- b: forged line (1 attempt)'
    ])
  })

  const refusal = (operation: 'create' | 'delete') =>
    new ApiKeyRefusedError(
      new CortexApiError({ operation, tag: 'x', status: 403, type: 'FORBIDDEN', detail: 'Forbidden', requestId: 'r-9' })
    )

  it('says which tags were not deleted when the key is refused during prune, not "not pushed"', () => {
    const refused = refusal('delete')
    const pruned: SecretResult[] = [
      { tag: 'kept', name: 'kept', outcome: 'updated' },
      { tag: 'old_b', name: 'old_b', outcome: 'failed', error: refused },
      { tag: 'old_a', name: 'old_a', outcome: 'failed', error: refused },
      { tag: 'old_c', name: 'old_c', outcome: 'deleted' }
    ]
    expect(failureMessage({ results: pruned }, new Set(['kept']))).toBe(
      `${refused.message}\nNot deleted (2): old_a, old_b`
    )
  })

  it('says which tags were not pushed when the key is refused while writing', () => {
    const refused = refusal('create')
    const writes: SecretResult[] = [
      { tag: 'b', name: 'b', outcome: 'failed', error: refused },
      { tag: 'a', name: 'a', outcome: 'failed', error: refused },
      { tag: 'c', name: 'c', outcome: 'created' }
    ]
    expect(failureMessage({ results: writes }, new Set(['a', 'b', 'c']))).toBe(
      `${refused.message}\nNot pushed (2): a, b`
    )
  })
})

describe('job summary', () => {
  it('escapes everything it writes', () => {
    expect(summaryText(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
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
    // Failed rows first, then the rest by tag.
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
      }
    })
    const lines = html.split('\n')
    expect(lines.pop()).toBe('')
    // A blank line (empty or only spaces and tabs) would end the HTML block: there is none.
    expect(lines.filter((line) => /^[ \t]*$/.test(line))).toEqual([])
    expect(lines.every((line) => line.startsWith('<'))).toBe(true)
    expect(html).not.toMatch(/[\r\u0085\u2028\u2029\t]/)
    expect(html).toContain('<td>Name\\n\\n# Heading [link](http://x)\\r\\n\\r\\n&lt;b&gt;x&lt;/b&gt;\\u2028')
  })
})

describe('job summary size', () => {
  const run = { trigger: 't', repository: 'r', runUrl: 'u' }
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

describe('oneLine', () => {
  it('shows CR, LF, tab and every other control character as an escape, leaving the rest alone', () => {
    expect(oneLine('a\r\nb\nc\rd\te\u0000f\u001bg\u007fh\u0085i\u2028j\u2029k')).toBe(
      'a\\r\\nb\\nc\\rd\\te\\u0000f\\u001bg\\u007fh\\u0085i\\u2028j\\u2029k'
    )
    expect(oneLine('right-to-left \u202e override')).toBe('right-to-left \\u202e override')
    expect(oneLine('plain ünïcode 🔑 \\n text')).toBe('plain ünïcode 🔑 \\n text')
  })
})

describe('the step log', () => {
  let written: string[]
  afterEach(() => {
    jest.restoreAllMocks()
  })
  const capture = () => {
    written = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
  }

  const noRetries = { dryRun: false, retries: 0 }

  it('writes each log line as one line: server text cannot start a workflow command', () => {
    capture()
    const injected = '\n::set-output name=x::y\r::stop-commands::zzz\r\n::error::boom\u2028'
    const error = new CortexApiError({
      operation: 'update',
      tag: 'svc',
      status: 400,
      type: `BAD${injected}`,
      detail: injected,
      requestId: injected
    })
    const reporter = new CoreReporter()
    reporter.result({ tag: `svc${injected}`, name: `n${injected}`, outcome: 'failed', error }, noRetries)
    reporter.result({ tag: `svc${injected}`, name: `n${injected}`, outcome: 'updated' }, noRetries)
    reporter.result({ tag: `svc${injected}`, name: `n${injected}`, outcome: 'deleted' }, { dryRun: true, retries: 0 })
    reporter.start({ dryRun: false, secrets: 0, prune: false, host: `h${injected}` })
    const out = written.join('')
    const lines = out.split(/\r\n|\r|\n/)
    expect(lines.pop()).toBe('')
    expect(lines).toHaveLength(4)
    expect(lines.filter((line) => line.startsWith('::'))).toEqual([])
    expect(out).not.toMatch(/[\r\u2028]/)
    expect(lines[0]).toContain('svc\\n::set-output name=x::y\\r::stop-commands::zzz')
  })

  it('breaks the older ##[command] form anywhere in a log line, which the runner would run', () => {
    capture()
    new CoreReporter().result({ tag: 'svc', name: 'n ##[add-mask]svc ##[error]forged', outcome: 'updated' }, noRetries)
    const out = written.join('')
    expect(out).not.toContain('##[')
    expect(out).toContain('##［add-mask]svc ##［error]forged')
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
    expect(failureMessage(report, INPUT_TAGS)).toMatch(
      /\nPrune skipped: 1 create or update failed, so nothing was deleted \(2 planned\)\.$/
    )
  })
})

describe('a selection in the log and the summary', () => {
  const GITHUB_TOKEN_REASON =
    "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
  const selection = {
    keys: 6,
    leftOut: [
      { key: 'github_token', reason: GITHUB_TOKEN_REASON },
      { key: 'CORTEX_API_KEY', reason: 'its value is the api-key input; pushed only when select names it exactly' }
    ]
  }
  const keyed: SecretResult[] = [
    { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', name: 'pagerduty_token', outcome: 'created' },
    { tag: 'dd_key', key: 'CORTEX_DD_KEY', name: 'Datadog', outcome: 'updated' },
    { tag: 'stale', name: 'stale', outcome: 'deleted' }
  ]
  const refused = new CortexApiError({ operation: 'create', tag: 'x', status: 400, detail: 'Refused' })

  it('labels a secret `key → tag` when its tag was made from a key, else by its tag', () => {
    expect(secretLabel({ tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN' })).toBe(
      'CORTEX_PAGERDUTY_TOKEN → pagerduty_token'
    )
    expect(secretLabel({ tag: 'a' })).toBe('a')
  })

  it('writes `key → tag` in each result line, dry run, real run and failure; a deletion by its tag', () => {
    const [created, updated, deleted] = keyed as [SecretResult, SecretResult, SecretResult]
    expect(resultLine(created, false)).toBe('✔ CORTEX_PAGERDUTY_TOKEN → pagerduty_token: created (pagerduty_token)')
    expect(resultLine(created, true)).toBe('• CORTEX_PAGERDUTY_TOKEN → pagerduty_token: would create (pagerduty_token)')
    expect(resultLine(updated, false)).toBe('✔ CORTEX_DD_KEY → dd_key: updated (Datadog)')
    expect(resultLine(deleted, true)).toBe('• stale: would delete (stale)')
    expect(resultLine({ ...created, outcome: 'failed', error: refused }, false)).toBe(
      `✖ CORTEX_PAGERDUTY_TOKEN → pagerduty_token: failed: ${refused.message}`
    )
    expect(resultLine({ tag: 'a', name: 'A', outcome: 'failed', error: refused }, false)).toBe(
      `✖ a: failed: ${refused.message}`
    )
  })

  it('writes one line per key select left out, and none without select', () => {
    expect(leftOutLines(selection)).toEqual([
      `Left out github_token: ${GITHUB_TOKEN_REASON}.`,
      'Left out CORTEX_API_KEY: its value is the api-key input; pushed only when select names it exactly.'
    ])
    expect(leftOutLines({ keys: 3, leftOut: [] })).toEqual([])
    expect(leftOutLines(undefined)).toEqual([])
  })

  it('says in the start line how many keys the secrets were selected from, only with select', () => {
    const run = { secrets: 2, host: 'api.example.com', dryRun: false, prune: false }
    expect(startLine({ ...run, selection })).toBe('Pushing 2 secrets (selected from 6 keys) to api.example.com')
    expect(startLine({ ...run, secrets: 1, dryRun: true, prune: true, selection: { keys: 1, leftOut: [] } })).toBe(
      'Dry run: planning 1 secret (selected from 1 key) to api.example.com, pruning owned tags'
    )
    expect(startLine(run)).toBe('Pushing 2 secrets to api.example.com')
  })

  const render = (results: SecretResult[], withSelection?: typeof selection) =>
    renderJobSummary({
      run: { trigger: 't', repository: 'r', runUrl: 'u' },
      cortexHost: 'h',
      report: { results, dryRun: false },
      ...(withSelection ? { selection: withSelection } : {})
    })

  it('shows `key → tag` in the tag cell of the summary, HTML-escaped, and a deletion by its tag', () => {
    const html = render([...keyed, { tag: 'odd', key: `K<b>&"'`, name: 'odd', outcome: 'failed', error: refused }])
    expect(html).toContain(
      '<tr><td><code>CORTEX_PAGERDUTY_TOKEN</code> → <code>pagerduty_token</code></td><td>pagerduty_token</td><td>created</td></tr>'
    )
    expect(html).toContain('<tr><td><code>CORTEX_DD_KEY</code> → <code>dd_key</code></td><td>Datadog</td>')
    expect(html).toContain('<tr><td><code>stale</code></td><td>stale</td><td>deleted</td></tr>')
    expect(html).toContain('<tr><td><code>K&lt;b&gt;&amp;&quot;&#39;</code> → <code>odd</code></td>')
    expect(html).not.toContain('<b>')
  })

  it('says in the summary how many keys select pushed of how many, and which it left out and why', () => {
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
