import { InputError, TAG_CHARACTERS } from '../domain/secret.ts'

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

const KEY_CHARACTER = new RegExp(`[${TAG_CHARACTERS}]`)
/** What a set may hold: key characters, ranges of them, and `,` (so `[k,m]` reads as k or m). */
const SET_MEMBER = new RegExp(`[,${TAG_CHARACTERS}]`)
const RANGES = [/[0-9]/, /[a-z]/, /[A-Z]/]

/**
 * Reads a pattern list: patterns one per line or comma-separated (commas
 * inside `[ ]` and `{ }` belong to the pattern), `!pattern` excludes, a line
 * whose first non-blank character is `#` is a comment. Every pattern must be
 * in the language GRAMMAR states, so that a pattern never means something
 * other than what its reader sees: `!(…)`, `@(…)`, `{a..c}` and `[!a]`, which
 * glob libraries read in their own ways, are refused.
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
      const parsed = body === '' ? 'nothing follows "!"' : parseGlob(body)
      const problem =
        typeof parsed === 'string'
          ? parsed
          : expansion(parsed) === TOO_MANY
            ? `it names more than ${LIMITS.namedKeys} keys (with no *, ? or [ ], a pattern names each key it matches)`
            : undefined
      if (problem !== undefined) {
        throw new InputError(
          `Input "${inputName}": ${describePattern(pattern)} is not a valid pattern: ${problem}. ${GRAMMAR}`
        )
      }
      if (excluded) list.exclude.push(body)
      else list.include.push(body)
    }
  }
  // Every * of a parsed pattern is a wildcard: none can stand in a set.
  const stars = [...list.include, ...list.exclude].reduce((sum, p) => sum + p.split('*').length - 1, 0)
  if (stars > LIMITS.stars) {
    throw new InputError(
      `Input "${inputName}" has ${stars} "*" in all, and may have ${LIMITS.stars}: each one makes every key ` +
        'slower to match. Fewer, broader patterns say the same.'
    )
  }
  return list
}

/** Whether a key is selected: an include matches it and no exclude does. Case-sensitive, whole key. */
export function matcherFor(list: PatternList): (key: string) => boolean {
  const included = globMatcher(list.include)
  const excluded = globMatcher(list.exclude)
  return (key) => included(key) && !excluded(key)
}

/**
 * The include patterns that are plain keys, with no wildcard, set or
 * alternatives: a key they match is one the user wrote out in full.
 */
export function exactKeys(list: PatternList): Set<string> {
  return new Set(list.include.filter((pattern) => [...pattern].every((c) => KEY_CHARACTER.test(c))))
}

/**
 * The keys the include patterns name outright: a pattern with no `*`, `?` or
 * `[ ]` matches a list of keys written out in full, `{a,b}_x` the keys `a_x`
 * and `b_x` (parsePatternList refuses one that names more than
 * LIMITS.namedKeys, so none is left unread).
 */
export function keysNamedOutright(list: PatternList): Set<string> {
  const named = new Set<string>()
  for (const pattern of list.include) {
    // `{,}` names only the empty key, which is no key.
    const keys = expansion(globItems(pattern))
    if (Array.isArray(keys)) for (const key of keys) if (key !== '') named.add(key)
  }
  return named
}

/**
 * How large a list may be. Matching costs, for each key, its length times the
 * stars still in play, so the stars of a list are bounded; braces nest a few
 * deep at most; a pattern without wildcards names a bounded list of keys.
 */
export const LIMITS = { stars: 64, braceDepth: 10, namedKeys: 1000 } as const

/** The list as messages quote it: the first SHOWN_PATTERNS patterns, each as describePattern shows it. */
export function describePatternList(list: PatternList): string {
  const all = [...list.include, ...list.exclude.map((p) => `!${p}`)]
  const more = all.length > SHOWN_PATTERNS ? ` and ${all.length - SHOWN_PATTERNS} more` : ''
  return `${all.slice(0, SHOWN_PATTERNS).map(describePattern).join(', ')}${more}`
}

const SHOWN_PATTERNS = 20

/** One element of a parsed pattern. */
type GlobItem =
  | { kind: 'character'; character: string }
  | { kind: 'one' }
  | { kind: 'any' }
  | { kind: 'set'; has: (character: string) => boolean }
  | { kind: 'alternatives'; options: GlobItem[][] }

/** A pattern parseGlob accepted, as items; a pattern it refuses is a programming error here. */
function globItems(pattern: string): GlobItem[] {
  const parsed = parseGlob(pattern)
  if (typeof parsed === 'string') throw new Error(`pattern not checked before matching: ${parsed}`)
  return parsed
}

/** Whether a pattern has only characters and alternatives of them: no `*`, `?` or `[ ]` anywhere. */
function writtenOut(items: readonly GlobItem[]): boolean {
  return items.every(
    (item) => item.kind === 'character' || (item.kind === 'alternatives' && item.options.every(writtenOut))
  )
}

/** What `expansion` says of a pattern that names more than LIMITS.namedKeys keys. */
const TOO_MANY = 'too many'

/**
 * The keys a pattern without `*`, `?` and `[ ]` matches, each once; undefined
 * for any other pattern; TOO_MANY past LIMITS.namedKeys.
 */
function expansion(items: readonly GlobItem[]): string[] | undefined | typeof TOO_MANY {
  return writtenOut(items) ? expand(items) : undefined
}

/** The keys a written-out pattern (writtenOut) matches, each once, or TOO_MANY. */
function expand(items: readonly GlobItem[]): string[] | typeof TOO_MANY {
  let keys = ['']
  for (const item of items) {
    const tails = new Set<string>()
    if (item.kind === 'character') tails.add(item.character)
    else if (item.kind === 'alternatives') {
      for (const option of item.options) {
        const expanded = expand(option)
        if (expanded === TOO_MANY) return TOO_MANY
        for (const tail of expanded) tails.add(tail)
      }
    }
    const next = new Set<string>()
    for (const head of keys) {
      for (const tail of tails) {
        next.add(head + tail)
        if (next.size > LIMITS.namedKeys) return TOO_MANY
      }
    }
    keys = [...next]
  }
  return keys
}

/**
 * A state of the automaton a list of patterns compiles to: it either reads one
 * character (`reads`) or moves on without reading one.
 */
interface State {
  reads?: (character: string) => boolean
  next: number[]
}

/** The state every pattern of the list ends in: reached after the last character, the key matches. */
const MATCHED = 0

/**
 * Whether any of `patterns` (already checked by parseGlob) matches a whole
 * key. The patterns compile to one nondeterministic automaton, run over the
 * key's characters with the set of states it can be in: the time is at most
 * the key's length times the patterns' size. A regular expression would
 * backtrack instead, and `a*_*_*_*_b` against a 3,000-character tag (which a
 * workspace may hold, and prune matches) would take hours.
 */
function globMatcher(patterns: readonly string[]): (key: string) => boolean {
  if (patterns.length === 0) return () => false
  const states: State[] = [{ next: [] }]
  const add = (state: State) => states.push(state) - 1
  const compile = (items: readonly GlobItem[], next: number): number => {
    for (let i = items.length - 1; i >= 0; i--) next = compileItem(items[i] as GlobItem, next)
    return next
  }
  const compileItem = (item: GlobItem, next: number): number => {
    switch (item.kind) {
      case 'character':
        return add({ reads: (c) => c === item.character, next: [next] })
      case 'one':
        return add({ reads: () => true, next: [next] })
      case 'set':
        return add({ reads: item.has, next: [next] })
      case 'alternatives':
        return add({ next: item.options.map((option) => compile(option, next)) })
      case 'any': {
        // Either move on, or read any character and come back.
        const loop = add({ next: [next] })
        ;(states[loop] as State).next.push(add({ reads: () => true, next: [loop] }))
        return loop
      }
    }
  }
  const start = add({ next: patterns.map((pattern) => compile(globItems(pattern), MATCHED)) })

  // `seen[i] === round` marks a state as already in the set being built, without clearing an array each time.
  const seen = new Uint32Array(states.length)
  let round = 0
  /** The states reachable from `from` without reading: those that read, and MATCHED. */
  const settle = (from: readonly number[]): number[] => {
    round++
    const settled: number[] = []
    const stack = [...from]
    while (stack.length > 0) {
      const index = stack.pop() as number
      if (seen[index] === round) continue
      seen[index] = round
      const state = states[index] as State
      if (state.reads !== undefined || index === MATCHED) settled.push(index)
      else stack.push(...state.next)
    }
    return settled
  }
  return (key) => {
    let current = settle([start])
    for (const character of key) {
      if (current.length === 0) return false
      const next: number[] = []
      for (const index of current) {
        const state = states[index] as State
        if (state.reads?.(character)) next.push(...state.next)
      }
      current = settle(next)
    }
    return current.includes(MATCHED)
  }
}

/** Splits a line at the commas that are outside `[ ]` and `{ }`; unbalanced text is left for parseGlob. */
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

/**
 * Reads a pattern (without its leading `!`) into items, or says why it is not
 * in the language GRAMMAR states.
 */
function parseGlob(body: string): GlobItem[] | string {
  let at = 0
  /** Reads items until the end, or until `,` / `}` inside braces; returns them, or a problem. */
  let depth = 0
  const sequence = (inBraces: boolean): GlobItem[] | string => {
    const items: GlobItem[] = []
    while (at < body.length) {
      const c = body[at] as string
      if (KEY_CHARACTER.test(c)) items.push({ kind: 'character', character: c })
      else if (c === '*') items.push({ kind: 'any' })
      else if (c === '?') items.push({ kind: 'one' })
      else if (c === '[') {
        const end = body.indexOf(']', at + 1)
        if (end < 0) return '"[" is not closed'
        const set = parseSet(body.slice(at + 1, end))
        if (typeof set === 'string') return set
        items.push({ kind: 'set', has: set })
        at = end
      } else if (c === '{') {
        if (++depth > LIMITS.braceDepth) return `{ } may nest ${LIMITS.braceDepth} deep at most`
        at++
        const options: GlobItem[][] = []
        for (;;) {
          const option = sequence(true)
          if (typeof option === 'string') return option
          options.push(option)
          if (at >= body.length) return '"{" is not closed'
          if (body[at] === '}') break
          at++
        }
        if (options.length < 2) return '{ } needs two or more alternatives separated by ","'
        items.push({ kind: 'alternatives', options })
        depth--
      } else if (inBraces && (c === ',' || c === '}')) return items
      else if (c === ']' || c === '}') return `"${c}" has no opening "${c === ']' ? '[' : '{'}"`
      else if (c === '!') return '"!" may only be the first character, once'
      else return `${describeCharacter(String.fromCodePoint(body.codePointAt(at) ?? 0))} is not allowed`
      at++
    }
    return items
  }
  return sequence(false)
}

/**
 * Reads the inside of `[ ]` into a test of one character, or says why it is not
 * a set; `-` forms a range of digits or same-case letters, or stands first or last.
 */
function parseSet(members: string): ((character: string) => boolean) | string {
  if (members === '') return '"[]" is empty'
  if (members[0] === '!' || members[0] === '^') {
    return `"[${members[0]}" (a negated set) is not supported; exclude with a leading ! instead`
  }
  for (const c of members) if (!SET_MEMBER.test(c)) return `${describeCharacter(c)} is not allowed inside [ ]`
  const single = new Set<string>()
  const ranges: [string, string][] = []
  for (let i = 0; i < members.length;) {
    const hyphenFollows = members[i + 1] === '-' && i + 2 < members.length
    if (hyphenFollows) {
      const low = members[i] as string
      const high = members[i + 2] as string
      const sameRange = RANGES.some((range) => range.test(low) && range.test(high))
      if (!sameRange || low > high) {
        return `"${low}-${high}" inside [ ] is not a range (use 0-9, a-z or A-Z, low to high)`
      }
      ranges.push([low, high])
      i += 3
    } else {
      if (members[i] === '-' && i > 0 && i < members.length - 1)
        return 'a "-" inside [ ] must form a range or stand first or last'
      single.add(members[i] as string)
      i++
    }
  }
  return (c) => single.has(c) || ranges.some(([low, high]) => c.length === 1 && c >= low && c <= high)
}

const SHOWN_PATTERN_CHARS = 100

/**
 * A pattern as an error shows it: quoted when printable ASCII (a pattern is not a secret), its
 * start only when long; else described.
 */
function describePattern(pattern: string): string {
  if (/^[\x20-\x7e]+$/.test(pattern)) {
    return pattern.length <= SHOWN_PATTERN_CHARS
      ? JSON.stringify(pattern)
      : `a pattern of ${pattern.length} characters starting ${JSON.stringify(pattern.slice(0, SHOWN_PATTERN_CHARS))}`
  }
  return `a pattern of ${[...pattern].length} characters (not shown: it has characters outside printable ASCII)`
}

/** How a message names one character of an input: never the character itself when it is invisible. */
export function describeCharacter(c: string): string {
  if (c === ' ') return 'a space'
  if (/^[\x21-\x7e]$/.test(c)) return JSON.stringify(c)
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * How a message names a key the input wrote. One that could plausibly be a key (1 to 64 tag
 * characters) is quoted: `unknown key "vaule"` is the fastest fix for a typo. Anything else may
 * be a value pasted in the wrong place, so it is never quoted: the message says what is wrong.
 */
export function nameKey(key: string): string {
  return new RegExp(`^[${TAG_CHARACTERS}]{1,64}$`).test(key) ? `"${key}"` : `(not shown: ${whatIsWrong(key)})`
}

/** Why `key` is not a tag: `it is empty`, or `it has characters a tag cannot have: a space, "."`. */
export function whatIsWrong(key: string): string {
  if (key === '') return 'it is empty'
  const bad = [...new Set([...key].filter((c) => !KEY_CHARACTER.test(c)))]
  if (bad.length === 0) return `it is ${[...key].length} characters long`
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : ''
  return `it has characters a tag cannot have: ${bad.slice(0, 5).map(describeCharacter).join(', ')}${more}`
}
