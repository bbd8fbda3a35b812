import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { checkChangelog, parseVersion, releaseTags } from '../../scripts/release-plan.ts'

const TODAY = '2026-12-02'
/** A CHANGELOG.md: a title and intro (lines 1-4), then the sections given, then a link reference. */
const changelog = (...sections: string[]) =>
  ['# Changelog', '', 'Intro.', '', ...sections, '[1.1.0]: https://example.invalid/v1.1.0', ''].join('\n')
const check = (text: string, version = '1.1.0', released = false) => checkChangelog(text, version, released, TODAY)

describe('parseVersion', () => {
  it('takes X.Y.Z only', () => {
    expect(parseVersion('1.10.0')).toEqual({ major: 1, minor: 10, patch: 0 })
    for (const bad of ['v1.0.0', '1.0', '1.0.0-rc.1', '01.0.0', '1.0.0 '])
      expect(() => parseVersion(bad)).toThrow(`version "${bad}" is not of the form X.Y.Z`)
  })
})

describe('checkChangelog', () => {
  it('returns the date and the notes of the dated entry, without the next entry or the links', () => {
    const text = changelog(
      '## [Unreleased]',
      '',
      '## [1.1.0] - 2026-02-28',
      '',
      '### Fixed',
      '',
      '- A fix.',
      '',
      '## [1.0.0] - 2026-01-02',
      '',
      '- First.',
      ''
    )
    expect(check(text)).toEqual({ entry: { date: '2026-02-28', notes: '### Fixed\n\n- A fix.' }, problems: [] })
    expect(check(text, '1.0.0')).toEqual({ entry: { date: '2026-01-02', notes: '- First.' }, problems: [] })
  })

  it('[Unreleased] has changes and the version has no entry: move them to a new entry dated today', () => {
    expect(check(changelog('## [Unreleased]', '', '- A change.', '', '## [1.0.0] - 2026-01-02', '- First.'))).toEqual({
      problems: ["CHANGELOG.md line 5: move the changes under [Unreleased] to a new entry '## [1.1.0] - 2026-12-02'"]
    })
  })

  it('[Unreleased] is empty and the version has no entry: add one', () => {
    expect(check(changelog('## [Unreleased]', '', '## [1.0.0] - 2026-01-02', '- First.'))).toEqual({
      problems: ["CHANGELOG.md has no entry for 1.1.0: add '## [1.1.0] - 2026-12-02' with its changes"]
    })
  })

  it('[Unreleased] has changes and the entry is dated but not released: move them into it', () => {
    const text = changelog('## [Unreleased]', '', '- Late.', '', '## [1.1.0] - 2026-02-28', '', '- A fix.')
    expect(check(text)).toEqual({
      problems: [
        'CHANGELOG.md line 5: [Unreleased] lists changes and 1.1.0 is not released yet: move them into its entry (line 9)'
      ]
    })
  })

  it('[Unreleased] has changes and the version is released: bump the version', () => {
    const text = changelog('## [Unreleased]', '', '- Late.', '', '## [1.1.0] - 2026-02-28', '', '- A fix.')
    expect(check(text, '1.1.0', true)).toEqual({
      problems: [
        'CHANGELOG.md line 5: [Unreleased] lists changes and 1.1.0 is released: bump the version and move them under its entry'
      ]
    })
    // Released with nothing waiting: the tag check alone says to bump the version.
    expect(check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', '- A fix.'), '1.1.0', true)).toEqual({
      problems: []
    })
  })

  it('refuses an undated entry or an impossible date, suggesting today', () => {
    for (const heading of ['## [1.1.0]', '## [1.1.0] - 2026-2-28', '## [1.1.0] - 2026-02-30', '## [1.1.0] 2026-02-28'])
      expect(check(changelog('## [Unreleased]', '', heading, '', '- A change.'))).toEqual({
        problems: ["CHANGELOG.md line 7: date the entry: '## [1.1.0] - 2026-12-02'"]
      })
  })

  it('refuses an empty entry, a version with two sections, and a missing [Unreleased]', () => {
    expect(check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', ''))).toEqual({
      problems: ['CHANGELOG.md line 7: the entry for 1.1.0 lists no change']
    })
    expect(
      check(changelog('## [Unreleased]', '## [1.1.0] - 2026-02-28', '- A.', '## [1.1.0] - 2026-03-01', '- B.'))
    ).toEqual({ problems: ['CHANGELOG.md line 8: a second section for [1.1.0]'] })
    expect(check(changelog('## [1.1.0] - 2026-02-28', '- A change.'))).toEqual({
      problems: ["CHANGELOG.md has no '## [Unreleased]' section: add it, empty, above the entries"]
    })
  })

  it('ends a section only at a heading of level 1 or 2 or a thematic break, never at a `[X]: text` line (F3)', () => {
    const entry = (notes: string) => check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', '', notes)).entry
    expect(entry('- A.\n[BREAKING]: read the migration guide\n- B.')?.notes).toBe(
      '- A.\n[BREAKING]: read the migration guide\n- B.'
    )
    expect(entry('- A.\n\n---\n\nFooter.')?.notes).toBe('- A.')
    expect(entry('- A.\n\n# Older history\n\n- 0.9.')?.notes).toBe('- A.')
    // Text that a break cut off from its entry, before the next entry, is refused rather than left out.
    expect(
      check(
        changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', '- A.', '---', '- B.', '## [1.0.0] - 2026-01-01')
      ).problems
    ).toEqual([
      "CHANGELOG.md line 10: this text is in no entry (a '---' or a heading above it ended the entry), so no release notes would show it: remove that break or move the text"
    ])
    // A link reference inside the file is text: [Unreleased] lists it.
    expect(
      check(changelog('## [Unreleased]', '', '[Security]: a fix nobody moved', '', '## [1.1.0] - 2026-02-28', '- A.'))
        .problems
    ).toEqual([
      'CHANGELOG.md line 5: [Unreleased] lists changes and 1.1.0 is not released yet: move them into its entry (line 9)'
    ])
  })

  it('reads headings in a fenced code block as text, and `##  [X]` and `[unreleased]` as headings (F4)', () => {
    const fenced = ['- A:', '', '```md', '## [1.0.0] - 2020-01-01', '# Title', '```', '', '- B.'].join('\n')
    expect(check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', '', fenced)).entry?.notes).toBe(fenced)
    expect(
      check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', '- A.', '', '##  [1.1.0] - 2026-02-27', '- B.'))
    ).toEqual({ problems: ['CHANGELOG.md line 10: a second section for [1.1.0]'] })
    expect(
      check(changelog('## [unreleased]', '- Late.', '## [Unreleased]', '## [1.1.0] - 2026-02-28', '- A.'))
    ).toEqual({ problems: ['CHANGELOG.md line 7: a second section for [Unreleased]'] })
  })

  it('takes comments and invisible characters for nothing (F4)', () => {
    for (const nothing of ['<!-- TODO -->', '\u200b', '\u00a0\t'])
      expect(check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', '', nothing))).toEqual({
        problems: ['CHANGELOG.md line 7: the entry for 1.1.0 lists no change']
      })
    expect(
      check(changelog('## [Unreleased]', '<!-- Add changes here -->', '', '## [1.1.0] - 2026-02-28', '- A.')).problems
    ).toEqual([])
  })

  it('refuses a date after tomorrow (UTC): the entry is dated the day of the release (F4)', () => {
    expect(check(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-12-03', '- A.')).problems).toEqual([])
    expect(check(changelog('## [Unreleased]', '', '## [1.1.0] - 2099-12-31', '- A.'))).toEqual({
      problems: [
        "CHANGELOG.md line 7: the entry is dated 2099-12-31, after today (2026-12-02, UTC): date it the day of the release: '## [1.1.0] - 2026-12-02'"
      ]
    })
  })

  it("accepts this repository's CHANGELOG.md for the version in package.json", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const { entry, problems } = checkChangelog(readFileSync('CHANGELOG.md', 'utf8'), version, false, TODAY)
    expect(problems).toEqual([])
    expect(entry?.notes).toMatch(/^\S/)
  })
})

describe('releaseTags', () => {
  const at = (entries: Record<string, string>) => new Map(Object.entries(entries))

  it('creates vX.Y.Z and moves vX; the release is the latest unless a higher version exists', () => {
    expect(releaseTags('1.0.0', at({}), 'c')).toEqual({
      tag: 'v1.0.0',
      majorTag: 'v1',
      tagged: false,
      moveMajor: true,
      latest: true
    })
    expect(
      releaseTags('1.2.0', at({ v1: 'a', 'v1.0.0': 'a', 'v1.1.3': 'b', v2: 'd', 'v2.0.0': 'd', nightly: 'e' }), 'c')
    ).toEqual({ tag: 'v1.2.0', majorTag: 'v1', tagged: false, moveMajor: true, latest: false })
    expect(releaseTags('2.0.0', at({ v1: 'a', 'v1.9.0': 'a' }), 'c')).toMatchObject({ majorTag: 'v2', latest: true })
  })

  it('keeps tags already at the commit, so that a second run finishes the first', () => {
    expect(releaseTags('1.1.0', at({ 'v1.0.0': 'a', 'v1.1.0': 'c', v1: 'c' }), 'c')).toMatchObject({
      tagged: true,
      moveMajor: false
    })
    expect(releaseTags('1.1.0', at({ 'v1.0.0': 'a', 'v1.1.0': 'c', v1: 'a' }), 'c')).toMatchObject({
      tagged: true,
      moveMajor: true
    })
  })

  it('finishes a release that a newer one of its major has followed, leaving vX where it is (F6)', () => {
    expect(releaseTags('1.0.1', at({ 'v1.0.1': 'c', 'v1.0.2': 'd', v1: 'd' }), 'c')).toMatchObject({
      tagged: true,
      moveMajor: false,
      latest: false
    })
  })

  it('refuses a version tagged on another commit, or older than a release of its major', () => {
    expect(() => releaseTags('1.1.0', at({ v1: 'a', 'v1.1.0': 'a0c1e2f3a4b5c6d7' }), 'c')).toThrow(
      'tag v1.1.0 exists already, on a0c1e2f3a4b5: bump the version in package.json (or, to finish that release, re-run the job that pushed it)'
    )
    expect(() => releaseTags('1.1.0', at({ v1: 'a', 'v1.0.0': 'a', 'v1.10.0': 'b' }), 'c')).toThrow(
      'v1.10.0 is newer than v1.1.0: v1 must not move back to an older release; release a version above 1.10.0 instead'
    )
  })
})
