import { describe, expect, it } from '@jest/globals'
import { displayName, plan } from '../../src/sync.ts'

describe('plan: writes', () => {
  it('creates the tags Cortex lacks and updates the ones it has', () => {
    const { writes, deletions, refusals } = plan(
      [
        { tag: 'new_one', value: 'v1' },
        { tag: 'old_one', value: 'v2' },
        { tag: 'renamed', value: 'v3', name: 'New name' },
        { tag: 'unnamed', value: 'v4' }
      ],
      [
        { id: 'se000000000000000a', tag: 'old_one', name: 'Old one' },
        { id: 'se000000000000000b', tag: 'renamed', name: 'Before' },
        { id: 'se000000000000000c', tag: 'unrelated' },
        { id: 'se000000000000000d', tag: 'unnamed' }
      ]
    )
    expect(writes.map((w) => [w.action, w.secret.tag, w.currentName, displayName(w)])).toEqual([
      ['create', 'new_one', undefined, 'new_one'],
      ['update', 'old_one', 'Old one', 'Old one'],
      ['update', 'renamed', 'Before', 'New name'],
      ['update', 'unnamed', undefined, 'unnamed']
    ])
    // Without owns, nothing is deleted.
    expect(deletions).toEqual([])
    expect(refusals).toEqual([])
  })

  it('matches tags exactly', () => {
    const { writes } = plan([{ tag: 'Token', value: 'v' }], [{ id: 'se000000000000000a', tag: 'token' }])
    expect(writes.map((w) => w.action)).toEqual(['create'])
  })
})

describe('plan: deletions', () => {
  const existing = (...tags: string[]) => tags.map((tag, i) => ({ id: `se${String(i).padStart(16, '0')}`, tag }))
  const all = () => true

  it('deletes the owned tags the input does not name, by the name Cortex has', () => {
    const { deletions } = plan(
      [{ tag: 'kept', value: 'v' }],
      [...existing('kept', 'gone', 'other'), { id: 'se0000000000000009', tag: 'named', name: 'A name' }],
      (t) => t !== 'other'
    )
    expect(deletions).toEqual([
      { tag: 'gone', name: 'gone' },
      { tag: 'named', name: 'A name' }
    ])
  })

  it('never deletes a tag equal to an input tag ignoring case: Cortex may treat them as one secret', () => {
    const { deletions } = plan(
      [
        { tag: 'Payments_DB', value: 'v' },
        { tag: 'api-key', value: 'v' }
      ],
      existing('payments_db', 'PAYMENTS_DB', 'Payments_DB', 'API-KEY', 'payments_db_old'),
      all
    )
    expect(deletions.map((d) => d.tag)).toEqual(['payments_db_old'])
  })

  it('folds case the way a case-insensitive server could (ſ is S, the Kelvin sign is K)', () => {
    const { deletions } = plan([{ tag: 'secret_k', value: 'v' }], existing('ſecret_K', 'secret_\u212A'), all)
    expect(deletions).toEqual([])
  })
})

describe("plan: a tag that is also another secret's id is never sent in a path", () => {
  // Cortex names a secret in a path by tagOrId: "se…0a" could reach payments_key instead.
  const existing = [
    { id: 'se000000000000000a', tag: 'payments_key', name: 'Payments' },
    { id: 'se000000000000000b', tag: 'se000000000000000a', name: 'Stale' },
    { id: 'se000000000000000c', tag: 'se_gone' },
    { id: 'se_self', tag: 'se_self' }
  ]
  const all = () => true

  it('refuses to delete it, and deletes the others', () => {
    const desired = [{ tag: 'payments_key', value: 'v' }]
    const { deletions, refusals } = plan(desired, existing, all)
    expect(deletions.map((d) => d.tag)).toEqual(['se_gone', 'se_self'])
    expect(refusals).toEqual([
      {
        tag: 'se000000000000000a',
        name: 'Stale',
        action: 'delete',
        reason:
          '"se000000000000000a" is also the id of the secret "payments_key", and Cortex reads a secret\'s path as a tag or an id: deleting it could delete "payments_key" instead. Not deleted: delete it in Cortex by hand.'
      }
    ])
  })

  it('refuses to write an input tag equal to a listed id, whether it would be created or updated', () => {
    const desired = [
      { tag: 'SE000000000000000C', value: 'v', key: 'THE_KEY' },
      { tag: 'se000000000000000a', value: 'v' },
      { tag: 'payments_key', value: 'v' }
    ]
    const { writes, refusals } = plan(desired, existing)
    expect(writes.map((w) => [w.action, w.secret.tag])).toEqual([['update', 'payments_key']])
    expect(refusals.map((r) => [r.action, r.tag, r.key, r.name])).toEqual([
      ['write', 'SE000000000000000C', 'THE_KEY', 'SE000000000000000C'],
      ['write', 'se000000000000000a', undefined, 'Stale']
    ])
    expect('key' in (refusals[1] as object)).toBe(false)
    expect(refusals[1]?.reason).toBe(
      '"se000000000000000a" is also the id of the secret "payments_key", and Cortex reads a secret\'s path as a tag or an id: writing it could change "payments_key" instead. Not pushed: give this secret another tag.'
    )
  })

  it('names a refused write by the name the input gives, before the one Cortex has', () => {
    const { refusals } = plan([{ tag: 'se000000000000000a', value: 'v', name: 'Mine' }], existing)
    expect(refusals.map((r) => r.name)).toEqual(['Mine'])
  })

  it('lets a tag equal to its own id be, and refuses no deletion without prune', () => {
    expect(plan([{ tag: 'se_self', value: 'v' }], existing).refusals).toEqual([])
    expect(plan([{ tag: 'payments_key', value: 'v' }], existing).refusals).toEqual([])
    expect(plan([], existing, (tag) => tag !== 'se000000000000000a').refusals).toEqual([])
  })
})

describe('displayName', () => {
  it("is the input's name when given, else the one an update leaves, else the tag", () => {
    const secret = { tag: 't', value: 'v' }
    expect(displayName({ action: 'update', secret: { ...secret, name: 'Given' }, currentName: 'Cortex' })).toBe('Given')
    expect(displayName({ action: 'update', secret, currentName: 'Cortex' })).toBe('Cortex')
    expect(displayName({ action: 'create', secret })).toBe('t')
  })
})
