/** pushSecrets in this process against the stand-in: what a prune deletes, and what it never deletes. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { InputError } from '../../src/inputs/input-error.ts'
import { readSettings } from '../../src/settings.ts'
import { createdTag, push, requestLines, settingsFor, tagOf } from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const seed = (...tags: string[]) => standIn.seed(tags.map((tag) => ({ tag, secret: `old-${tag}` })))

describe('prune', () => {
  it('deletes the owned tags the input does not name, and nothing else', async () => {
    seed('ci_kept', 'ci_old_b', 'ci_old_a', 'ci_keep_manual', 'team_other')
    const settings = settingsFor(
      standIn,
      { ci_kept: 'kept-value-1b1b', ci_new: 'new-value-2c2c' },
      {
        pruneMatch: 'ci_*\n!ci_keep_*'
      }
    )
    const { result, reporter } = await push(settings)

    expect(result.failure).toBeUndefined()
    expect(reporter.outcomes()).toEqual([
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
    expect(reporter.starts).toEqual([{ secrets: 2, host: new URL(standIn.url).host, dryRun: false, prune: true }])
    expect(reporter.skipped).toEqual([])
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
      {
        pruneMatch: 'ci_*'
      }
    )
    const { result, reporter } = await push(settings)

    expect(standIn.requestsWith('DELETE')).toEqual([])
    expect(standIn.values()).toEqual({ ci_kept: 'kept-value-3d3d', ci_old_z: 'old-ci_old_z', ci_old_a: 'old-ci_old_a' })
    expect(reporter.outcomes()).toEqual(['ci_kept: updated', 'ci_refused: failed'])
    const skipped = { reason: '1 create or update failed, so nothing was deleted', tags: ['ci_old_a', 'ci_old_z'] }
    expect(result.pruneSkipped).toEqual(skipped)
    expect(reporter.skipped).toEqual([skipped])
    expect(reporter.calls.at(-1)).toBe('pruneSkipped')
    expect(result.failure?.split('\n')).toEqual([
      '1 of 2 secrets failed:',
      '- ci_refused: create "ci_refused": HTTP 422 BAD_REQUEST: Refused (requestId req-9, 1 attempt)',
      'Prune skipped: 1 create or update failed, so nothing was deleted (2 planned).'
    ])
  })

  it('refuses to prune with no secrets, before any request, whoever builds the settings', async () => {
    seed('ci_a', 'ci_b')
    await expect(push(settingsFor(standIn, {}, { pruneMatch: '*' }))).rejects.toThrow(
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
      readSettings({ getInput: (name) => inputs[name] ?? '', env: {}, readFile: () => '', maskValue: () => {} })
    expect(read).toThrow(InputError)
    expect(read).toThrow(/^Refusing to prune: "secrets" and "secrets-file" yield no secrets/)
  })

  it('never deletes a workspace tag equal to an input tag ignoring case', async () => {
    seed('payments_db', 'payments_old', 'PAYMENTS_DB_OLD')
    const { result } = await push(settingsFor(standIn, { Payments_DB: 'upper-value-5f5f' }, { pruneMatch: '*' }))

    expect(result.failure).toBeUndefined()
    expect(
      standIn
        .requestsWith('DELETE')
        .map((r) => tagOf(r.path))
        .sort()
    ).toEqual(['PAYMENTS_DB_OLD', 'payments_old'])
    expect(standIn.values()).toEqual({ Payments_DB: 'upper-value-5f5f', payments_db: 'old-payments_db' })
  })

  it('counts a tag already gone as deleted, and a deletion Cortex refuses as failed', async () => {
    seed('ci_kept', 'ci_gone', 'ci_refused')
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'DELETE') return undefined
      if (tagOf(r.path) === 'ci_gone') s.secrets.delete('ci_gone')
      if (tagOf(r.path) === 'ci_refused') return { status: 400, body: { type: 'BAD_REQUEST', message: 'In use' } }
      return undefined
    }
    const { result } = await push(settingsFor(standIn, { ci_kept: 'kept-value-6a6a' }, { pruneMatch: 'ci_*' }))

    expect(result.results.map((r) => `${r.tag}: ${r.outcome}`).sort()).toEqual([
      'ci_gone: deleted',
      'ci_kept: updated',
      'ci_refused: failed'
    ])
    expect(result.failure).toBe(
      '1 of 3 secrets failed:\n- ci_refused: delete "ci_refused": HTTP 400 BAD_REQUEST: In use (1 attempt)'
    )
    expect(standIn.values()).toEqual({ ci_kept: 'kept-value-6a6a', ci_refused: 'old-ci_refused' })
    expect(
      requestLines(standIn)
        .filter((line) => line.startsWith('DELETE'))
        .sort()
    ).toEqual(['DELETE ci_gone', 'DELETE ci_refused'])
  })
})
