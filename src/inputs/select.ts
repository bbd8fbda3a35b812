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
type TagCase = (typeof TAG_CASES)[number]
export const DEFAULT_TAG_CASE: TagCase = 'as-is' // as action.yml states it

/** The inputs `select`, `strip-prefix` and `tag-case`; without `select`'s `patterns`, every key is pushed. */
export type Selection = { patterns?: PatternList; stripPrefix?: string; tagCase: TagCase }

/** Reads the three inputs, untrimmed as the runner gives them. */
export function readSelection(select: string, stripPrefix: string, tagCase: string): Selection {
  const known = TAG_CASES.find((c) => c === (tagCase.trim() || DEFAULT_TAG_CASE))
  if (known === undefined)
    throw new InputError(`Input "tag-case" must be ${TAG_CASES.map((c) => `"${c}"`).join(' or ')}.`)
  const selection: Selection = { tagCase: known }
  if (select.trim() !== '') selection.patterns = parsePatternList(select, 'select')
  if (selection.patterns?.include.length === 0) {
    throw new InputError(
      'Input "select" has no pattern that selects: only exclusions (!) or comments. ' +
        'Write * to select every key, then !KEY to leave one out.'
    )
  }
  const prefix = stripPrefix.trim()
  if (prefix === '') return selection
  if (TAG_PATTERN.test(prefix)) return { ...selection, stripPrefix: prefix }
  throw new InputError(
    `Input "strip-prefix" is the start of a key, made of letters, digits, _ and - (such as CORTEX_): ${whatIsWrong(prefix)}.`
  )
}

/** Whether keys become tags by a rule (so reports show `key → tag`), rather than each key being its tag. */
export const makesTags = (selection: Selection): boolean =>
  selection.patterns !== undefined || selection.stripPrefix !== undefined || selection.tagCase !== 'as-is'

/** Only A to Z are lowered: a full Unicode lowering would make tags of keys that are none (Kelvin sign → "k"). */
export function tagFor(key: string, { stripPrefix, tagCase }: Selection): string {
  const stripped = stripPrefix !== undefined && key.startsWith(stripPrefix) ? key.slice(stripPrefix.length) : key
  return tagCase === 'lower' ? lowerAscii(stripped) : stripped
}

export const lowerAscii = (text: string): string => text.replace(/[A-Z]/g, (c) => c.toLowerCase())

/** A key `select` matched (so it may be named) that is not pushed, and why. */
type LeftOutKey = { key: string; reason: string }
/** For the log and the summary: the keys of `secrets` and `secrets-file` together, and those left out. */
export type SelectionCount = { keys: number; leftOut: LeftOutKey[] }
export type ChosenEntries = { specs: SecretSpec[]; leftOut: LeftOutKey[] }

/** `toJSON(secrets)` always holds the job's GITHUB_TOKEN, which expires with the job: no use in Cortex. */
const GITHUB_TOKEN_REASON =
  "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
const API_KEY_REASON = 'its value is the api-key input, which is never pushed'

/**
 * A key `select` does not match is skipped unread and unnamed. Without `select`, `github_token` means `secrets` is
 * toJSON(secrets). Tags equal ignoring case are refused: Cortex does not say whether tags are case-sensitive. A key
 * named outright and missing is a typo, or a secret the job cannot see, which prune would delete.
 */
export function chooseEntries(entries: readonly SecretEntry[], selection: Selection): ChosenEntries {
  const { patterns } = selection
  const renames = makesTags(selection)
  const selected = patterns ? matcherFor(patterns) : () => true
  const exact = patterns ? exactKeys(patterns) : new Set<string>()
  const byFoldedTag = new Map<string, Chosen>()
  const specs: SecretSpec[] = []
  const leftOut: LeftOutKey[] = []
  for (const entry of entries) {
    const { key, keyOrigin } = entry
    if (!selected(key)) continue
    if (lowerAscii(key) === 'github_token' && !exact.has(key)) {
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
    if (!TAG_PATTERN.test(tag)) {
      const rule = `a valid Cortex tag (${TAG_RULE})`
      throw new InputError(
        tag === key
          ? `${keyOrigin}: the key is not ${rule}: ${whatIsWrong(key)}.`
          : `${keyOrigin}: the key ${nameKey(key)} becomes a tag that is not ${rule}: ${whatIsWrong(tag)}.`
      )
    }
    const chosen = { tag, key, origin: entry.origin }
    const earlier = byFoldedTag.get(foldCase(tag))
    if (earlier) throw new InputError(collision(earlier, chosen))
    byFoldedTag.set(foldCase(tag), chosen)
    const origin = renames ? `${entry.origin}, key ${nameKey(key)}` : entry.origin
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
 * Refuses a secret whose value holds the api-key input: the action never copies the key that writes to Cortex into
 * Cortex. One whose value is the key, from a key `select` matched but did not name (`CORTEX_*`), is left out instead.
 */
export function leaveOutApiKey(
  specs: readonly SecretSpec[],
  secrets: readonly DesiredSecret[],
  apiKey: string,
  selection: Selection
): { secrets: DesiredSecret[]; leftOut: LeftOutKey[] } {
  const exact = selection.patterns && exactKeys(selection.patterns)
  const leftOut: LeftOutKey[] = []
  const kept = secrets.filter((secret, i) => {
    const key = secret.key ?? secret.tag
    if (!secret.value.includes(apiKey)) return true
    if (exact && secret.value.trim() === apiKey && !exact.has(key)) {
      leftOut.push({ key, reason: API_KEY_REASON })
      return false
    }
    throw new InputError(
      `Tag "${secret.tag}" (${specs[i]?.origin}): the value holds the api-key input, which the action never ` +
        'pushes: Cortex would show the key that writes its secrets to everyone who can read them.'
    )
  })
  return { secrets: kept, leftOut }
}

export function nothingSelectedMessage(patterns: PatternList, leftOut: readonly LeftOutKey[]): string {
  const matchedOnly =
    leftOut.length > 0 ? ` It matched only ${leftOut.map((l) => `"${l.key}" (${l.reason})`).join(', ')}.` : ''
  return (
    `Input "select" selects no secret to push: no key of "secrets" and "secrets-file" matches ` +
    `${describePatternList(patterns)}.${matchedOnly} Keys are matched whole and case-sensitively: ` +
    'CORTEX_* selects CORTEX_TOKEN, not MY_CORTEX_TOKEN nor cortex_token.'
  )
}

type Chosen = { tag: string; key: string; origin: string }

function collision(a: Chosen, b: Chosen): string {
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
