import picomatch from 'picomatch'
import { InputError } from './input-error.ts'

/**
 * A list of glob patterns over keys (tags): a key is selected when an
 * `include` pattern matches the whole key and no `exclude` pattern does.
 */
export interface PatternList {
  include: string[]
  exclude: string[]
}

/** The language, as every error message states it. */
const GRAMMAR =
  'A pattern is made of letters, digits, _ and -, with * (any characters), ? (one character), ' +
  '[ ] (one character of a set, such as [a-z0-9_]) and { } (alternatives, such as {keep,manual}); ' +
  'a single leading ! excludes. Patterns are separated by new lines, or by commas outside [ ] and { }; ' +
  'a line starting with # is a comment.'

const KEY_CHARACTER = /[A-Za-z0-9_-]/
/** What a set may hold: key characters, ranges of them, and `,` (so `[k,m]` reads as k or m). */
const SET_MEMBER = /[A-Za-z0-9_,-]/
const RANGES = [/[0-9]/, /[a-z]/, /[A-Z]/]

/**
 * Reads a pattern list: patterns one per line or comma-separated (commas
 * inside `[ ]` and `{ }` belong to the pattern), `!pattern` excludes, a line
 * whose first non-blank character is `#` is a comment. Every pattern must be
 * in the language GRAMMAR states, so that a pattern never means something
 * other than what its reader sees (picomatch would otherwise read `!(…)`,
 * `@(…)`, `{a..c}` or `[!a]` in its own ways).
 */
export function parsePatternList(text: string, inputName: string): PatternList {
  const list: PatternList = { include: [], exclude: [] }
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim().startsWith('#')) continue
    for (const piece of splitOutsideBrackets(line)) {
      const pattern = piece.trim()
      if (pattern === '') continue
      const excluded = pattern.startsWith('!')
      const body = excluded ? pattern.slice(1) : pattern
      const problem = body === '' ? 'nothing follows "!"' : problemWith(body)
      if (problem !== undefined) {
        throw new InputError(
          `Input "${inputName}": ${describePattern(pattern)} is not a valid pattern: ${problem}. ${GRAMMAR}`
        )
      }
      if (excluded) list.exclude.push(body)
      else list.include.push(body)
    }
  }
  return list
}

/** Whether a key is selected: an include matches it and no exclude does. Case-sensitive, whole key. */
export function matcherFor(list: PatternList): (key: string) => boolean {
  // The parser admits no extglob and no negation; the options make sure picomatch agrees.
  const options = { nocase: false, noextglob: true, nonegate: true, strictBrackets: true }
  const included = list.include.length > 0 ? picomatch(list.include, options) : () => false
  const excluded = list.exclude.length > 0 ? picomatch(list.exclude, options) : () => false
  return (key) => included(key) && !excluded(key)
}

/**
 * The include patterns that are plain keys, with no wildcard, set or
 * alternatives: a key they match is one the user wrote out in full.
 */
export function exactKeys(list: PatternList): Set<string> {
  return new Set(list.include.filter((pattern) => [...pattern].every((c) => KEY_CHARACTER.test(c))))
}

/** The list as messages quote it: every pattern is printable ASCII once parsed. */
export function describePatternList(list: PatternList): string {
  return [...list.include, ...list.exclude.map((p) => `!${p}`)].map((p) => JSON.stringify(p)).join(', ')
}

/** Splits a line at the commas that are outside `[ ]` and `{ }`; unbalanced text is left for problemWith. */
function splitOutsideBrackets(line: string): string[] {
  const pieces: string[] = []
  let depth = 0
  let inSet = false
  let start = 0
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (inSet) inSet = c !== ']'
    else if (c === '[') inSet = true
    else if (c === '{') depth++
    else if (c === '}') depth = Math.max(0, depth - 1)
    else if (c === ',' && depth === 0) {
      pieces.push(line.slice(start, i))
      start = i + 1
    }
  }
  pieces.push(line.slice(start))
  return pieces
}

/** Why a pattern (without its leading `!`) is not in the language; undefined when it is. */
function problemWith(body: string): string | undefined {
  let at = 0
  /** Reads items until the end, or until `,` / `}` inside braces; returns a problem or undefined. */
  const sequence = (inBraces: boolean): string | undefined => {
    while (at < body.length) {
      const c = body[at] as string
      if (KEY_CHARACTER.test(c) || c === '*' || c === '?') at++
      else if (c === '[') {
        const end = body.indexOf(']', at + 1)
        if (end < 0) return '"[" is not closed'
        const problem = setProblem(body.slice(at + 1, end))
        if (problem !== undefined) return problem
        at = end + 1
      } else if (c === '{') {
        at++
        let alternatives = 1
        for (;;) {
          const problem = sequence(true)
          if (problem !== undefined) return problem
          if (at >= body.length) return '"{" is not closed'
          at++
          if (body[at - 1] === '}') break
          alternatives++
        }
        if (alternatives < 2) return '{ } needs two or more alternatives separated by ","'
      } else if (inBraces && (c === ',' || c === '}')) return undefined
      else if (c === ']' || c === '}') return `"${c}" has no opening "${c === ']' ? '[' : '{'}"`
      else if (c === '!') return '"!" may only be the first character, once'
      else return `${describeCharacter(String.fromCodePoint(body.codePointAt(at) ?? 0))} is not allowed`
    }
    return undefined
  }
  return sequence(false)
}

/** Why the inside of `[ ]` is not a set; `-` forms a range of digits or same-case letters, or stands first or last. */
function setProblem(members: string): string | undefined {
  if (members === '') return '"[]" is empty'
  if (members[0] === '!' || members[0] === '^') {
    return `"[${members[0]}" (a negated set) is not supported; exclude with a leading ! instead`
  }
  for (const c of members) if (!SET_MEMBER.test(c)) return `${describeCharacter(c)} is not allowed inside [ ]`
  for (let i = 0; i < members.length;) {
    const hyphenFollows = members[i + 1] === '-' && i + 2 < members.length
    if (hyphenFollows) {
      const low = members[i] as string
      const high = members[i + 2] as string
      const sameRange = RANGES.some((range) => range.test(low) && range.test(high))
      if (!sameRange || low > high) {
        return `"${low}-${high}" inside [ ] is not a range (use 0-9, a-z or A-Z, low to high)`
      }
      i += 3
    } else {
      if (members[i] === '-' && i > 0 && i < members.length - 1)
        return 'a "-" inside [ ] must form a range or stand first or last'
      i++
    }
  }
  return undefined
}

/** A pattern as an error shows it: quoted when printable ASCII (a pattern is not a secret), else described. */
function describePattern(pattern: string): string {
  if (/^[\x20-\x7e]+$/.test(pattern)) return JSON.stringify(pattern)
  return `a pattern of ${[...pattern].length} characters (not shown: it has characters outside printable ASCII)`
}

function describeCharacter(c: string): string {
  if (c === ' ') return 'a space'
  if (/^[\x21-\x7e]$/.test(c)) return JSON.stringify(c)
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}
