/** Prune and dry run, end to end: the action bundled from src/ against the stand-in. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

/** The outputs of a run that stopped before any request (issue 17, item 6). */
const NOTHING_DONE = { created: '[]', updated: '[]', deleted: '[]', failed: '[]' }

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

describe('prune', () => {
  it('deletes exactly the owned tags not in the input, across three list pages, in N + 3 + D requests', async () => {
    const before = seedWorkspace()
    const run = await runWith({ prune: 'true', 'prune-match': PRUNE_MATCH })
    expect(run.exitCode).toBe(0)

    const expectedDeleted = Object.keys(before).filter(
      (tag) => (tag.startsWith('ci_') || tag.startsWith('payments-')) && !tag.startsWith('ci_keep_') && !(tag in INPUT)
    )
    expect(json(run.outputs.deleted)).toEqual([...expectedDeleted].sort())
    expect(json(run.outputs.created)).toEqual(['ci_brand_new', 'team_new'])
    expect(json(run.outputs.updated)).toHaveLength(30)

    const expectedAfter: Record<string, string> = {}
    for (const [tag, value] of Object.entries(before)) if (!expectedDeleted.includes(tag)) expectedAfter[tag] = value
    Object.assign(expectedAfter, INPUT)
    expect(standIn.values()).toEqual(expectedAfter)
    // team_* is outside prune-match and ci_keep_* is excluded: untouched
    expect(Object.keys(standIn.values()).filter((t) => t.startsWith('team_'))).toHaveLength(501)
    expect(Object.keys(standIn.values()).filter((t) => t.startsWith('ci_keep_'))).toHaveLength(10)

    const n = Object.keys(INPUT).length
    const d = expectedDeleted.length
    expect(standIn.requestsWith('GET').map((r) => r.query.page)[0]).toBe('0')
    expect(
      standIn
        .requestsWith('GET')
        .map((r) => r.query.page)
        .sort()
    ).toEqual(['0', '1', '2'])
    expect(standIn.requests).toHaveLength(n + 3 + d)
    expect(run.summary).toContain('<h2>Cortex secrets: 2 created, 30 updated, 1960 deleted, 0 failed</h2>')
    expect(run.summary).toContain('<tr><td><code>ci_100</code></td><td>ci_100</td><td>deleted</td></tr>')
    expectWithinContract(standIn)
    expectNoLeak(run, Object.values(INPUT))
  })
})

describe('prune-match exclusions with commas inside { } and [ ]', () => {
  it.each([['ci_*,!ci_{keep,manual}_*'], ['ci_*\n!ci_[k,m]*']])(
    '%j keeps the excluded tags and deletes only the other owned one',
    async (pruneMatch) => {
      const seeded = ['ci_keep_x', 'ci_manual_y', 'ci_old', 'team_a']
      standIn.seed(seeded.map((tag) => ({ tag, secret: `old-${tag}` })))
      const run = await runWith({ prune: 'true', 'prune-match': pruneMatch }, { ci_new: 'new-ci-value-a7a7' })
      expect(run.exitCode).toBe(0)
      expect(run.outputs.deleted).toBe('["ci_old"]')
      expect(standIn.requestsWith('DELETE')).toHaveLength(1)
      expect(standIn.values()).toEqual({
        ci_keep_x: 'old-ci_keep_x',
        ci_manual_y: 'old-ci_manual_y',
        team_a: 'old-team_a',
        ci_new: 'new-ci-value-a7a7'
      })
      expectWithinContract(standIn)
      expectNoLeak(run, ['new-ci-value-a7a7'])
    }
  )
})

describe('prune deletions that meet trouble', () => {
  it('counts a tag already gone (404) as deleted, and lists a deletion Cortex refuses as failed', async () => {
    standIn.seed(['ci_keep', 'ci_gone', 'ci_refused', 'ci_plain'].map((tag) => ({ tag, secret: `old-${tag}` })))
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'DELETE') return undefined
      if (r.path.endsWith('/ci_gone')) s.secrets.delete('ci_gone')
      if (r.path.endsWith('/ci_refused'))
        return { status: 400, body: { type: 'BAD_REQUEST', message: 'In use', requestId: 'req-del' } }
      return undefined
    }
    const run = await runWith({ prune: 'true', 'prune-match': 'ci_*' }, { ci_keep: 'kept-value-e1e1' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.deleted).toBe('["ci_gone","ci_plain"]')
    expect(run.outputs.failed).toBe('["ci_refused"]')
    expect(standIn.values()).toEqual({ ci_keep: 'kept-value-e1e1', ci_refused: 'old-ci_refused' })
    expect(run.stdout).toContain(
      '- ci_refused: delete "ci_refused": HTTP 400 BAD_REQUEST: In use (requestId req-del, 1 attempt)'
    )
    expectNoLeak(run, ['kept-value-e1e1'])
  })
})

describe('a prune deletion answered 200 with a body that is not JSON', () => {
  it('counts it deleted: the API gives DELETE no body, so the status says it all', async () => {
    standIn.seed([{ tag: 'ci_old', secret: 'old-value' }])
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'DELETE') return undefined
      s.secrets.delete('ci_old')
      return { status: 200, headers: { 'content-type': 'text/html' }, body: '<<<not json' }
    }
    const run = await runWith({ prune: 'true', 'prune-match': 'ci_*' }, { ci_new: 'new-value-b0dy' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toEqual({ created: '["ci_new"]', updated: '[]', deleted: '["ci_old"]', failed: '[]' })
    expect(standIn.values()).toEqual({ ci_new: 'new-value-b0dy' })
    expectNoLeak(run, ['new-value-b0dy'])
  })
})

/**
 * Cortex names a secret in a path by tagOrId. The stand-in here looks an id up first, as a
 * Cortex may: a path naming a tag that is also another secret's id reaches that secret.
 */
describe("a tag that is also another secret's id", () => {
  const resolveIdsFirst = () => {
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'DELETE' && r.method !== 'PUT') return undefined
      const key = decodeURIComponent(r.path.split('/').pop() ?? '')
      const byId = [...s.secrets.values()].find((secret) => secret.id === key)
      if (byId === undefined) return undefined
      if (r.method === 'DELETE') s.secrets.delete(byId.tag)
      else byId.secret = (JSON.parse(r.rawBody) as { secret: string }).secret
      return { status: 200, body: r.method === 'PUT' ? { id: byId.id, tag: byId.tag, name: byId.name } : undefined }
    }
  }
  const idOf = (tag: string) => (standIn.secrets.get(tag) as { id: string }).id

  it('is never pruned: failed with the reason, and the other deletions go on', async () => {
    standIn.seed([{ tag: 'payments_key', secret: 'old-payments' }])
    const clash = idOf('payments_key')
    standIn.seed([
      { tag: clash, name: 'Stale', secret: 'stale-value' },
      { tag: 'se_old', secret: 'old-value' }
    ])
    resolveIdsFirst()
    const run = await runWith({ prune: 'true', 'prune-match': 'se*' }, { payments_key: 'new-payments-9a9a' })
    expect(run.exitCode).toBe(1)
    expect(standIn.requestsWith('DELETE').map((r) => r.path)).toEqual(['/api/v1/secrets/se_old'])
    expect(standIn.values()).toEqual({ payments_key: 'new-payments-9a9a', [clash]: 'stale-value' })
    expect(run.outputs).toEqual({
      created: '[]',
      updated: '["payments_key"]',
      deleted: '["se_old"]',
      failed: JSON.stringify([clash])
    })
    expect(run.stdout).toContain(
      `- ${clash}: "${clash}" is also the id of the secret "payments_key", and Cortex reads a secret's path as a tag or an id: deleting it could delete "payments_key" instead. Not deleted: delete it in Cortex by hand.`
    )
    expectWithinContract(standIn)
    expectNoLeak(run, ['new-payments-9a9a'])
  })

  it('is never written from the input: failed with the reason before any request names it, and prune is skipped', async () => {
    standIn.seed([
      { tag: 'payments_key', secret: 'old-payments' },
      { tag: 'ci_old', secret: 'old-value' }
    ])
    const clash = idOf('payments_key')
    resolveIdsFirst()
    const run = await runWith(
      { prune: 'true', 'prune-match': 'ci_*' },
      { [clash]: 'would-overwrite-7b7b', ci_new: 'new-value-8c8c' }
    )
    expect(run.exitCode).toBe(1)
    expect(standIn.requests.filter((r) => r.path.includes(clash) || r.rawBody.includes(clash))).toEqual([])
    expect(standIn.requestsWith('DELETE')).toEqual([])
    expect(standIn.values()).toEqual({ payments_key: 'old-payments', ci_old: 'old-value', ci_new: 'new-value-8c8c' })
    expect(run.outputs).toEqual({
      created: '["ci_new"]',
      updated: '[]',
      deleted: '[]',
      failed: JSON.stringify([clash])
    })
    expect(run.stdout).toContain(
      `- ${clash}: "${clash}" is also the id of the secret "payments_key", and Cortex reads a secret's path as a tag or an id: writing it could change "payments_key" instead. Not pushed: give this secret another tag.`
    )
    expect(run.stdout).toMatch(/^::warning::Prune skipped: 1 create or update failed, so nothing was deleted\.$/m)
    expectNoLeak(run, ['would-overwrite-7b7b', 'new-value-8c8c'])
  })
})

describe('tags that differ only in case', () => {
  it('never deletes a workspace tag equal to an input tag ignoring case', async () => {
    standIn.seed([
      { tag: 'payments_db', secret: 'old-lower-value' },
      { tag: 'payments_old', secret: 'old-gone-value' }
    ])
    const run = await runWith({ prune: 'true', 'prune-match': '*' }, { Payments_DB: 'new-upper-value-c4se' })
    expect(run.exitCode).toBe(0)
    // The stand-in tells the two apart; if Cortex does not, deleting payments_db would delete Payments_DB.
    expect(standIn.values()).toEqual({ Payments_DB: 'new-upper-value-c4se', payments_db: 'old-lower-value' })
    expect(standIn.requestsWith('DELETE').map((r) => r.path)).toEqual(['/api/v1/secrets/payments_old'])
    expect(run.outputs).toEqual({
      created: '["Payments_DB"]',
      updated: '[]',
      deleted: '["payments_old"]',
      failed: '[]'
    })
    expectWithinContract(standIn)
    expectNoLeak(run, ['new-upper-value-c4se'])
  })
})

describe('a key refused during prune', () => {
  it('says which tags were not deleted, not "not pushed", when DELETE is answered 403', async () => {
    standIn.seed(['ci_keep', 'ci_old_1', 'ci_old_2', 'ci_old_3'].map((tag) => ({ tag, secret: `old-${tag}` })))
    standIn.options.intercept = (r) =>
      r.method === 'DELETE'
        ? { status: 403, body: { type: 'FORBIDDEN', message: 'Missing permission', requestId: 'req-403' } }
        : undefined
    const run = await runWith({ prune: 'true', 'prune-match': 'ci_*' }, { ci_keep: 'kept-value-f0rb' })
    expect(run.exitCode).toBe(1)
    expect(standIn.values()).toEqual({
      ci_keep: 'kept-value-f0rb',
      ci_old_1: 'old-ci_old_1',
      ci_old_2: 'old-ci_old_2',
      ci_old_3: 'old-ci_old_3'
    })
    expect(run.outputs).toEqual({
      created: '[]',
      updated: '["ci_keep"]',
      deleted: '[]',
      failed: '["ci_old_1","ci_old_2","ci_old_3"]'
    })
    expect(run.stdout).toMatch(
      /^::error::Cortex refused the API key with HTTP 403: .*\(requestId req-403\)\. The run stopped\.%0ANot deleted \(3\): ci_old_1, ci_old_2, ci_old_3$/m
    )
    expect(run.stdout).not.toMatch(/Not pushed/)
    // No contract check: the OpenAPI text documents no 403 for DELETE (it only says the key needs a permission).
    expectNoLeak(run, ['kept-value-f0rb'])
  })
})

describe('prune guards', () => {
  it('refuses to prune when the input yields no secrets, before any request', async () => {
    const before = seedWorkspace()
    const run = await runWith({ prune: 'true', 'prune-match': '*' }, {})
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(0)
    expect(standIn.values()).toEqual(before)
    expect(run.stdout).toMatch(/^::error::No secrets to push: "secrets" and "secrets-file" yield none/m)
    // Bad input stops the step before any request; the outputs are still written, empty.
    expect(run.outputs).toEqual(NOTHING_DONE)
    expectNoLeak(run, [STAND_IN_API_KEY])
  })

  it('needs prune-match, and says to write * for the whole workspace', async () => {
    const before = seedWorkspace()
    const run = await runWith({ prune: 'true' })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(0)
    expect(standIn.values()).toEqual(before)
    expect(run.stdout).toMatch(
      /^::error::Input "prune-match" is required when "prune" is true.*Write '\*' to own the whole workspace\./m
    )
    expect(run.outputs).toEqual(NOTHING_DONE)
    expectNoLeak(run, [...Object.values(INPUT), STAND_IN_API_KEY])
  })

  it('deletes nothing when a create or update failed, and says why', async () => {
    const before = seedWorkspace()
    standIn.options.intercept = (r) =>
      r.method === 'PUT' && r.path.endsWith('/ci_3')
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Rejected', requestId: 'req-x' } }
        : undefined
    const run = await runWith({ prune: 'true', 'prune-match': PRUNE_MATCH })
    expect(run.exitCode).toBe(1)
    expect(standIn.requestsWith('DELETE')).toHaveLength(0)
    // Every write but the refused one landed; nothing was deleted.
    expect(standIn.values()).toEqual({ ...before, ...INPUT, ci_3: before.ci_3 })
    expect(run.outputs.deleted).toBe('[]')
    expect(run.outputs.failed).toBe('["ci_3"]')
    expect(run.stdout).toMatch(/^::warning::Prune skipped: 1 create or update failed, so nothing was deleted\.$/m)
    expect(run.stdout).toMatch(
      /%0APrune skipped: 1 create or update failed, so nothing was deleted \(1960 planned\)\.$/m
    )
    expect(run.summary).toContain(
      '<p><strong>Prune skipped</strong>: 1 create or update failed, so nothing was deleted.'
    )
    expectNoLeak(run, Object.values(INPUT))
  })
  it('matches prune-match against a 3,000-character workspace tag with many stars, and deletes only what matches', async () => {
    // A regular-expression glob backtracks here for hours: the step never ended (red team, issue 12).
    const long = `ci_${'_'.repeat(3000)}`
    standIn.seed([
      { tag: long, secret: 'old-long-1' },
      { tag: `${long}old`, secret: 'old-long-2' }
    ])
    const run = await runWith(
      { prune: 'true', 'prune-match': 'ci_*_*_*_*_*_old, ci_*a*a*a*a*a*b' },
      { ci_a_b_c_new: 'new-value-d00d' }
    )
    expect(run.exitCode).toBe(0)
    expect(json(run.outputs.deleted)).toEqual([`${long}old`])
    expect(standIn.values()).toEqual({ [long]: 'old-long-1', ci_a_b_c_new: 'new-value-d00d' })
  })
})

describe('dry run', () => {
  it('makes only read requests, and its plan is what the real run then does', async () => {
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
