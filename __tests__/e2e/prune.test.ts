/**
 * Prune and dry run, end to end: the action bundled from src/ against the stand-in, over a
 * workspace of three list pages. Each prune guard (a failed write, case, ids, patterns, an empty
 * input) is the engine's: __tests__/engine/sync.test.ts, and the inputs' __tests__/unit/.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

/**
 * 2,500 existing secrets: 1,200 ci_* (of which ci_keep_* are excluded), 800 payments-*,
 * 500 team_* outside prune-match.
 */
function seedWorkspace(): Record<string, string> {
  const tags = [
    ...Array.from({ length: 1190 }, (_, i) => `ci_${i}`),
    ...Array.from({ length: 10 }, (_, i) => `ci_keep_${i}`),
    ...Array.from({ length: 800 }, (_, i) => `payments-${i}`),
    ...Array.from({ length: 500 }, (_, i) => `team_${i}`)
  ]
  standIn.seed(tags.map((tag) => ({ tag, secret: `old-${tag}` })))
  return Object.fromEntries(tags.map((tag) => [tag, `old-${tag}`]))
}

/** The input: keeps ci_0..ci_19 (updated) and payments-0..9, adds two new tags. */
const INPUT: Record<string, string> = {
  ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`ci_${i}`, `new-ci-${i}-d00d`])),
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`payments-${i}`, `new-pay-${i}-d00d`])),
  ci_brand_new: 'brand-new-ci-d00d',
  team_new: 'brand-new-team-d00d'
}
const PRUNE_MATCH = 'ci_*, payments-*\n!ci_keep_*'

function runWith(inputs: Record<string, string>, values = INPUT) {
  const secrets = Object.entries(values)
    .map(([tag, value]) => `${tag}: ${value}`)
    .join('\n')
  // ~2,000 requests: beyond the default 1,000 a minute the run would (rightly) wait a minute.
  const unpaced = { 'rate-limit': '100000' }
  return runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, ...unpaced, ...inputs } })
}

const json = (text: string | undefined): string[] => JSON.parse(text ?? 'null') as string[]

describe('dry run, then prune', () => {
  it('makes only read requests, and its plan is what the real run then does: the owned tags not in the input deleted', async () => {
    const before = seedWorkspace()
    const dry = await runWith({ prune: 'true', 'prune-match': PRUNE_MATCH, 'dry-run': 'true' })
    expect(dry.exitCode).toBe(0)
    expect(standIn.requests.filter((r) => r.method !== 'GET')).toHaveLength(0)
    expect(standIn.requests).toHaveLength(3)
    expect(standIn.values()).toEqual(before)
    expect(dry.summary).toContain(
      '<h2>Cortex secrets (dry run): 2 would create, 30 would update, 1960 would delete, 0 failed</h2>'
    )
    expect(dry.summary).toContain(
      '<tr><td><code>ci_brand_new</code></td><td>ci_brand_new</td><td>would create</td></tr>'
    )
    expect(dry.stdout).toMatch(/^• ci_100: would delete \(ci_100\)$/m)
    expect(dry.stdout).toMatch(/^• ci_0: would update \(ci_0\)$/m)
    expectNoLeak(dry, Object.values(INPUT))

    const planned = (outcome: string) =>
      [...dry.stdout.matchAll(new RegExp(`^• (\\S+): would ${outcome} `, 'gm'))].map((m) => m[1]).sort()
    standIn.requests.length = 0
    const real = await runWith({ prune: 'true', 'prune-match': PRUNE_MATCH })
    expect(real.exitCode).toBe(0)
    expect(real.outputs).toEqual(dry.outputs)

    // Exactly the owned tags not in the input are deleted: team_* is outside prune-match, ci_keep_* excluded.
    const expectedDeleted = Object.keys(before).filter(
      (tag) => (tag.startsWith('ci_') || tag.startsWith('payments-')) && !tag.startsWith('ci_keep_') && !(tag in INPUT)
    )
    expect(json(real.outputs.deleted)).toEqual([...expectedDeleted].sort())
    expect(json(real.outputs.created)).toEqual(['ci_brand_new', 'team_new'])
    expect(json(real.outputs.updated)).toHaveLength(30)
    const expectedAfter: Record<string, string> = {}
    for (const [tag, value] of Object.entries(before)) if (!expectedDeleted.includes(tag)) expectedAfter[tag] = value
    expect(standIn.values()).toEqual({ ...expectedAfter, ...INPUT })
    // N + 3 + D requests: the three list pages once each, page 0 first.
    expect(standIn.requestsWith('GET').map((r) => r.query.page)[0]).toBe('0')
    expect(
      standIn
        .requestsWith('GET')
        .map((r) => r.query.page)
        .sort()
    ).toEqual(['0', '1', '2'])
    expect(standIn.requests).toHaveLength(Object.keys(INPUT).length + 3 + expectedDeleted.length)
    expect(real.summary).toContain('<h2>Cortex secrets: 2 created, 30 updated, 1960 deleted, 0 failed</h2>')
    expect(real.summary).toContain('<tr><td><code>ci_100</code></td><td>ci_100</td><td>deleted</td></tr>')
    expectWithinContract(standIn)
    expectNoLeak(real, Object.values(INPUT))
    const done = (method: string) =>
      standIn
        .requestsWith(method)
        .map((r) =>
          method === 'POST'
            ? (JSON.parse(r.rawBody) as { tag: string }).tag
            : decodeURIComponent(r.path.split('/').pop() ?? '')
        )
        .sort()
    expect(done('POST')).toEqual(planned('create'))
    expect(done('PUT')).toEqual(planned('update'))
    expect(done('DELETE')).toEqual(planned('delete'))
    expect(json(real.outputs.deleted)).toEqual(planned('delete'))
  })
})
