/**
 * syncSecrets in this process, over real HTTP to the stand-in, on a fake clock: what a run plans,
 * requests and leaves in the workspace (dry run, pages, prune, select), and what it tells its
 * callbacks. What the log says about it is report/log.ts's. Failures and races: sync-faults.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { InputError, type SyncReport } from '../../src/domain/secret.ts'
import { readInputs, type Inputs } from '../../src/inputs/settings.ts'
import {
  createdTag,
  failuresOf as failures,
  outcomesOf,
  requestLines,
  settingsFor,
  sync,
  tagOf
} from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const seed = (...tags: string[]) => standIn.seed(tags.map((tag) => ({ tag, secret: `old-${tag}` })))
/** What a plan says of each secret. */
const planOf = (report: SyncReport) => report.results.map(({ tag, name, outcome }) => ({ tag, name, outcome }))

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

    const dry = await sync(settingsFor(standIn, secrets, { ...options, dryRun: true }))
    expect(requestLines(standIn)).toEqual(['GET list page 0'])
    expect(standIn.values()).toEqual(before)
    const plan = planOf(dry.report)
    expect(plan).toEqual([
      { tag: 'ci_same', name: 'Same', outcome: 'updated' },
      { tag: 'ci_renamed', name: 'After', outcome: 'updated' },
      { tag: 'ci_new', name: 'ci_new', outcome: 'created' },
      { tag: 'ci_old', name: 'Old one', outcome: 'deleted' }
    ])
    expect(dry.report.dryRun).toBe(true)
    expect(dry.report.pruneSkipped).toBeUndefined()
    expect(dry.recording.results).toEqual(dry.report.results)

    standIn.requests.length = 0
    const real = await sync(settingsFor(standIn, secrets, options))
    expect(real.report.dryRun).toBe(false)
    expect(planOf(real.report)).toEqual(plan)
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
    const { report } = await sync(settingsFor(standIn, { a: 'value-a-7a7a' }, { dryRun: true, maxRetries: 0 }))
    expect(report.results.map((r) => r.outcome)).toEqual(['failed'])
    expect(standIn.requests.map((r) => r.method)).toEqual(['GET'])
  })

  it('lists a refused tag as failed, and writes nothing, like the real run', async () => {
    seed('payments')
    const id = standIn.secrets.get('payments')?.id as string
    const { report } = await sync(
      settingsFor(standIn, { [id]: 'value-id-8b8b', fresh: 'value-f-9c9c' }, { dryRun: true })
    )
    expect(report.results.map((r) => `${r.tag}: ${r.outcome}`)).toEqual([`${id}: failed`, 'fresh: created'])
    expect(failures(report)[0]).toContain(`"${id}" is also the id of the secret "payments"`)
    expect(requestLines(standIn)).toEqual(['GET list page 0'])
  })
})

describe('a workspace of three list pages', () => {
  it('reads every page once, updates what any page holds, and prunes what every page holds', async () => {
    // Page 0: keep_0..keep_999; pages 1 and 2: old_0..old_1499 (the stand-in lists in insertion order).
    const keep = Array.from({ length: 1000 }, (_, i) => `keep_${i}`)
    const old = Array.from({ length: 1500 }, (_, i) => `old_${i}`)
    standIn.seed([...keep, ...old].map((tag) => ({ tag, secret: `was-${tag}` })))
    const input = { keep_0: 'keep-value-1a1a', old_1499: 'last-page-value-2b2b', brand_new: 'new-value-3c3c' }

    const { report, recording } = await sync(
      settingsFor(standIn, input, { pruneMatch: 'old_*', concurrency: 8, rateLimitPerMinute: 100_000 })
    )

    expect(failures(report)).toEqual([])
    const lines = requestLines(standIn)
    expect(lines.filter((line) => line.startsWith('GET')).sort()).toEqual([
      'GET list page 0',
      'GET list page 1',
      'GET list page 2'
    ])
    // old_1499 is on the last page: found there, it is updated, never created.
    expect(lines.filter((line) => !line.startsWith('GET') && !line.startsWith('DELETE')).sort()).toEqual([
      'POST brand_new',
      'PUT keep_0',
      'PUT old_1499'
    ])
    expect(lines.filter((line) => line.startsWith('DELETE'))).toHaveLength(1499)
    expect(standIn.values()).toEqual({
      ...Object.fromEntries(keep.map((tag) => [tag, `was-${tag}`])),
      ...input
    })
    const counts = { created: 0, updated: 0, deleted: 0, failed: 0 }
    for (const r of report.results) counts[r.outcome]++
    expect(counts).toEqual({ created: 1, updated: 2, deleted: 1499, failed: 0 })
    expect(recording.results).toHaveLength(1502)
  })

  it('goes by the pages the list holds when the first page claims more', async () => {
    seed('only')
    standIn.options.intercept = (r) => {
      if (r.method !== 'GET' || r.query.page === undefined) return undefined
      const page = Number(r.query.page)
      // The first page claims 3,000 secrets in 3 pages; page 1 is empty.
      const secrets = page === 0 ? [{ id: 'se0000000000000001', tag: 'only', name: 'only' }] : []
      return { status: 200, body: { page, secrets, total: 3000, totalPages: 3 } }
    }
    const { report } = await sync(settingsFor(standIn, { only: 'new-value-4d4d' }, { concurrency: 1 }))

    expect(outcomesOf(report)).toEqual(['only: updated'])
    expect(requestLines(standIn)).toEqual(['GET list page 0', 'GET list page 1', 'PUT only'])
  })
})

describe('prune', () => {
  it('deletes the owned tags the input does not name, and nothing else', async () => {
    seed('ci_kept', 'ci_old_b', 'ci_old_a', 'ci_keep_manual', 'team_other')
    const settings = settingsFor(
      standIn,
      { ci_kept: 'kept-value-1b1b', ci_new: 'new-value-2c2c' },
      { pruneMatch: 'ci_*\n!ci_keep_*' }
    )
    const { report, recording } = await sync(settings)

    expect(failures(report)).toEqual([])
    expect(recording.outcomes()).toEqual([
      'ci_kept: updated',
      'ci_new: created',
      'ci_old_a: deleted',
      'ci_old_b: deleted'
    ])
    expect(standIn.values()).toEqual({
      ci_kept: 'kept-value-1b1b',
      ci_new: 'new-value-2c2c',
      ci_keep_manual: 'old-ci_keep_manual',
      team_other: 'old-team_other'
    })
    expect(report.pruneSkipped).toBeUndefined()
  })

  it('deletes nothing without prune', async () => {
    seed('ci_old')
    const { report } = await sync(settingsFor(standIn, { ci_new: 'new-value-2d2d' }))
    expect(outcomesOf(report)).toEqual(['ci_new: created'])
    expect(standIn.requestsWith('DELETE')).toEqual([])
  })
})

describe('prune guards', () => {
  it('deletes nothing when a create or update failed, and says which deletions it skipped', async () => {
    seed('ci_kept', 'ci_old_z', 'ci_old_a')
    standIn.options.intercept = (r) =>
      r.method === 'POST' && createdTag(r.rawBody) === 'ci_refused'
        ? { status: 422, body: { type: 'BAD_REQUEST', message: 'Refused', requestId: 'req-9' } }
        : undefined
    const settings = settingsFor(
      standIn,
      { ci_kept: 'kept-value-3d3d', ci_refused: 'refused-value-4e4e' },
      { pruneMatch: 'ci_*' }
    )
    const { report, recording } = await sync(settings)

    expect(standIn.requestsWith('DELETE')).toEqual([])
    expect(standIn.values()).toEqual({ ci_kept: 'kept-value-3d3d', ci_old_z: 'old-ci_old_z', ci_old_a: 'old-ci_old_a' })
    expect(recording.outcomes()).toEqual(['ci_kept: updated', 'ci_refused: failed'])
    expect(outcomesOf(report)).toEqual(['ci_kept: updated', 'ci_refused: failed'])
    expect(report.pruneSkipped).toEqual({
      reason: '1 create or update failed, so nothing was deleted',
      tags: ['ci_old_a', 'ci_old_z']
    })
    expect(failures(report)).toEqual([
      'ci_refused: create "ci_refused": HTTP 422 BAD_REQUEST: Refused (requestId req-9, 1 attempt)'
    ])
  })

  it('refuses to prune with no secrets, before any request, whoever builds the settings', async () => {
    seed('ci_a', 'ci_b')
    await expect(sync(settingsFor(standIn, {}, { pruneMatch: '*' }))).rejects.toThrow(
      'Refusing to prune with no secrets to push: every owned secret would be deleted.'
    )
    expect(standIn.requests).toEqual([])
    expect(standIn.values()).toEqual({ ci_a: 'old-ci_a', ci_b: 'old-ci_b' })
    // The action's inputs are refused earlier still, naming them.
    const inputs: Record<string, string> = {
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      prune: 'true',
      'prune-match': '*'
    }
    const read = () =>
      readInputs({ getInput: (name) => inputs[name] ?? '', env: {}, readFile: () => '', maskValue: () => {} })
    expect(read).toThrow(InputError)
    expect(read).toThrow(/^No secrets to push: "secrets" and "secrets-file" yield none/)
  })

  it('never deletes a workspace tag equal to an input tag ignoring case', async () => {
    seed('payments_db', 'payments_old', 'PAYMENTS_DB_OLD')
    const { report } = await sync(settingsFor(standIn, { Payments_DB: 'upper-value-5f5f' }, { pruneMatch: '*' }))

    expect(failures(report)).toEqual([])
    expect(
      standIn
        .requestsWith('DELETE')
        .map((r) => tagOf(r.path))
        .sort()
    ).toEqual(['PAYMENTS_DB_OLD', 'payments_old'])
    expect(standIn.values()).toEqual({ Payments_DB: 'upper-value-5f5f', payments_db: 'old-payments_db' })
  })

  it("never sends a tag that is also another secret's id: refused, and the rest goes on", async () => {
    seed('payments', 'ci_gone')
    const id = standIn.secrets.get('payments')?.id as string
    // A secret whose tag is the id of "payments": a DELETE of it could reach "payments" instead.
    standIn.seed([{ tag: id, name: 'Stale', secret: 'old-stale' }])
    const { report } = await sync(settingsFor(standIn, { payments: 'new-value-7e7e' }, { pruneMatch: '*' }))

    // Writes first, then the deletions refused, then those made.
    expect(report.results.map((r) => `${r.tag}: ${r.outcome}`)).toEqual([
      'payments: updated',
      `${id}: failed`,
      'ci_gone: deleted'
    ])
    expect(report.results.find((r) => r.outcome === 'failed')?.name).toBe('Stale')
    expect(failures(report)).toEqual([
      `${id}: "${id}" is also the id of the secret "payments", and Cortex reads a secret's path as a tag or an id: ` +
        'deleting it could delete "payments" instead. Not deleted: delete it in Cortex by hand.'
    ])
    expect(requestLines(standIn).sort()).toEqual(['DELETE ci_gone', 'GET list page 0', 'PUT payments'])
  })

  it("never writes an input tag that is also another secret's id: no request names it, and the prune is skipped", async () => {
    seed('payments', 'ci_old')
    const id = standIn.secrets.get('payments')?.id as string
    const { report } = await sync(
      settingsFor(standIn, { [id]: 'would-overwrite-7b7b', ci_new: 'new-value-8c8c' }, { pruneMatch: 'ci_*' })
    )

    expect(outcomesOf(report)).toEqual(['ci_new: created', `${id}: failed`].sort())
    expect(failures(report)).toEqual([
      `${id}: "${id}" is also the id of the secret "payments", and Cortex reads a secret's path as a tag or an id: ` +
        'writing it could change "payments" instead. Not pushed: give this secret another tag.'
    ])
    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST ci_new'])
    expect(standIn.requests.filter((r) => r.path.includes(id) || r.rawBody.includes(id))).toEqual([])
    expect(report.pruneSkipped).toEqual({
      reason: '1 create or update failed, so nothing was deleted',
      tags: ['ci_old']
    })
    expect(standIn.values()).toEqual({ payments: 'old-payments', ci_old: 'old-ci_old', ci_new: 'new-value-8c8c' })
  })

  it('counts a tag already gone as deleted, and a deletion Cortex refuses as failed', async () => {
    seed('ci_kept', 'ci_gone', 'ci_refused')
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'DELETE') return undefined
      if (tagOf(r.path) === 'ci_gone') s.secrets.delete('ci_gone')
      if (tagOf(r.path) === 'ci_refused') return { status: 400, body: { type: 'BAD_REQUEST', message: 'In use' } }
      return undefined
    }
    const { report } = await sync(settingsFor(standIn, { ci_kept: 'kept-value-6a6a' }, { pruneMatch: 'ci_*' }))

    expect(outcomesOf(report)).toEqual(['ci_gone: deleted', 'ci_kept: updated', 'ci_refused: failed'])
    expect(failures(report)).toEqual(['ci_refused: delete "ci_refused": HTTP 400 BAD_REQUEST: In use (1 attempt)'])
    expect(standIn.values()).toEqual({ ci_kept: 'kept-value-6a6a', ci_refused: 'old-ci_refused' })
    expect(
      requestLines(standIn)
        .filter((line) => line.startsWith('DELETE'))
        .sort()
    ).toEqual(['DELETE ci_gone', 'DELETE ci_refused'])
  })
})

describe('a run with select', () => {
  const PEM = '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0B\r\n-----END PRIVATE KEY-----\r\n'

  /** What `${{ toJSON(secrets) }}` gives a job: github_token, the api key itself, and the team's secrets. */
  const JOB_SECRETS: Record<string, string> = {
    github_token: 'ghs_job-token-value-00aa',
    CORTEX_API_KEY: STAND_IN_API_KEY,
    CORTEX_PAGERDUTY_TOKEN: 'pd-value-11bb',
    CORTEX_TLS_KEY: PEM,
    CORTEX_NEW_ONE: 'new-value-22cc',
    MY_CORTEX_X: 'unselected-value-33dd',
    cortex_lower: 'unselected-value-44ee'
  }

  const toJson = (secrets: Record<string, string>) =>
    `{\n${Object.entries(secrets)
      .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n')}\n}`

  /** The inputs as the action reads them, against the stand-in. */
  function inputsFrom(inputs: Record<string, string>): Inputs {
    const all: Record<string, string> = {
      'api-key': STAND_IN_API_KEY,
      'api-url': standIn.url,
      secrets: toJson(JOB_SECRETS),
      select: 'CORTEX_*',
      'strip-prefix': 'CORTEX_',
      'tag-case': 'lower',
      ...inputs
    }
    return readInputs({ getInput: (name) => all[name] ?? '', env: {}, readFile: () => '', maskValue: () => {} })
  }

  const seedWorkspace = () =>
    standIn.seed([
      { tag: 'pagerduty_token', name: 'PagerDuty', secret: 'old-pd' },
      { tag: 'tls_key', secret: 'old-tls' },
      { tag: 'stale_one', secret: 'old-stale' },
      { tag: 'CORTEX_NEW_ONE', secret: 'old-unrenamed' },
      { tag: 'keep_manual', secret: 'old-manual' }
    ])

  const keyed = (report: SyncReport) =>
    report.results
      .map(({ tag, key, name, outcome }) => ({ tag, key, name, outcome }))
      .sort((a, b) => (a.tag < b.tag ? -1 : 1))

  it('gives each input secret its key, a deletion none, in the results and in what onResult hears', async () => {
    seedWorkspace()
    const inputs = inputsFrom({ prune: 'true', 'prune-match': '*\n!keep_*' })
    expect(inputs.selection).toEqual({
      keys: 7,
      leftOut: [{ key: 'CORTEX_API_KEY', reason: 'its value is the api-key input, which is never pushed' }]
    })
    const { report, recording } = await sync(inputs.settings)

    expect(failures(report)).toEqual([])
    const expected = [
      { tag: 'CORTEX_NEW_ONE', key: undefined, name: 'CORTEX_NEW_ONE', outcome: 'deleted' },
      { tag: 'new_one', key: 'CORTEX_NEW_ONE', name: 'new_one', outcome: 'created' },
      { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', name: 'PagerDuty', outcome: 'updated' },
      { tag: 'stale_one', key: undefined, name: 'stale_one', outcome: 'deleted' },
      { tag: 'tls_key', key: 'CORTEX_TLS_KEY', name: 'tls_key', outcome: 'updated' }
    ]
    expect(keyed(report)).toEqual(expected)
    expect(recording.results).toEqual(report.results)
    for (const r of recording.results) expect([r.tag, 'key' in r]).toEqual([r.tag, r.outcome !== 'deleted'])
    expect(standIn.values()).toEqual({
      pagerduty_token: 'pd-value-11bb',
      tls_key: PEM,
      new_one: 'new-value-22cc',
      keep_manual: 'old-manual'
    })
  })

  it('gives a failed input secret its key, and a failed deletion none', async () => {
    seedWorkspace()
    standIn.options.intercept = (r) =>
      r.method === 'PUT' && tagOf(r.path) === 'tls_key' ? { status: 422, body: { message: 'Refused' } } : undefined
    const { report } = await sync(inputsFrom({ prune: 'true', 'prune-match': 'stale_*' }).settings)
    const failed = report.results.filter((r) => r.outcome === 'failed')
    expect(failed.map(({ tag, key }) => ({ tag, key }))).toEqual([{ tag: 'tls_key', key: 'CORTEX_TLS_KEY' }])
    // A failed write skips the prune: nothing deleted, the planned deletion has no key either.
    expect(report.pruneSkipped?.tags).toEqual(['stale_one'])
    standIn.options.intercept = (r) =>
      r.method === 'DELETE' && tagOf(r.path) === 'stale_one' ? { status: 400, body: { message: 'In use' } } : undefined
    const second = await sync(inputsFrom({ prune: 'true', 'prune-match': 'stale_*' }).settings)
    const failedDelete = second.report.results.find((r) => r.tag === 'stale_one')
    expect(failedDelete?.outcome).toBe('failed')
    expect(failedDelete && 'key' in failedDelete).toBe(false)
  })

  it('gives every input secret its key when the list fails', async () => {
    standIn.options.intercept = () => ({ status: 400, body: { type: 'BAD_REQUEST', message: 'No' } })
    const { report } = await sync(inputsFrom({}).settings)
    expect(keyed(report).map(({ tag, key, outcome }) => [tag, key, outcome])).toEqual([
      ['new_one', 'CORTEX_NEW_ONE', 'failed'],
      ['pagerduty_token', 'CORTEX_PAGERDUTY_TOKEN', 'failed'],
      ['tls_key', 'CORTEX_TLS_KEY', 'failed']
    ])
  })

  it('plans in a dry run, with select and prune, exactly what the real run then does', async () => {
    seedWorkspace()
    const before = standIn.values()
    const inputs = { prune: 'true', 'prune-match': '*\n!keep_*' }

    const dry = await sync(inputsFrom({ ...inputs, 'dry-run': 'true' }).settings)
    expect(requestLines(standIn)).toEqual(['GET list page 0'])
    expect(standIn.values()).toEqual(before)
    expect(failures(dry.report)).toEqual([])
    expect(dry.report.dryRun).toBe(true)
    expect(dry.recording.results).toEqual(dry.report.results)

    standIn.requests.length = 0
    const real = await sync(inputsFrom(inputs).settings)
    expect(keyed(real.report)).toEqual(keyed(dry.report))
    expect(requestLines(standIn).sort()).toEqual([
      'DELETE CORTEX_NEW_ONE',
      'DELETE stale_one',
      'GET list page 0',
      'POST new_one',
      'PUT pagerduty_token',
      'PUT tls_key'
    ])
    // Nothing the run did names a key select skipped, nor the keys it left out.
    const touched = standIn.requests.map((r) => (r.method === 'POST' ? createdTag(r.rawBody) : tagOf(r.path)))
    for (const key of ['github_token', 'CORTEX_API_KEY', 'MY_CORTEX_X', 'cortex_lower', 'api_key']) {
      expect(touched).not.toContain(key)
    }
    expect(standIn.values()).toEqual({
      pagerduty_token: 'pd-value-11bb',
      tls_key: PEM,
      new_one: 'new-value-22cc',
      keep_manual: 'old-manual'
    })
  })
})
