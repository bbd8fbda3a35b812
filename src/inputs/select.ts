import { foldCase, InputError, TAG_PATTERN, TAG_RULE, type DesiredSecret } from '../domain/secret.ts'
import {
  describePatternList,
  exactKeys,
  keysNamedOutright,
  matcherFor,
  nameKey,
  parsePatternList,
  whatIsWrong,
  type PatternList
} from './patterns.ts'
import type { SecretEntry, SecretSpec } from './secrets.ts'

/** `tag-case`: how the case of a key carries into its tag. */
export const TAG_CASES = ['as-is', 'lower'] as const
export type TagCase = (typeof TAG_CASES)[number]
/** What an unset `tag-case` means, as action.yml states it. */
export const DEFAULT_TAG_CASE: TagCase = 'as-is'

/** Which input keys are pushed, and how each becomes a tag: the inputs `select`, `strip-prefix` and `tag-case`. */
export interface Selection {
  /** `select`: the keys to push. Absent when the input is unset: then every key is pushed. */
  patterns?: PatternList
  /** `strip-prefix`: removed from the start of each pushed key that has it. */
  stripPrefix?: string
  tagCase: TagCase
}

/** Reads the three inputs, untrimmed as the runner gives them. */
export function readSelection(select: string, stripPrefix: string, tagCase: string): Selection {
  const selection: Selection = { tagCase: readTagCase(tagCase.trim()) }
  if (select.trim() !== '') selection.patterns = readSelect(select)
  const prefix = stripPrefix.trim()
  if (prefix !== '') {
    if (!TAG_PATTERN.test(prefix)) {
      throw new InputError(
        `Input "strip-prefix" is the start of a key, made of letters, digits, _ and - (such as CORTEX_): ${whatIsWrong(prefix)}.`
      )
    }
    selection.stripPrefix = prefix
  }
  return selection
}

/** Whether keys become tags by a rule (so reports show `key → tag`), rather than each key being its tag. */
export function makesTags(selection: Selection): boolean {
  return selection.patterns !== undefined || selection.stripPrefix !== undefined || selection.tagCase !== 'as-is'
}

/**
 * The tag a key becomes: `strip-prefix` removed from its start (case-sensitive,
 * as `select` matches), then `tag-case`. Only A to Z are lowered: the tag must be
 * a tag, and a full Unicode lowering would turn a key that is not a tag
 * into one (the Kelvin sign U+212A lowers to "k").
 */
export function tagFor(key: string, { stripPrefix, tagCase }: Selection): string {
  const stripped = stripPrefix !== undefined && key.startsWith(stripPrefix) ? key.slice(stripPrefix.length) : key
  return tagCase === 'lower' ? lowerAscii(stripped) : stripped
}

/** `text` with A to Z lowered, and nothing else: no other character can become ASCII. */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase())
}

function readSelect(text: string): PatternList {
  const patterns = parsePatternList(text, 'select')
  if (patterns.include.length === 0) {
    throw new InputError(
      'Input "select" has no pattern that selects: only exclusions (!) or comments. ' +
        'Write * to select every key, then !KEY to leave one out.'
    )
  }
  return patterns
}

function readTagCase(text: string): TagCase {
  if (text === '') return DEFAULT_TAG_CASE
  const known = TAG_CASES.find((c) => c === text)
  if (known === undefined)
    throw new InputError(`Input "tag-case" must be ${TAG_CASES.map((c) => `"${c}"`).join(' or ')}.`)
  return known
}

/** A key `select` matched that is not pushed, and why. It may be named: `select` matched it. */
export interface LeftOutKey {
  key: string
  reason: string
}

/** What `select` made of the input's keys, for the log and the summary; never a key it did not match. */
export interface SelectionCount {
  /** Keys in `secrets` and `secrets-file` together. */
  keys: number
  leftOut: LeftOutKey[]
}

/** The entries a run pushes, as specs with their tags, and the keys `select` matched but left out. */
export interface ChosenEntries {
  specs: SecretSpec[]
  leftOut: LeftOutKey[]
}

/**
 * The job's GITHUB_TOKEN: `toJSON(secrets)` always holds it, as `github_token`. It
 * expires when the job ends, so a copy in Cortex is never what anyone wants.
 */
const GITHUB_TOKEN_KEY = 'github_token'
const GITHUB_TOKEN_REASON =
  "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
const API_KEY_REASON = 'its value is the api-key input; pushed only when select names it exactly'

/**
 * Picks the entries the run pushes and makes each one's tag (selection.ts). With
 * `select`, a key no pattern matches is skipped unread and unnamed; `github_token`
 * is left out unless a pattern names it exactly. Without `select`, every key is
 * pushed, and `github_token` is refused: it means `secrets` is toJSON(secrets) and
 * would push every secret of the job. Refused before any request: a tag that is not
 * a tag, two keys whose tags are equal or equal ignoring case (Cortex does not say
 * whether its tags are case-sensitive), and a key `select` names outright (a
 * pattern with no wildcard or set, braces allowed) that the input does not have:
 * a typo, or a secret the job cannot see, whose secret prune would delete.
 */
export function chooseEntries(entries: readonly SecretEntry[], selection: Selection): ChosenEntries {
  const { patterns } = selection
  const renames = makesTags(selection)
  const selected = patterns ? matcherFor(patterns) : () => true
  const exact = patterns ? exactKeys(patterns) : new Set<string>()
  const byFoldedTag = new Map<string, { tag: string; key: string; origin: string }>()
  const specs: SecretSpec[] = []
  const leftOut: LeftOutKey[] = []

  for (const entry of entries) {
    const { key, keyOrigin } = entry
    if (!selected(key)) continue
    if (lowerAscii(key) === GITHUB_TOKEN_KEY && !exact.has(key)) {
      if (patterns) {
        leftOut.push({ key, reason: GITHUB_TOKEN_REASON })
        continue
      }
      throw new InputError(
        `${keyOrigin}: the key "${key}" is the job's GITHUB_TOKEN, so "secrets" looks like toJSON(secrets), ` +
          'which would push every secret of the job. Set "select" to the keys to push (such as CORTEX_*); ' +
          'a key "select" names exactly is pushed, this one included.'
      )
    }
    const tag = tagFor(key, selection)
    if (!TAG_PATTERN.test(tag)) throw new InputError(notATag(key, tag, keyOrigin))
    const origin = renames ? `${entry.origin}, key ${nameKey(key)}` : entry.origin

    const folded = foldCase(tag)
    const earlier = byFoldedTag.get(folded)
    if (earlier) throw new InputError(collision(earlier, { tag, key, origin: entry.origin }))
    byFoldedTag.set(folded, { tag, key, origin: entry.origin })

    specs.push({ tag, origin, ...(renames ? { key } : {}), ...entry.read(tag, origin) })
  }

  const keys = new Set(entries.map((entry) => entry.key))
  for (const name of patterns ? keysNamedOutright(patterns) : []) {
    if (!keys.has(name)) {
      throw new InputError(
        `Input "select" names the key "${name}" (with no *, ? or [ ]), and neither "secrets" nor "secrets-file" ` +
          'has it (keys are matched case-sensitively). A GitHub secret that does not exist, or that this job cannot ' +
          'see (an environment secret without its environment), is not in toJSON(secrets).'
      )
    }
  }
  return { specs, leftOut }
}

/**
 * Leaves out a secret whose value is the `api-key` input, unless `select` names
 * its key exactly: `CORTEX_*` should not copy the key that writes to Cortex into
 * Cortex. Only with `select`: a secret written out by hand is meant.
 */
export function leaveOutApiKey(
  secrets: readonly DesiredSecret[],
  apiKey: string,
  selection: Selection
): { secrets: DesiredSecret[]; leftOut: LeftOutKey[] } {
  const exact = selection.patterns ? exactKeys(selection.patterns) : undefined
  if (exact === undefined) return { secrets: [...secrets], leftOut: [] }
  const leftOut: LeftOutKey[] = []
  const kept = secrets.filter((secret) => {
    const key = secret.key ?? secret.tag
    if (secret.value.trim() !== apiKey || exact.has(key)) return true
    leftOut.push({ key, reason: API_KEY_REASON })
    return false
  })
  return { secrets: kept, leftOut }
}

/** Why a run with `select` has nothing to push: the patterns, and the keys they matched but left out. */
export function nothingSelectedMessage(patterns: PatternList, leftOut: readonly LeftOutKey[]): string {
  const matchedOnly =
    leftOut.length > 0 ? ` It matched only ${leftOut.map((l) => `"${l.key}" (${l.reason})`).join(', ')}.` : ''
  return (
    `Input "select" selects no secret to push: no key of "secrets" and "secrets-file" matches ` +
    `${describePatternList(patterns)}.${matchedOnly} Keys are matched whole and case-sensitively: ` +
    'CORTEX_* selects CORTEX_TOKEN, not MY_CORTEX_TOKEN nor cortex_token.'
  )
}

function notATag(key: string, tag: string, keyOrigin: string): string {
  const rule = `a valid Cortex tag (${TAG_RULE})`
  if (tag === key) return `${keyOrigin}: the key is not ${rule}: ${whatIsWrong(key)}.`
  return `${keyOrigin}: the key ${nameKey(key)} becomes a tag that is not ${rule}: ${whatIsWrong(tag)}.`
}

function collision(
  a: { tag: string; key: string; origin: string },
  b: { tag: string; key: string; origin: string }
): string {
  if (a.tag === b.tag && a.key === b.key) return `Tag "${a.tag}" is defined twice: ${a.origin} and ${b.origin}.`
  const keys = `Keys "${a.key}" (${a.origin}) and "${b.key}" (${b.origin})`
  if (a.tag === b.tag) return `${keys} both become the tag "${a.tag}"; a tag is pushed once. Leave one of them out.`
  const what =
    a.key === a.tag && b.key === b.tag
      ? `Tags "${a.tag}" (${a.origin}) and "${b.tag}" (${b.origin})`
      : `${keys} become tags "${a.tag}" and "${b.tag}", which`
  return (
    `${what} differ only in case; Cortex does not document whether tags are case-sensitive, ` +
    'so one secret could overwrite the other. Leave one of them out.'
  )
}
