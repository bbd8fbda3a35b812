import { InputError, TAG_CHARACTERS, TAG_PATTERN } from '../domain/secret.ts'

/** Glob patterns over keys (tags): a key is selected when an include matches it whole and no exclude does. */
export type PatternList = { include: string[]; exclude: string[] }
/** The language, as every error message states it. */
const GRAMMAR =
  'A pattern is made of letters, digits, _ and -, with * (any characters), ? (one character), ' +
  '[ ] (one character of a set, such as [a-z0-9_]) and { } (alternatives, such as {keep,manual}); ' +
  'a single leading ! excludes. Patterns are separated by new lines, or by commas outside [ ] and { }; ' +
  'a line starting with # is a comment.'
const KEY_CHARACTER = new RegExp(`[${TAG_CHARACTERS}]`)
/** `,` too, so that `[k,m]` reads as k or m. */
const SET_MEMBER = new RegExp(`[,${TAG_CHARACTERS}]`)
const RANGES = [/[0-9]/, /[a-z]/, /[A-Z]/]
/** Matching costs each key its length times the stars in play; a pattern without wildcards names its keys. */
export const LIMITS = { stars: 64, braceDepth: 10, namedKeys: 1000 } as const
const SHOWN_PATTERNS = 20
const SHOWN_PATTERN_CHARS = 100

/** Only GRAMMAR is read, so a pattern means what its reader sees: `!(…)`, `@(…)`, `{a..c}`, `[!a]` are refused. */
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
      const problem = typeof parsed === 'string' ? parsed : expansion(parsed)
      if (typeof problem === 'string') {
        throw new InputError(
          `Input "${inputName}": ${describePattern(pattern)} is not a valid pattern: ${problem}. ${GRAMMAR}`
        )
      }
      ;(excluded ? list.exclude : list.include).push(body)
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

/** Whether a key is selected (case-sensitive, whole key). */
export function matcherFor(list: PatternList): (key: string) => boolean {
  const included = globMatcher(list.include)
  const excluded = globMatcher(list.exclude)
  return (key) => included(key) && !excluded(key)
}

/** The include patterns that are plain keys: a key they match is one the user wrote out in full. */
export const exactKeys = (list: PatternList): Set<string> =>
  new Set(list.include.filter((pattern) => TAG_PATTERN.test(pattern)))

/** The keys include patterns without `*`, `?` and `[ ]` name: `{a,b}_x` names `a_x` and `b_x`. */
export function keysNamedOutright(list: PatternList): Set<string> {
  const named = new Set<string>()
  for (const pattern of list.include) {
    // `{,}` names only the empty key, which is no key.
    const keys = expansion(globItems(pattern))
    if (Array.isArray(keys)) for (const key of keys) if (key !== '') named.add(key)
  }
  return named
}

export function describePatternList(list: PatternList): string {
  const all = [...list.include, ...list.exclude.map((p) => `!${p}`)]
  const more = all.length > SHOWN_PATTERNS ? ` and ${all.length - SHOWN_PATTERNS} more` : ''
  return `${all.slice(0, SHOWN_PATTERNS).map(describePattern).join(', ')}${more}`
}

type GlobItem =
  | { kind: 'character'; character: string }
  | { kind: 'one' }
  | { kind: 'any' }
  | { kind: 'set'; has: (character: string) => boolean }
  | { kind: 'alternatives'; options: GlobItem[][] }

function globItems(pattern: string): GlobItem[] {
  const parsed = parseGlob(pattern)
  if (typeof parsed === 'string') throw new Error(`pattern not checked before matching: ${parsed}`)
  return parsed
}

const TOO_MANY =
  `it names more than ${LIMITS.namedKeys} keys ` + '(with no *, ? or [ ], a pattern names each key it matches)'
/** The keys a pattern without `*`, `?` and `[ ]` matches, each once (TOO_MANY, why it is refused, past the limit). */
function expansion(items: readonly GlobItem[]): string[] | string | undefined {
  const writtenOut = (items: readonly GlobItem[]): boolean =>
    items.every((item) => item.kind === 'character' || (item.kind === 'alternatives' && item.options.every(writtenOut)))
  return writtenOut(items) ? expand(items) : undefined
}

function expand(items: readonly GlobItem[]): string[] | string {
  let keys = ['']
  for (const item of items) {
    const tails = new Set(item.kind === 'character' ? [item.character] : [])
    for (const option of item.kind === 'alternatives' ? item.options : []) {
      const expanded = expand(option)
      if (typeof expanded === 'string') return expanded
      for (const tail of expanded) tails.add(tail)
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

/** A state of the automaton: it reads one character (`reads`), or moves on without reading. */
type State = { reads?: (character: string) => boolean; next: number[] }
/** The state every pattern ends in: reached after the key's last character, the key matches. */
const MATCHED = 0

/**
 * One nondeterministic automaton for all `patterns`, run over the key with the set of states it can be in: a
 * backtracking regular expression would take hours for `a*_*_*_*_b` against a 3,000-character tag.
 */
function globMatcher(patterns: readonly string[]): (key: string) => boolean {
  if (patterns.length === 0) return () => false
  const states: State[] = [{ next: [] }]
  const add = (state: State) => states.push(state) - 1
  const compile = (items: readonly GlobItem[], next: number): number =>
    items.reduceRight((after, item) => compileItem(item, after), next)
  const compileItem = (item: GlobItem, next: number): number => {
    if (item.kind === 'alternatives') return add({ next: item.options.map((option) => compile(option, next)) })
    if (item.kind === 'character') return add({ reads: (c) => c === item.character, next: [next] })
    if (item.kind === 'set') return add({ reads: item.has, next: [next] })
    if (item.kind === 'one') return add({ reads: () => true, next: [next] })
    // Any characters: either move on, or read one and come back.
    const loop = add({ next: [next] })
    ;(states[loop] as State).next.push(add({ reads: () => true, next: [loop] }))
    return loop
  }
  const start = add({ next: patterns.map((pattern) => compile(globItems(pattern), MATCHED)) })
  // `seen[i] === round` marks a state as in the set being built, without clearing an array each time.
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

/** Splits a line at the commas outside `[ ]` and `{ }`; unbalanced text is left for parseGlob. */
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

/** A pattern (without its leading `!`) as items, or why it is not in the language. */
function parseGlob(body: string): GlobItem[] | string {
  let at = 0
  let depth = 0
  /** Items until the end, or until `,` / `}` inside braces. */
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

/** The inside of `[ ]` as a test of one character, or why it is not a set. */
function parseSet(members: string): ((character: string) => boolean) | string {
  if (members === '') return '"[]" is empty'
  if (members[0] === '!' || members[0] === '^')
    return `"[${members[0]}" (a negated set) is not supported; exclude with a leading ! instead`
  for (const c of members) if (!SET_MEMBER.test(c)) return `${describeCharacter(c)} is not allowed inside [ ]`
  const single = new Set<string>()
  const ranges: [string, string][] = []
  for (let i = 0; i < members.length;) {
    if (members[i + 1] === '-' && i + 2 < members.length) {
      const [low, high] = [members[i] as string, members[i + 2] as string]
      if (!RANGES.some((range) => range.test(low) && range.test(high)) || low > high)
        return `"${low}-${high}" inside [ ] is not a range (use 0-9, a-z or A-Z, low to high)`
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

/** A pattern is no secret: quoted (its start only when long) when printable ASCII, else described. */
function describePattern(pattern: string): string {
  if (!/^[\x20-\x7e]+$/.test(pattern))
    return `a pattern of ${[...pattern].length} characters (not shown: it has characters outside printable ASCII)`
  if (pattern.length <= SHOWN_PATTERN_CHARS) return JSON.stringify(pattern)
  return `a pattern of ${pattern.length} characters starting ${JSON.stringify(pattern.slice(0, SHOWN_PATTERN_CHARS))}`
}

/** One character of an input, never printed when it could be invisible. */
export function describeCharacter(c: string): string {
  if (c === ' ') return 'a space'
  if (/^[\x21-\x7e]$/.test(c)) return JSON.stringify(c)
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

/** Quoted when it could be a key (a typo is fixed fastest so), else described: it may be a pasted value. */
export const nameKey = (key: string): string =>
  key.length <= 64 && TAG_PATTERN.test(key) ? `"${key}"` : `(not shown: ${whatIsWrong(key)})`

/** Why `key` is not a tag: `it is empty`, or `it has characters a tag cannot have: a space, "."`. */
export function whatIsWrong(key: string): string {
  if (key === '') return 'it is empty'
  const bad = [...new Set([...key].filter((c) => !KEY_CHARACTER.test(c)))]
  if (bad.length === 0) return `it is ${[...key].length} characters long`
  const more = bad.length > 5 ? ` and ${bad.length - 5} more` : ''
  return `it has characters a tag cannot have: ${bad.slice(0, 5).map(describeCharacter).join(', ')}${more}`
}
