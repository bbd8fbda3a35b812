import picomatch from 'picomatch'
import { InputError } from './input-error.ts'

/** The tags a workflow owns: globs to include, and `!globs` to exclude. */
export interface PruneMatch {
  include: string[]
  exclude: string[]
}

/** Reads `prune-match`: glob patterns one per line or comma-separated; `!pattern` excludes. */
export function parsePruneMatch(text: string): PruneMatch {
  const patterns = text
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'))
  const match: PruneMatch = { include: [], exclude: [] }
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) match.exclude.push(pattern.slice(1))
    else match.include.push(pattern)
  }
  if (match.include.length === 0) {
    throw new InputError(
      'Input "prune-match" is required when "prune" is true: glob patterns for the tags this workflow owns ' +
        `(for example ci_* or payments-*). Write '*' to own the whole workspace.`
    )
  }
  for (const pattern of [...match.include, ...match.exclude]) {
    if (pattern === '' || /[^A-Za-z0-9_\-*?[\]{}!,.^+@()|]/.test(pattern)) {
      throw new InputError(
        `Input "prune-match": ${JSON.stringify(pattern)} is not a glob over tags (letters, digits, _ - and * ? [ ] { }).`
      )
    }
  }
  return match
}

/** A predicate that says whether a tag is owned by the workflow. */
export function ownedBy(match: PruneMatch): (tag: string) => boolean {
  const included = picomatch(match.include)
  const excluded = match.exclude.length > 0 ? picomatch(match.exclude) : () => false
  return (tag) => included(tag) && !excluded(tag)
}
