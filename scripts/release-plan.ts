/**
 * The checks of a release that need neither git nor the file system: the version's
 * form, the CHANGELOG entry for it, and the tags it creates and moves.
 * scripts/release.ts reads the inputs and runs git.
 */

/** A release version: exactly `X.Y.Z`, no prefix, no pre-release or build part. */
export interface Version {
  major: number
  minor: number
  patch: number
}

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/
const RELEASE_TAG = /^v((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*))$/

export function parseVersion(text: string): Version {
  const match = VERSION.exec(text)
  if (!match) throw new Error(`package.json version "${text}" is not of the form X.Y.Z`)
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) }
}

function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

/** A heading of Keep a Changelog: `## [1.2.3] - 2026-11-28` or `## [Unreleased]`. */
const HEADING = /^## \[([^\]]+)\](.*)$/
/** A link reference definition, as Keep a Changelog puts them at the end. */
const LINK_REFERENCE = /^\[[^\]]+\]: \S/

export interface ChangelogEntry {
  date: string
  /** The entry's text under its heading: the release notes. */
  notes: string
}

interface Section {
  /** 1-based line of the heading. */
  line: number
  /** What follows `## [name]` on the heading line. */
  rest: string
  lines: string[]
}

function changelogSections(changelog: string): Map<string, Section> {
  const sections = new Map<string, Section>()
  let current: Section | undefined
  for (const [index, line] of changelog.split(/\r?\n/).entries()) {
    const heading = HEADING.exec(line)
    if (heading) {
      const name = heading[1] as string
      if (sections.has(name)) throw new Error(`CHANGELOG.md line ${index + 1}: a second section for [${name}]`)
      current = { line: index + 1, rest: heading[2] as string, lines: [] }
      sections.set(name, current)
    } else if (LINK_REFERENCE.test(line)) {
      current = undefined
    } else {
      current?.lines.push(line)
    }
  }
  return sections
}

const textOf = (section: Section) => section.lines.join('\n').trim()

/** The entry `## [X.Y.Z] - YYYY-MM-DD` for the version: its date and its notes. */
export function changelogEntry(changelog: string, version: string): ChangelogEntry {
  const entry = changelogSections(changelog).get(version)
  if (!entry) throw new Error(`CHANGELOG.md has no entry for ${version}: add '## [${version}] - YYYY-MM-DD'`)
  const dated = /^ - (\d{4})-(\d{2})-(\d{2})$/.exec(entry.rest)
  if (!dated || !isCalendarDate(Number(dated[1]), Number(dated[2]), Number(dated[3]))) {
    throw new Error(`CHANGELOG.md line ${entry.line}: write the heading as '## [${version}] - YYYY-MM-DD'`)
  }
  const notes = textOf(entry)
  if (notes === '') throw new Error(`CHANGELOG.md line ${entry.line}: the entry for ${version} lists no change`)
  return { date: `${dated[1]}-${dated[2]}-${dated[3]}`, notes }
}

/**
 * Refuses a release while `## [Unreleased]` lists changes (or is missing): whatever it lists is
 * in the commit being tagged, so it belongs under the version's entry.
 */
export function checkNothingUnreleased(changelog: string, version: string): void {
  const unreleased = changelogSections(changelog).get('Unreleased')
  if (!unreleased) throw new Error("CHANGELOG.md has no '## [Unreleased]' section")
  if (textOf(unreleased) !== '') {
    throw new Error(
      `CHANGELOG.md line ${unreleased.line}: [Unreleased] still lists changes; move them under '## [${version}] - YYYY-MM-DD'`
    )
  }
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export interface ReleaseTags {
  /** Created: `vX.Y.Z`. */
  tag: string
  /** Created or moved to the same commit: `vX`, what `uses: owner/repo@vX` follows. */
  majorTag: string
}

/**
 * The tags a release of `version` creates and moves, given the tags that exist (locally and
 * on the remote). Refuses a version already tagged, and one older than a release of the same
 * major: moving `vX` back would hand every `@vX` user an older action.
 */
export function releaseTags(version: string, existingTags: readonly string[]): ReleaseTags {
  const wanted = parseVersion(version)
  const tag = `v${version}`
  if (existingTags.includes(tag)) throw new Error(`tag ${tag} exists already: bump the version in package.json`)
  for (const existing of existingTags) {
    const match = RELEASE_TAG.exec(existing)
    if (!match) continue
    const released = parseVersion(match[1] as string)
    if (released.major === wanted.major && compareVersions(released, wanted) > 0) {
      throw new Error(`${existing} is newer than ${tag}: v${wanted.major} must not move back to an older release`)
    }
  }
  return { tag, majorTag: `v${wanted.major}` }
}
