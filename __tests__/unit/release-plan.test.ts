import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { changelogEntry, checkNothingUnreleased, parseVersion, releaseTags } from '../../scripts/release-plan.ts'

const changelog = (...sections: string[]) =>
  ['# Changelog', '', 'Intro.', '', ...sections, '[1.1.0]: https://example.invalid/v1.1.0', ''].join('\n')

describe('parseVersion', () => {
  it('takes X.Y.Z only', () => {
    expect(parseVersion('1.10.0')).toEqual({ major: 1, minor: 10, patch: 0 })
    for (const bad of ['v1.0.0', '1.0', '1.0.0-rc.1', '01.0.0', '1.0.0 '])
      expect(() => parseVersion(bad)).toThrow(`package.json version "${bad}" is not of the form X.Y.Z`)
  })
})

describe('changelogEntry', () => {
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
    expect(changelogEntry(text, '1.1.0')).toEqual({ date: '2026-02-28', notes: '### Fixed\n\n- A fix.' })
    expect(changelogEntry(text, '1.0.0')).toEqual({ date: '2026-01-02', notes: '- First.' })
  })

  it('refuses a missing, undated or impossible date, naming the line', () => {
    const withHeading = (heading: string) => changelog('## [Unreleased]', '', heading, '', '- A change.')
    expect(() => changelogEntry(withHeading('## [1.0.0] - 2026-01-02'), '1.1.0')).toThrow(
      "CHANGELOG.md has no entry for 1.1.0: add '## [1.1.0] - YYYY-MM-DD'"
    )
    for (const heading of ['## [1.1.0]', '## [1.1.0] - 2026-2-28', '## [1.1.0] - 2026-02-30', '## [1.1.0] 2026-02-28'])
      expect(() => changelogEntry(withHeading(heading), '1.1.0')).toThrow(
        "CHANGELOG.md line 7: write the heading as '## [1.1.0] - YYYY-MM-DD'"
      )
  })

  it('refuses an entry with no change, and a version with two sections', () => {
    expect(() => changelogEntry(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28', ''), '1.1.0')).toThrow(
      'CHANGELOG.md line 7: the entry for 1.1.0 lists no change'
    )
    expect(() =>
      changelogEntry(
        changelog('## [Unreleased]', '## [1.1.0] - 2026-02-28', '- A.', '## [1.1.0] - 2026-03-01', '- B.'),
        '1.1.0'
      )
    ).toThrow('CHANGELOG.md line 8: a second section for [1.1.0]')
  })

  it("accepts this repository's CHANGELOG.md for the version in package.json", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(changelogEntry(readFileSync('CHANGELOG.md', 'utf8'), version).date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })
})

describe('checkNothingUnreleased', () => {
  it('passes an empty [Unreleased] and refuses a missing or non-empty one', () => {
    expect(() =>
      checkNothingUnreleased(changelog('## [Unreleased]', '', '## [1.1.0] - 2026-02-28'), '1.1.0')
    ).not.toThrow()
    expect(() => checkNothingUnreleased(changelog('## [1.1.0] - 2026-02-28', '- A change.'), '1.1.0')).toThrow(
      "CHANGELOG.md has no '## [Unreleased]' section"
    )
    expect(() =>
      checkNothingUnreleased(
        changelog('## [Unreleased]', '', '- Not released yet.', '', '## [1.1.0] - 2026-02-28'),
        '1.1.0'
      )
    ).toThrow("CHANGELOG.md line 5: [Unreleased] still lists changes; move them under '## [1.1.0] - YYYY-MM-DD'")
  })
})

describe('releaseTags', () => {
  it('creates vX.Y.Z and moves vX', () => {
    expect(releaseTags('1.0.0', [])).toEqual({ tag: 'v1.0.0', majorTag: 'v1' })
    expect(releaseTags('1.2.0', ['v1', 'v1.0.0', 'v1.1.3', 'v2', 'v2.0.0', 'nightly'])).toEqual({
      tag: 'v1.2.0',
      majorTag: 'v1'
    })
    expect(releaseTags('2.0.0', ['v1', 'v1.9.0'])).toEqual({ tag: 'v2.0.0', majorTag: 'v2' })
  })

  it('refuses a version already tagged, or older than a release of its major', () => {
    expect(() => releaseTags('1.1.0', ['v1', 'v1.1.0'])).toThrow(
      'tag v1.1.0 exists already: bump the version in package.json'
    )
    expect(() => releaseTags('1.1.0', ['v1', 'v1.0.0', 'v1.10.0'])).toThrow(
      'v1.10.0 is newer than v1.1.0: v1 must not move back to an older release'
    )
  })
})
