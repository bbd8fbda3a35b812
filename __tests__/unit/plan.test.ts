import { describe, expect, it } from '@jest/globals'
import { displayName, planUpserts } from '../../src/sync/plan.ts'

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
