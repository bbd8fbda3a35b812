import { describe, expect, it } from '@jest/globals'
import { displayName, planDeletions, planUpserts } from '../../src/sync/plan.ts'

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
