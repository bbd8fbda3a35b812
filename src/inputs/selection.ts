import { InputError } from './input-error.ts'
import { whatIsWrong } from './key-text.ts'
import { parsePatternList, type PatternList } from './pattern-list.ts'

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

const PREFIX = /^[A-Za-z0-9_-]+$/

/** Reads the three inputs, untrimmed as the runner gives them. */
export function readSelection(select: string, stripPrefix: string, tagCase: string): Selection {
  const selection: Selection = { tagCase: readTagCase(tagCase.trim()) }
  if (select.trim() !== '') selection.patterns = readSelect(select)
  const prefix = stripPrefix.trim()
  if (prefix !== '') {
    if (!PREFIX.test(prefix)) {
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
 * `[A-Za-z0-9_-]`, and a full Unicode lowering would turn a key that is not a tag
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
