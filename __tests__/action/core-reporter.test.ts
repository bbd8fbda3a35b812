/** Where CoreReporter sends each piece of the run: info, warning or debug lines on stdout, as the runner reads them. */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { CoreReporter } from '../../src/action/core-reporter.ts'

let written: string[]
beforeEach(() => {
  written = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
})
const lines = () => written.join('').split('\n').slice(0, -1)

describe('CoreReporter', () => {
  it('warns once when a 429 starts a pause of the whole run; every retry is a debug line', () => {
    const reporter = new CoreReporter()
    const retry = { attempt: 1, reason: 'HTTP 429', delayMs: 7000, operation: 'create', tag: 'a' } as const
    reporter.retry({ ...retry, pause: 'new' })
    reporter.retry({ ...retry, tag: 'b', pause: 'extended' })
    reporter.retry({ attempt: 2, reason: 'ECONNRESET', delayMs: 250, operation: 'list' })
    expect(lines()).toEqual([
      '::debug::retry 1 of create "a" in 7000 ms after HTTP 429',
      '::warning::Cortex rate limit reached (HTTP 429): all requests wait 7.0 s.',
      '::debug::retry 1 of create "b" in 7000 ms after HTTP 429',
      '::debug::retry 2 of list in 250 ms after ECONNRESET'
    ])
  })

  it("warns of the run's own pacing only for waits of a second or more", () => {
    const reporter = new CoreReporter()
    reporter.wait({ ms: 999, reason: 'paced', perMinute: 60 })
    reporter.wait({ ms: 5000, reason: 'rate-limited', perMinute: 60 })
    reporter.wait({ ms: 1500, reason: 'paced', perMinute: 60 })
    expect(lines()).toEqual(['::warning::Request budget reached (rate-limit: 60 a minute): waiting 1.5 s.'])
  })

  it('writes the start line, then a line per key select left out; a result as `key → tag`', () => {
    const reporter = new CoreReporter()
    const leftOut = [{ key: 'github_token', reason: 'why it is left out' }]
    reporter.start({ secrets: 1, host: 'h', dryRun: false, prune: false, selection: { keys: 3, leftOut } })
    reporter.result(
      { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', name: 'PD', outcome: 'created' },
      { dryRun: false, retries: 1 }
    )
    reporter.start({ secrets: 1, host: 'h', dryRun: true, prune: false })
    expect(lines()).toEqual([
      'Pushing 1 secret (selected from 3 keys) to h',
      'Left out github_token: why it is left out.',
      '✔ CORTEX_PAGERDUTY_TOKEN → pagerduty_token: created (PD)',
      '::debug::pagerduty_token: 1 retry',
      'Dry run: planning 1 secret to h'
    ])
  })

  it('writes a result, then its retries as a debug line; request lines and a skipped prune', () => {
    const reporter = new CoreReporter()
    reporter.request('POST /api/v1/secrets 503 12 ms')
    reporter.result({ tag: 'a', name: 'A', outcome: 'created' }, { dryRun: false, retries: 2 })
    reporter.result({ tag: 'b', name: 'B', outcome: 'updated' }, { dryRun: false, retries: 0 })
    reporter.pruneSkipped({ reason: '1 create or update failed, so nothing was deleted', tags: ['old'] })
    expect(lines()).toEqual([
      '::debug::POST /api/v1/secrets 503 12 ms',
      '✔ a: created (A)',
      '::debug::a: 2 retries',
      '✔ b: updated (B)',
      '::warning::Prune skipped: 1 create or update failed, so nothing was deleted.'
    ])
  })
})
