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
    expect(() => parsePruneMatch('ci/*')).toThrow('Input "prune-match": "ci/*" is not a valid pattern')
  })
  it('keeps a comma inside { } or [ ] in its pattern, so an exclusion stays whole', () => {
    for (const text of ['ci_*,!ci_{keep,manual}_*', 'ci_*,!ci_[k,m]*']) {
      const owns = ownedBy(parsePruneMatch(text))
      expect(['ci_keep_x', 'ci_manual_y', 'ci_old'].filter(owns)).toEqual(['ci_old'])
    }
  })
  it('refuses unbalanced patterns, !!, a bare ! and extglobs, naming the pattern', () => {
    for (const pattern of ['!ci_{keep', 'ci_[k', 'ci_}', '!!ci_*', '!', '@(ci|cd)_*', '+(ci)_*', 'ci_!(keep)']) {
      expect(() => parsePruneMatch(`ci_*,${pattern}`)).toThrow(
        `Input "prune-match": ${JSON.stringify(pattern)} is not a valid pattern: `
      )
    }
  })
  it('drops a comment line whole, commas included', () => {
    expect(parsePruneMatch('ci_*\n# not team_*, nor payments-*')).toEqual({ include: ['ci_*'], exclude: [] })
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
