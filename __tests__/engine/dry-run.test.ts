/** pushSecrets in this process against the stand-in: a dry run reads only, and its plan is what a real run does. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { push, requestLines, settingsFor } from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

describe('dry run', () => {
  it('makes only read requests, and the real run then does exactly what it planned', async () => {
    standIn.seed([
      { tag: 'ci_same', name: 'Same', secret: 'old-same' },
      { tag: 'ci_renamed', name: 'Before', secret: 'old-renamed' },
      { tag: 'ci_old', name: 'Old one', secret: 'old-old' },
      { tag: 'ci_keep_x', secret: 'old-keep' },
      { tag: 'team_a', secret: 'old-team' }
    ])
    const before = standIn.values()
    const secrets = [
      { tag: 'ci_same', value: 'same-value-1a2b' },
      { tag: 'ci_renamed', name: 'After', value: 'renamed-value-3c4d' },
      { tag: 'ci_new', value: 'new-value-5e6f' }
    ]
    const options = { pruneMatch: 'ci_*\n!ci_keep_*' }

    const dry = await push(settingsFor(standIn, secrets, { ...options, dryRun: true }))
    expect(standIn.requests.every((r) => r.method === 'GET')).toBe(true)
    expect(requestLines(standIn)).toEqual(['GET list page 0'])
    expect(standIn.values()).toEqual(before)
    const plan = dry.result.results.map(({ tag, name, outcome }) => ({ tag, name, outcome }))
    expect(plan).toEqual([
      { tag: 'ci_same', name: 'Same', outcome: 'updated' },
      { tag: 'ci_renamed', name: 'After', outcome: 'updated' },
      { tag: 'ci_new', name: 'ci_new', outcome: 'created' },
      { tag: 'ci_old', name: 'Old one', outcome: 'deleted' }
    ])
    expect(dry.result.dryRun).toBe(true)
    expect(dry.result.failure).toBeUndefined()
    expect(dry.reporter.starts).toEqual([expect.objectContaining({ dryRun: true, prune: true, secrets: 3 })])
    expect(dry.reporter.results.every((r) => r.dryRun)).toBe(true)

    standIn.requests.length = 0
    const real = await push(settingsFor(standIn, secrets, options))
    expect(real.result.results.map(({ tag, name, outcome }) => ({ tag, name, outcome }))).toEqual(plan)
    expect(requestLines(standIn).sort()).toEqual([
      'DELETE ci_old',
      'GET list page 0',
      'POST ci_new',
      'PUT ci_renamed',
      'PUT ci_same'
    ])
    expect(standIn.values()).toEqual({
      ci_same: 'same-value-1a2b',
      ci_renamed: 'renamed-value-3c4d',
      ci_new: 'new-value-5e6f',
      ci_keep_x: 'old-keep',
      team_a: 'old-team'
    })
    expect(standIn.secrets.get('ci_renamed')?.name).toBe('After')
    // An update without a name in the input leaves Cortex's name alone.
    expect(standIn.secrets.get('ci_same')?.name).toBe('Same')
  })

  it('plans nothing and fails every secret when the list fails', async () => {
    standIn.options.intercept = () => ({ status: 500, body: { type: 'INTERNAL', message: 'Down' } })
    const { result } = await push(settingsFor(standIn, { a: 'value-a-7a7a' }, { dryRun: true }))
    expect(result.results.map((r) => r.outcome)).toEqual(['failed'])
    expect(standIn.requests.map((r) => r.method)).toEqual(['GET'])
  })
})
