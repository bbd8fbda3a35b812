import { describe, expect, it } from '@jest/globals'
import {
  ApiKeyRefusedError,
  CancelledError,
  CortexApiError,
  StoppedInFlightError,
  type SecretResult
} from '../../src/domain/secret.ts'
import {
  budgetWarning,
  doneLine,
  leftOutLines,
  outcomeWord,
  pruneSkippedWarning,
  rateLimitWarning,
  resultLine,
  retryLine,
  RetryTally,
  secretLabel,
  startLine,
  verdict
} from '../../src/report/log.ts'

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

describe('verdict', () => {
  it('groups tags by outcome, each list sorted by code unit', () => {
    expect(verdict({ results }, INPUT_TAGS).tags).toEqual({
      created: ['c_tag', 'z_tag'],
      updated: ['a_tag'],
      deleted: [],
      failed: ['b_tag']
    })
    const mixed: SecretResult[] = ['b', 'B', 'a', '_', 'A'].map((tag) => ({ tag, name: tag, outcome: 'deleted' }))
    expect(verdict({ results: mixed }, new Set()).tags.deleted).toEqual(['A', 'B', '_', 'a', 'b'])
  })

  it('lists each failed tag with type, message and requestId; no failure when nothing failed', () => {
    expect(verdict({ results }, INPUT_TAGS).failure).toBe(
      '1 of 4 secrets failed:\n- b_tag: create "b_tag": HTTP 400 BAD_REQUEST: Invalid <value> (requestId req-1, 1 attempt)'
    )
    const passed = verdict({ results: results.filter((r) => r.outcome !== 'failed') }, INPUT_TAGS)
    expect(passed).toEqual({ tags: { created: ['c_tag', 'z_tag'], updated: ['a_tag'], deleted: [], failed: [] } })
    expect('failure' in passed).toBe(false)
    expect(verdict({ results: results.filter((r) => r.outcome === 'failed') }, INPUT_TAGS).failure).toMatch(
      /^1 of 1 secret failed:/
    )
  })

  it('lists several failed secrets by tag, one a line; a failure without an error says "failed"', () => {
    const many: SecretResult[] = [
      { tag: 'y', name: 'y', outcome: 'failed', error: new Error('why y') },
      { tag: 'x', name: 'x', outcome: 'failed' },
      { tag: 'w', name: 'w', outcome: 'created' }
    ]
    expect(verdict({ results: many }, new Set(['x', 'y', 'w'])).failure).toBe(
      '2 of 3 secrets failed:\n- x: failed\n- y: why y'
    )
  })

  it("keeps one failed secret a line, whatever line breaks the tag or Cortex's text hold (shown as ⏎)", () => {
    const error = new CortexApiError({ operation: 'create', tag: 'a', status: 400, detail: 'No\n- b: forged line' })
    const { failure: message } = verdict(
      { results: [{ tag: 'a\r\n- c', name: 'a', outcome: 'failed', error }] },
      INPUT_TAGS
    )
    expect(message?.split('\n')).toEqual([
      '1 of 1 secret failed:',
      '- a⏎- c: create "a": HTTP 400: No⏎- b: forged line (1 attempt)'
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
    const { tags, failure: message } = verdict({ results: pruned }, new Set(['kept']))
    expect(message).toBe(`${refused.message}\nNot deleted (2): old_a, old_b`)
    expect(refused.message).toBe(
      'Cortex refused the API key with HTTP 403: the key lacks the "Create secrets" permission (list and get need it too) (requestId r-9). The run stopped.'
    )
    expect(tags).toEqual({ created: [], updated: ['kept'], deleted: ['old_c'], failed: ['old_a', 'old_b'] })
  })

  it('says which tags were not pushed when the key is refused while writing, and both when both', () => {
    const refused = refusal('create')
    const writes: SecretResult[] = [
      { tag: 'b', name: 'b', outcome: 'failed', error: refused },
      { tag: 'a', name: 'a', outcome: 'failed', error: refused },
      { tag: 'c', name: 'c', outcome: 'created' }
    ]
    expect(verdict({ results: writes }, new Set(['a', 'b', 'c'])).failure).toBe(
      `${refused.message}\nNot pushed (2): a, b`
    )
    expect(verdict({ results: writes }, new Set(['b', 'c'])).failure).toBe(
      `${refused.message}\nNot pushed (1): b\nNot deleted (1): a`
    )
  })

  it('says of a cancelled job what was applied, what was in flight and may have been, and what was not started', () => {
    const cancelled = new CancelledError('SIGINT')
    const results: SecretResult[] = [
      { tag: 'a', name: 'a', outcome: 'created' },
      { tag: 'b', name: 'b', outcome: 'updated' },
      { tag: 'c', name: 'c', outcome: 'failed', error: new StoppedInFlightError('create', 'c', cancelled) },
      { tag: 'd', name: 'd', outcome: 'failed', error: cancelled },
      { tag: 'old', name: 'old', outcome: 'failed', error: cancelled }
    ]
    expect(verdict({ results }, new Set(['a', 'b', 'c', 'd'])).failure).toBe(
      'Cancelled: 2 applied; 1 in flight may have been applied: c. The job was cancelled (SIGINT).\n' +
        'Not pushed (1): d\nNot deleted (1): old'
    )
    expect(verdict({ results: results.filter((r) => r.tag !== 'c') }, new Set(['a', 'b', 'd'])).failure).toMatch(
      /^Cancelled: 2 applied; 0 in flight may have been applied\. The job was cancelled \(SIGINT\)\./
    )
  })

  it('says which writes may have been applied when the key is refused after they got no answer', () => {
    const refused = refusal('create')
    const results: SecretResult[] = [
      { tag: 'a', name: 'a', outcome: 'failed', error: new StoppedInFlightError('update', 'a', refused) },
      { tag: 'b', name: 'b', outcome: 'failed', error: refused }
    ]
    expect(verdict({ results }, new Set(['a', 'b'])).failure).toBe(
      `${refused.message} 1 in flight may have been applied: a.\nNot pushed (1): b`
    )
  })

  it('says a prune was skipped, with how many deletions were planned', () => {
    const report = {
      results,
      pruneSkipped: { reason: '1 create or update failed, so nothing was deleted', tags: ['old_1', 'old_2'] }
    }
    expect(verdict(report, INPUT_TAGS).failure).toMatch(
      /\nPrune skipped: 1 create or update failed, so nothing was deleted \(2 planned\)\.$/
    )
  })
})

describe('log lines', () => {
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
    // A long name is cut in the log line (issue 17, item 7); Cortex keeps it whole.
    expect(resultLine({ ...updated, name: 'n'.repeat(5000) }, false)).toBe(
      `✔ CORTEX_DD_KEY → dd_key: updated (${'n'.repeat(199)}…)`
    )
    expect(resultLine({ ...created, outcome: 'failed', error: refused }, false)).toBe(
      `✖ CORTEX_PAGERDUTY_TOKEN → pagerduty_token: failed: ${refused.message}`
    )
    expect(resultLine({ tag: 'a', name: 'A', outcome: 'failed', error: refused }, true)).toBe(
      `✖ a: failed: ${refused.message}`
    )
  })

  it('says an outcome as done, or in a dry run as planned', () => {
    expect((['created', 'updated', 'deleted', 'failed'] as const).map((o) => outcomeWord(o, false))).toEqual([
      'created',
      'updated',
      'deleted',
      'failed'
    ])
    expect((['created', 'updated', 'deleted', 'failed'] as const).map((o) => outcomeWord(o, true))).toEqual([
      'would create',
      'would update',
      'would delete',
      'failed'
    ])
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

  it('ends a run with the counts, as done or as planned', () => {
    const tags = { created: ['a'], updated: ['b', 'c'], deleted: [], failed: ['d'] }
    expect(doneLine(tags, false)).toBe('Done: 1 created, 2 updated, 0 deleted.')
    expect(doneLine(tags, true)).toBe('Done: 1 would be created, 2 would be updated, 0 would be deleted.')
  })

  it('says a retry: attempt, request, delay and reason', () => {
    const retry = { attempt: 1, reason: 'HTTP 429', delayMs: 7000, operation: 'create', tag: 'a' } as const
    expect(retryLine(retry)).toBe('retry 1 of create "a" in 7000 ms after HTTP 429')
    expect(retryLine({ attempt: 2, reason: 'ECONNRESET', delayMs: 250, operation: 'list' })).toBe(
      'retry 2 of list in 250 ms after ECONNRESET'
    )
  })

  it('warns of a rate limit only for the 429 that starts a pause of the whole run', () => {
    const retry = { attempt: 1, reason: 'HTTP 429', delayMs: 7000, operation: 'create', tag: 'a' } as const
    expect(rateLimitWarning({ ...retry, pause: 'new' })).toBe(
      'Cortex rate limit reached (HTTP 429): all requests wait 7 s.'
    )
    expect(rateLimitWarning({ ...retry, pause: 'extended' })).toBeUndefined()
    expect(rateLimitWarning({ attempt: 2, reason: 'ECONNRESET', delayMs: 250, operation: 'list' })).toBeUndefined()
  })

  it("warns of the run's own pacing only for waits of a second or more", () => {
    expect(budgetWarning(999, 'paced', 60)).toBeUndefined()
    expect(budgetWarning(5000, 'rate-limited', 60)).toBeUndefined()
    expect(budgetWarning(1000, 'paced', 60)).toBe('Request budget reached (rate-limit: 60 a minute): waiting 1 s.')
    expect(budgetWarning(1500, 'paced', 60)).toBe('Request budget reached (rate-limit: 60 a minute): waiting 1.5 s.')
  })

  it('says why a prune was skipped', () => {
    expect(pruneSkippedWarning({ reason: '1 create or update failed, so nothing was deleted', tags: ['old'] })).toBe(
      'Prune skipped: 1 create or update failed, so nothing was deleted.'
    )
  })
})

describe('RetryTally', () => {
  it('counts retries per tag and describes retries and waits for the summary', () => {
    const tally = new RetryTally()
    expect(tally.describe()).toBeUndefined()
    tally.recordRetry({ pause: 'new', tag: 'z_tag' })
    tally.recordRetry({ pause: 'extended', tag: 'c_tag' })
    tally.recordRetry({ tag: 'z_tag' })
    tally.recordRetry({})
    tally.recordWait(1500, 'rate-limited')
    tally.recordWait(20, 'paced')
    expect([tally.retriesFor('z_tag'), tally.retriesFor('c_tag'), tally.retriesFor('a_tag')]).toEqual([2, 1, 0])
    expect(tally.describe()).toBe("4 requests retried; waited 1.5 s on Cortex's rate limit (1 × HTTP 429).")
    tally.recordWait(2000, 'paced')
    expect(tally.describe()).toMatch(/; paced 2 s to stay within rate-limit\.$/)
  })

  it('says nothing of pacing under 50 ms in all, and describes pacing alone', () => {
    const tally = new RetryTally()
    tally.recordWait(49, 'paced')
    expect(tally.describe()).toBeUndefined()
    tally.recordWait(1, 'paced')
    expect(tally.describe()).toBe('0 requests retried; paced 0.05 s to stay within rate-limit.')
    const one = new RetryTally()
    one.recordRetry({ tag: 'a' })
    expect(one.describe()).toBe('1 request retried.')
  })
})
