import { describe, expect, it } from '@jest/globals'
import { parseBoolean } from '../../src/inputs/booleans.ts'
import { ownedBy, parsePruneMatch } from '../../src/inputs/prune-match.ts'
import { planDeletions } from '../../src/sync/plan.ts'

describe('parsePruneMatch and ownedBy', () => {
  it('reads patterns one per line or comma-separated, with ! exclusions', () => {
    const match = parsePruneMatch('ci_*, payments-*\n!ci_keep*\n\n# a comment\n')
    expect(match).toEqual({ include: ['ci_*', 'payments-*'], exclude: ['ci_keep*'] })
    const owns = ownedBy(match)
    expect(['ci_a', 'payments-x', 'ci_keep_me', 'other', 'xci_a'].filter(owns)).toEqual(['ci_a', 'payments-x'])
  })
  it("owns everything with '*'", () => {
    expect(['a', 'B-1', 'c_2'].every(ownedBy(parsePruneMatch('*')))).toBe(true)
  })
  it("is required, and says to write '*' to own the whole workspace", () => {
    expect(() => parsePruneMatch('')).toThrow(
      /Input "prune-match" is required when "prune" is true.*Write '\*' to own the whole workspace/
    )
    expect(() => parsePruneMatch('!keep_*')).toThrow(/is required when "prune" is true/)
  })
  it('refuses a pattern that cannot match a tag', () => {
    expect(() => parsePruneMatch('ci/*')).toThrow('Input "prune-match": "ci/*" is not a glob over tags')
  })
})

describe('planDeletions', () => {
  it('deletes owned tags the input no longer names, and nothing else', () => {
    const existing = ['ci_old', 'ci_kept', 'ci_keep_manual', 'team_x'].map((tag, i) => ({
      id: `se00000000000000${i}0`,
      tag
    }))
    const owns = ownedBy(parsePruneMatch('ci_*\n!ci_keep_*'))
    expect(planDeletions([{ tag: 'ci_kept', value: 'v' }], existing, owns)).toEqual([{ tag: 'ci_old', name: 'ci_old' }])
  })
})

describe('parseBoolean', () => {
  it('reads the YAML 1.2 core booleans and names the input otherwise', () => {
    expect(['true', 'True', 'TRUE'].map((t) => parseBoolean(t, 'prune'))).toEqual([true, true, true])
    expect(['false', 'False', 'FALSE'].map((t) => parseBoolean(t, 'prune'))).toEqual([false, false, false])
    expect(() => parseBoolean('yes', 'dry-run')).toThrow('Input "dry-run" must be true or false.')
  })
})
