import { describe, expect, it } from '@jest/globals'
import { displayName, planDeletions, planRefusals, planUpserts } from '../../src/sync/plan.ts'

describe('planUpserts', () => {
  it('creates the tags Cortex lacks and updates the ones it has', () => {
    const plan = planUpserts(
      [
        { tag: 'new_one', value: 'v1' },
        { tag: 'old_one', value: 'v2' },
        { tag: 'renamed', value: 'v3', name: 'New name' }
      ],
      [
        { id: 'se000000000000000a', tag: 'old_one', name: 'Old one' },
        { id: 'se000000000000000b', tag: 'renamed', name: 'Before' },
        { id: 'se000000000000000c', tag: 'unrelated' }
      ]
    )
    expect(plan.map((w) => [w.action, w.secret.tag, displayName(w)])).toEqual([
      ['create', 'new_one', 'new_one'],
      ['update', 'old_one', 'Old one'],
      ['update', 'renamed', 'New name']
    ])
  })

  it('matches tags exactly', () => {
    const plan = planUpserts([{ tag: 'Token', value: 'v' }], [{ id: 'se000000000000000a', tag: 'token' }])
    expect(plan[0]?.action).toBe('create')
  })
})

describe('planDeletions', () => {
  const existing = (...tags: string[]) => tags.map((tag, i) => ({ id: `se${String(i).padStart(16, '0')}`, tag }))
  const all = () => true

  it('deletes the owned tags the input does not name', () => {
    const plan = planDeletions([{ tag: 'kept', value: 'v' }], existing('kept', 'gone', 'other'), (t) => t !== 'other')
    expect(plan).toEqual([{ tag: 'gone', name: 'gone' }])
  })

  it('never deletes a tag equal to an input tag ignoring case: Cortex may treat them as one secret', () => {
    const plan = planDeletions(
      [
        { tag: 'Payments_DB', value: 'v' },
        { tag: 'api-key', value: 'v' }
      ],
      existing('payments_db', 'PAYMENTS_DB', 'Payments_DB', 'API-KEY', 'payments_db_old'),
      all
    )
    expect(plan.map((d) => d.tag)).toEqual(['payments_db_old'])
  })

  it('folds case the way a case-insensitive server could (ſ is S, the Kelvin sign is K)', () => {
    const plan = planDeletions([{ tag: 'secret_k', value: 'v' }], existing('ſecret_K', 'secret_\u212A'), all)
    expect(plan).toEqual([])
  })
})

describe("planRefusals: a tag that is also another secret's id is never sent in a path", () => {
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
    expect(planDeletions(desired, existing, all).map((d) => d.tag)).toEqual(['se_gone', 'se_self'])
    expect(planRefusals(desired, existing, all)).toEqual([
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
      { tag: 'SE000000000000000C', value: 'v' },
      { tag: 'se000000000000000a', value: 'v' },
      { tag: 'payments_key', value: 'v' }
    ]
    expect(planUpserts(desired, existing).map((w) => [w.action, w.secret.tag])).toEqual([['update', 'payments_key']])
    const refused = planRefusals(desired, existing)
    expect(refused.map((r) => [r.action, r.tag, r.name])).toEqual([
      ['write', 'SE000000000000000C', 'SE000000000000000C'],
      ['write', 'se000000000000000a', 'Stale']
    ])
    expect(refused[1]?.reason).toBe(
      '"se000000000000000a" is also the id of the secret "payments_key", and Cortex reads a secret\'s path as a tag or an id: writing it could change "payments_key" instead. Not pushed: give this secret another tag.'
    )
  })

  it('lets a tag equal to its own id be, and refuses no deletion without prune', () => {
    expect(planRefusals([{ tag: 'se_self', value: 'v' }], existing)).toEqual([])
    expect(planRefusals([{ tag: 'payments_key', value: 'v' }], existing)).toEqual([])
    expect(planRefusals([], existing, (tag) => tag !== 'se000000000000000a')).toEqual([])
  })
})
