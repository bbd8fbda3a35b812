/**
 * The checks of a release that need neither git, the network nor the file system: the
 * version's form, the tags it creates and moves, and what CHANGELOG.md must say. Every
 * problem is a sentence that says what to fix. scripts/release.ts gathers the inputs,
 * runs git and publishes.
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
  if (!match) throw new Error(`version "${text}" is not of the form X.Y.Z`)
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) }
}

function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

/** A heading of Keep a Changelog: `## [1.2.3] - 2026-11-28` or `## [Unreleased]`. */
const HEADING = /^ {0,3}##[ \t]+\[([^\]]+)\](.*)$/
/** Any other heading of level 1 or 2, a setext underline or a thematic break (`---`): it ends a section. */
const SECTION_END = /^ {0,3}(?:#{1,2}(?:[ \t]|$)|=+[ \t]*$|([-*_])(?:[ \t]*\1){2,}[ \t]*$)/
/** A link reference definition, `[label]: destination "title"`, which Keep a Changelog puts at the end. */
const LINK_REFERENCE = /^ {0,3}\[[^\]]+\]:[ \t]*\S+(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$/
const FENCE = /^ {0,3}(`{3,}|~{3,})/
const DATED = /^ - (\d{4})-(\d{2})-(\d{2})$/

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
  const lines = changelog.replace(/^\uFEFF/, '').split(/\r?\n/)
  // Only the block of link references that ends the file is links: a `[X]: text` line elsewhere is text.
  let end = lines.length
  while (end > 0 && (lines[end - 1]?.trim() === '' || LINK_REFERENCE.test(lines[end - 1] as string))) end -= 1
  let current: Section | undefined
  let fence: string | undefined
  // Text after a break that ends an entry (`---`, another heading) and before the next entry belongs to
  // no entry: it would be left out of the notes without a word, so it is an error. After the last entry
  // it is a footer.
  let orphan: number | undefined
  const text = (index: number, line: string) => {
    if (current) current.lines.push(line)
    else if (sections.size > 0 && orphan === undefined && line.trim() !== '') orphan = index + 1
  }
  for (const [index, line] of lines.slice(0, end).entries()) {
    const opening = FENCE.exec(line)?.[1]
    if (fence !== undefined) {
      // A code block's lines are text, headings included, up to its closing fence.
      if (opening && opening[0] === fence[0] && opening.length >= fence.length && line.trim() === opening)
        fence = undefined
      text(index, line)
      continue
    }
    if (opening && !(opening[0] === '`' && line.slice(line.indexOf(opening) + opening.length).includes('`'))) {
      fence = opening
      text(index, line)
      continue
    }
    const heading = HEADING.exec(line)
    if (heading) {
      const label = heading[1] as string
      const name = label.toLowerCase() === 'unreleased' ? 'Unreleased' : label
      if (sections.has(name)) throw new Error(`CHANGELOG.md line ${index + 1}: a second section for [${name}]`)
      if (orphan !== undefined) {
        throw new Error(
          `CHANGELOG.md line ${orphan}: this text is in no entry (a '---' or a heading above it ended the entry), so no release notes would show it: remove that break or move the text`
        )
      }
      current = { line: index + 1, rest: heading[2] as string, lines: [] }
      sections.set(name, current)
    } else if (SECTION_END.test(line)) {
      current = undefined
    } else {
      text(index, line)
    }
  }
  return sections
}

const textOf = (section: Section) => section.lines.join('\n').trim()
/** Whether a reader sees anything: not only comments, white space or invisible characters. */
const isVisible = (text: string) =>
  /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cc}]/u.test(text.replace(/<!--[\s\S]*?(?:-->|$)/g, ''))

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + 1)
  return date.toISOString().slice(0, 10)
}

export interface ChangelogCheck {
  /** The version's entry, when it is ready to be released. */
  entry?: ChangelogEntry
  /** What to fix; empty exactly when `entry` is there. */
  problems: string[]
}

/**
 * What CHANGELOG.md must say before `version` is tagged: a dated entry `## [X.Y.Z] - YYYY-MM-DD`
 * with its changes, and an empty `## [Unreleased]`, since whatever that lists is in the commit
 * being tagged. The advice fits the case: changes waiting in [Unreleased] go into the version's
 * entry while it is unreleased, and need a new version once `released` (tagged on another
 * commit). `today` dates the headings the advice suggests.
 */
export function checkChangelog(changelog: string, version: string, released: boolean, today: string): ChangelogCheck {
  let sections: Map<string, Section>
  try {
    sections = changelogSections(changelog)
  } catch (error) {
    return { problems: [(error as Error).message] }
  }
  const problems: string[] = []
  const unreleased = sections.get('Unreleased')
  const entry = sections.get(version)
  const heading = `'## [${version}] - ${today}'`
  if (!unreleased) problems.push("CHANGELOG.md has no '## [Unreleased]' section: add it, empty, above the entries")
  const waiting = unreleased && isVisible(textOf(unreleased)) ? unreleased : undefined

  if (released) {
    if (waiting) {
      problems.push(
        `CHANGELOG.md line ${waiting.line}: [Unreleased] lists changes and ${version} is released: bump the version and move them under its entry`
      )
    }
    return { problems }
  }
  if (!entry) {
    problems.push(
      waiting
        ? `CHANGELOG.md line ${waiting.line}: move the changes under [Unreleased] to a new entry ${heading}`
        : `CHANGELOG.md has no entry for ${version}: add ${heading} with its changes`
    )
    return { problems }
  }
  const date = DATED.exec(entry.rest)
  if (!date || !isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3]))) {
    problems.push(`CHANGELOG.md line ${entry.line}: date the entry: ${heading}`)
  } else if (`${date[1]}-${date[2]}-${date[3]}` > nextDay(today)) {
    // Tomorrow still passes: east of UTC, the release day can be a day ahead of UTC's.
    problems.push(
      `CHANGELOG.md line ${entry.line}: the entry is dated ${date[1]}-${date[2]}-${date[3]}, after today (${today}, UTC): date it the day of the release: ${heading}`
    )
  }
  const notes = textOf(entry)
  if (waiting) {
    problems.push(
      `CHANGELOG.md line ${waiting.line}: [Unreleased] lists changes and ${version} is not released yet: move them into its entry (line ${entry.line})`
    )
  } else if (!isVisible(notes)) {
    problems.push(`CHANGELOG.md line ${entry.line}: the entry for ${version} lists no change`)
  }
  if (problems.length > 0 || !date) return { problems }
  return { entry: { date: `${date[1]}-${date[2]}-${date[3]}`, notes }, problems }
}

export interface ReleaseTags {
  /** `vX.Y.Z`. */
  tag: string
  /** `vX`, what `uses: owner/repo@vX` follows: moved to the release. */
  majorTag: string
  /** `tag` is on the remote at the commit already: a run that stopped after its push. */
  tagged: boolean
  /** `majorTag` is missing or elsewhere, and no newer release of the major holds it: it is pushed. */
  moveMajor: boolean
  /** No release tag names a higher version: GitHub is to mark this release the latest. */
  latest: boolean
}

/**
 * The tags a release of `version` from `commit` creates and moves, given the remote's tags
 * (name → the commit each points at). A tag already at this commit is kept, so that a second
 * run finishes what a first left undone, even once a newer release of the major exists (then
 * `vX` stays). Refuses a version tagged on another commit, and a new tag older than a release
 * of the same major: moving `vX` back would hand every `@vX` user an older action.
 */
export function releaseTags(version: string, tags: ReadonlyMap<string, string>, commit: string): ReleaseTags {
  const wanted = parseVersion(version)
  const tag = `v${version}`
  const majorTag = `v${wanted.major}`
  const tagged = tags.get(tag)
  if (tagged !== undefined && tagged !== commit) {
    throw new Error(
      `tag ${tag} exists already, on ${tagged.slice(0, 12)}: bump the version in package.json (or, to finish that release, re-run the job that pushed it)`
    )
  }
  let latest = true
  let newerInMajor = false
  for (const name of tags.keys()) {
    const match = RELEASE_TAG.exec(name)
    if (!match) continue
    const released = parseVersion(match[1] as string)
    if (compareVersions(released, wanted) <= 0) continue
    latest = false
    if (released.major !== wanted.major) continue
    // A re-run of a release that a newer one has followed: publish its notes, leave vX alone.
    if (tagged === commit) newerInMajor = true
    else {
      throw new Error(
        `${name} is newer than ${tag}: ${majorTag} must not move back to an older release; release a version above ${match[1]} instead`
      )
    }
  }
  const moveMajor = !newerInMajor && tags.get(majorTag) !== commit
  return { tag, majorTag, tagged: tagged === commit, moveMajor, latest }
}
