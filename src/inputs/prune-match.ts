import { InputError } from './input-error.ts'
import { matcherFor, parsePatternList, type PatternList } from './pattern-list.ts'

/** The tags a workflow owns: globs to include, and `!globs` to exclude. */
export type PruneMatch = PatternList

/** Reads `prune-match`, a pattern list (see pattern-list.ts) that must include something. */
export function parsePruneMatch(text: string): PruneMatch {
  const match = parsePatternList(text, 'prune-match')
  if (match.include.length === 0) {
    throw new InputError(
      'Input "prune-match" is required when "prune" is true: glob patterns for the tags this workflow owns ' +
        `(for example ci_* or payments-*). Write '*' to own the whole workspace.`
    )
  }
  return match
}

/** A predicate that says whether a tag is owned by the workflow. */
export function ownedBy(match: PruneMatch): (tag: string) => boolean {
  return matcherFor(match)
}
