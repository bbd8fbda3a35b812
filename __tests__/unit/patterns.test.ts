import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError } from '../../src/domain/secret.ts'
import {
  describeCharacter,
  describePatternList,
  exactKeys,
  keysNamedOutright,
  LIMITS,
  matcherFor,
  nameKey,
  parsePatternList,
  whatIsWrong,
  type PatternList
} from '../../src/inputs/patterns.ts'

const parse = (text: string) => parsePatternList(text, 'select')

describe('parsePatternList', () => {
  it('splits on commas only outside { } and [ ]', () => {
    expect(parse('ci_*,!ci_{keep,manual}_*')).toEqual({ include: ['ci_*'], exclude: ['ci_{keep,manual}_*'] })
    expect(parse('ci_*, !ci_[k,m]*\n payments-{a,{b,c}}')).toEqual({
      include: ['ci_*', 'payments-{a,{b,c}}'],
      exclude: ['ci_[k,m]*']
    })
  })

  it('drops a whole line whose first non-blank character is #, commas included, and blank patterns', () => {
    expect(parse('ci_*\n  # not team_*, nor x_*\n\n,a,,\r\nb\r\n')).toEqual({
      include: ['ci_*', 'a', 'b'],
      exclude: []
    })
  })

  it.each([
    ['ci_{keep', '"{" is not closed'],
    ['ci_[km', '"[" is not closed'],
    ['ci_}', '"}" has no opening "{"'],
    ['ci_]', '"]" has no opening "["'],
    ['!!ci_*', '"!" may only be the first character, once'],
    ['ci_!x', '"!" may only be the first character, once'],
    ['!', 'nothing follows "!"'],
    ['@(a|b)', '"@" is not allowed'],
    ['+(a)', '"+" is not allowed'],
    ['*(a)', '"(" is not allowed'],
    ['!(a)', '"(" is not allowed'],
    ['x{a..c}', '"." is not allowed'],
    ['x{}', '{ } needs two or more alternatives separated by ","'],
    ['x{a}', '{ } needs two or more alternatives separated by ","'],
    ['x[]', '"[]" is empty'],
    ['x[!a]', '"[!" (a negated set) is not supported; exclude with a leading ! instead'],
    ['x[^a]', '"[^" (a negated set) is not supported; exclude with a leading ! instead'],
    ['x[a!]', '"!" is not allowed inside [ ]'],
    ['x[z-a]', '"z-a" inside [ ] is not a range (use 0-9, a-z or A-Z, low to high)'],
    ['x[_-a]', '"_-a" inside [ ] is not a range (use 0-9, a-z or A-Z, low to high)'],
    ['x[a-c-e]', 'a "-" inside [ ] must form a range or stand first or last'],
    ['ci/*', '"/" is not allowed'],
    ['ci_* # owned', 'a space is not allowed'],
    ['ci_*#owned', '"#" is not allowed'],
    ['a^b', '"^" is not allowed'],
    ['a|b', '"|" is not allowed']
  ])('refuses %j: %s', (text, problem) => {
    expect(() => parse(text)).toThrow(`Input "select": ${JSON.stringify(text)} is not a valid pattern: ${problem}. `)
    expect(() => parse(text)).toThrow(
      'A pattern is made of letters, digits, _ and -, with * (any characters), ? (one character), ' +
        '[ ] (one character of a set, such as [a-z0-9_]) and { } (alternatives, such as {keep,manual}); ' +
        'a single leading ! excludes.'
    )
  })

  it('bounds what a list may cost: stars in all, brace depth, keys named outright', () => {
    const stars = (n: number) => Array.from({ length: n }, (_, i) => `K${i}_*`).join('\n')
    expect(parse(stars(LIMITS.stars)).include).toHaveLength(LIMITS.stars)
    expect(() => parse(`${stars(LIMITS.stars)}\n!X*`)).toThrow(
      `Input "select" has ${LIMITS.stars + 1} "*" in all, and may have ${LIMITS.stars}: `
    )
    const nested = (depth: number) => `${'{a,'.repeat(depth)}b${'}'.repeat(depth)}`
    expect(parse(nested(LIMITS.braceDepth)).include).toEqual([nested(LIMITS.braceDepth)])
    expect(() => parse(nested(LIMITS.braceDepth + 1))).toThrow(`{ } may nest ${LIMITS.braceDepth} deep at most. `)
    expect(() => parse(nested(2000))).toThrow(`{ } may nest ${LIMITS.braceDepth} deep at most. `)
    // 6^4 = 1,296 keys written out: more than a pattern may name; with a star, it names none.
    const hex = `K_${'{A,B,C,D,E,F}'.repeat(4)}`
    expect(() => parse(hex)).toThrow(
      `Input "select": ${JSON.stringify(hex)} is not a valid pattern: it names more than ${LIMITS.namedKeys} keys`
    )
    expect(parse(`${hex}*`).include).toEqual([`${hex}*`])
    // Keys are counted once: {a,a,a} names one key.
    expect(keysNamedOutright(parse('{a,a,a}'.repeat(10)))).toEqual(new Set(['a'.repeat(10)]))
  })

  it('describes a long list by its first 20 patterns, each cut as an error cuts it', () => {
    const list = parse([...Array.from({ length: 24 }, (_, i) => `K${i}`), `${'B'.repeat(150)}*`, '!X'].join('\n'))
    const shown = describePatternList(list)
    expect(shown).toBe(`${Array.from({ length: 20 }, (_, i) => `"K${i}"`).join(', ')} and 6 more`)
    expect(describePatternList(parse(`${'B'.repeat(150)}*, !X`))).toBe(
      `a pattern of 151 characters starting ${JSON.stringify('B'.repeat(100))}, "!X"`
    )
  })

  it('quotes only the start of a long pattern', () => {
    const long = `${'A'.repeat(200)}.`
    expect(() => parse(long)).toThrow(
      `Input "select": a pattern of 201 characters starting ${JSON.stringify('A'.repeat(100))} is not a valid pattern`
    )
  })

  it('describes, without printing, a pattern with characters outside printable ASCII', () => {
    expect(() => parse('ci_\u202e*')).toThrow(
      'Input "select": a pattern of 5 characters (not shown: it has characters outside printable ASCII) ' +
        'is not a valid pattern: U+202E is not allowed.'
    )
  })
})

describe('matcherFor', () => {
  it('matches the whole key, case-sensitively, and an exclusion wins', () => {
    const selected = matcherFor(parse('ci_*, Pay-[a-c]?, {x,y}{1,2}, !ci_{keep,manual}_*'))
    const keys = ['ci_a', 'ci_keep_1', 'ci_manual_2', 'CI_a', 'xci_a', 'Pay-b1', 'pay-b1', 'Pay-d1', 'x2', 'x3', 'xy1']
    expect(keys.filter(selected)).toEqual(['ci_a', 'Pay-b1', 'x2'])
  })

  it('reads a set with a comma as its other members, since a key has no comma', () => {
    const selected = matcherFor(parse('ci_*,!ci_[k,m]*'))
    expect(['ci_keep_x', 'ci_manual_y', 'ci_old'].filter(selected)).toEqual(['ci_old'])
  })

  it('answers at once for a long key against patterns whose stars a regular expression would backtrack over', () => {
    // A backtracking matcher takes about (key length)^(stars) steps here: this test would not end.
    const selected = matcherFor(parse('ci_*_*_*_*_*_*_*_old, ci_*a*a*a*a*a*a*a*b'))
    expect(selected(`ci_${'_'.repeat(100_000)}`)).toBe(false)
    expect(selected(`ci_${'a'.repeat(100_000)}`)).toBe(false)
    expect(selected(`ci_${'_'.repeat(100_000)}old`)).toBe(true)
  })

  it('reads * as any characters, / and . included, and ? as one character, even astral', () => {
    const selected = matcherFor(parse('CORTEX_*, X?Y'))
    expect(['CORTEX_A/B', 'CORTEX_.env', 'X\u{1F600}Y', 'X/Y', 'XY', 'X\u{1F600}\u{1F600}Y'].filter(selected)).toEqual([
      'CORTEX_A/B',
      'CORTEX_.env',
      'X\u{1F600}Y',
      'X/Y'
    ])
  })

  it('selects nothing from an empty list or one with only exclusions', () => {
    expect(matcherFor(parse(''))('a')).toBe(false)
    expect(matcherFor(parse('!b'))('a')).toBe(false)
  })
})

describe('a prune-match list', () => {
  const prune = (text: string) => parsePatternList(text, 'prune-match')

  it('reads patterns one per line or comma-separated, with ! exclusions, and owns what it matches', () => {
    const match = prune('ci_*, payments-*\n!ci_keep*\n\n# a comment\n')
    expect(match).toEqual({ include: ['ci_*', 'payments-*'], exclude: ['ci_keep*'] })
    const owns = matcherFor(match)
    expect(['ci_a', 'payments-x', 'ci_keep_me', 'other', 'xci_a'].filter(owns)).toEqual(['ci_a', 'payments-x'])
  })

  it("owns everything with '*'", () => {
    expect(['a', 'B-1', 'c_2'].every(matcherFor(prune('*')))).toBe(true)
  })

  it('refuses a pattern that cannot match a tag, naming the input', () => {
    expect(() => prune('ci/*')).toThrow(InputError)
    expect(() => prune('ci/*')).toThrow('Input "prune-match": "ci/*" is not a valid pattern')
  })

  it('keeps a comma inside { } or [ ] in its pattern, so an exclusion stays whole', () => {
    for (const text of ['ci_*,!ci_{keep,manual}_*', 'ci_*,!ci_[k,m]*']) {
      const owns = matcherFor(prune(text))
      expect(['ci_keep_x', 'ci_manual_y', 'ci_old'].filter(owns)).toEqual(['ci_old'])
    }
  })

  it('refuses unbalanced patterns, !!, a bare ! and extglobs, naming the pattern', () => {
    for (const pattern of ['!ci_{keep', 'ci_[k', 'ci_}', '!!ci_*', '!', '@(ci|cd)_*', '+(ci)_*', 'ci_!(keep)']) {
      expect(() => prune(`ci_*,${pattern}`)).toThrow(
        `Input "prune-match": ${JSON.stringify(pattern)} is not a valid pattern: `
      )
    }
  })

  it('drops a comment line whole, commas included', () => {
    expect(prune('ci_*\n# not team_*, nor payments-*')).toEqual({ include: ['ci_*'], exclude: [] })
  })
})

describe('exactKeys and keysNamedOutright', () => {
  it('exactKeys: the include patterns that are plain keys, nothing with a wildcard, set or braces', () => {
    expect(exactKeys(parse('A_1, B*, C?, [D], {E,F}, G-h_9, !X'))).toEqual(new Set(['A_1', 'G-h_9']))
  })

  it('keysNamedOutright: plain keys and braces written out, never the empty key nor an exclusion', () => {
    expect(keysNamedOutright(parse('A, {B,C}_x, D*, [E], F?, {,}, !G'))).toEqual(new Set(['A', 'B_x', 'C_x']))
  })
})

describe('describeCharacter, nameKey and whatIsWrong', () => {
  it('names a space in words, quotes printable ASCII, and gives anything else by code point', () => {
    expect(
      [' ', '.', '"', '~', '\u0007', '\u00a0', '\u212A', '\u200b', 'é', '\u{1F600}'].map(describeCharacter)
    ).toEqual(['a space', '"."', '"\\""', '"~"', 'U+0007', 'U+00A0', 'U+212A', 'U+200B', 'U+00E9', 'U+1F600'])
  })

  it('quotes a key of 1 to 64 tag characters, and only says what is wrong with any other', () => {
    expect(nameKey('vaule')).toBe('"vaule"')
    expect(nameKey('k'.repeat(64))).toBe(`"${'k'.repeat(64)}"`)
    expect(nameKey('k'.repeat(65))).toBe('(not shown: it is 65 characters long)')
    expect(nameKey('')).toBe('(not shown: it is empty)')
    expect(nameKey('s3cr3t.p4ss w0rd')).toBe('(not shown: it has characters a tag cannot have: ".", a space)')
  })

  it('names each character a tag cannot have once, five at most', () => {
    expect(whatIsWrong('a.b.c d')).toBe('it has characters a tag cannot have: ".", a space')
    expect(whatIsWrong('a.b/c:d;e+f=g')).toBe('it has characters a tag cannot have: ".", "/", ":", ";", "+" and 1 more')
  })
})

/** A generated pattern: its text, and the regular expression that states what it means. */
interface Generated {
  text: string
  regex: string
}

const KEY_CHARACTERS = ['a', 'b', 'A', 'B', '0', '1', '_', '-']
const keyCharacter = fc.constantFrom(...KEY_CHARACTERS)
/** Keys may hold what no pattern can write: `*` and `?` still match any character, one code point at a time. */
const keyOnly = fc.constantFrom('/', '.', ' ', '\n', 'é', 'K', '\u{1F600}')
const key = fc.string({ unit: fc.oneof({ weight: 4, arbitrary: keyCharacter }, keyOnly), minLength: 1, maxLength: 6 })

const literal = keyCharacter.map((c): Generated => ({ text: c, regex: c }))
const anyRun = fc.constant<Generated>({ text: '*', regex: '[^]*' })
const oneCharacter = fc.constant<Generated>({ text: '?', regex: '[^]' })
const setMember = fc.oneof(fc.constantFrom('a', 'B', '1', '_', ','), fc.constantFrom('a-b', 'A-B', '0-1', 'b-b'))
const set = fc
  .tuple(fc.boolean(), fc.array(setMember, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([hyphenFirst, members, hyphenLast]): Generated => {
    const inside = `${hyphenFirst ? '-' : ''}${members.join('')}${hyphenLast && !hyphenFirst ? '-' : ''}`
    return { text: `[${inside}]`, regex: `[${inside}]` }
  })

const { pattern } = fc.letrec<{ node: Generated; alternatives: Generated; sequence: Generated; pattern: Generated }>(
  (tie) => ({
    node: fc.oneof(
      { maxDepth: 2, depthIdentifier: 'pattern' },
      literal,
      anyRun,
      oneCharacter,
      set,
      tie('alternatives')
    ),
    alternatives: fc.array(tie('sequence'), { minLength: 2, maxLength: 3 }).map((alternatives) => ({
      text: `{${alternatives.map((a) => a.text).join(',')}}`,
      regex: `(?:${alternatives.map((a) => a.regex).join('|')})`
    })),
    sequence: fc.array(tie('node'), { maxLength: 3 }).map(joined),
    pattern: fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map(joined)
  })
)

function joined(nodes: Generated[]): Generated {
  return { text: nodes.map((n) => n.text).join(''), regex: nodes.map((n) => n.regex).join('') }
}

const meaning = (generated: Generated) => new RegExp(`^(?:${generated.regex})$`, 'u')
const patternList = fc.array(fc.tuple(fc.boolean(), pattern), { maxLength: 5 })
const separator = fc.constantFrom(',', ', ', ' ,', '\n', ' \n ', '\r\n', ',\n')

describe('parsePatternList and matcherFor, for any pattern the grammar allows', () => {
  it('a list joined by commas or new lines parses back to itself', () => {
    fc.assert(
      fc.property(patternList, fc.array(separator, { minLength: 5, maxLength: 5 }), (list, separators) => {
        const text = list.map(([excluded, p], i) => `${excluded ? '!' : ''}${p.text}${separators[i]}`).join('')
        const expected: PatternList = {
          include: list.filter(([excluded]) => !excluded).map(([, p]) => p.text),
          exclude: list.filter(([excluded]) => excluded).map(([, p]) => p.text)
        }
        expect(parse(text)).toEqual(expected)
      })
    )
  })

  it('a pattern matches exactly the keys its meaning matches', () => {
    fc.assert(
      fc.property(pattern, fc.array(key, { maxLength: 20 }), (p, keys) => {
        const selected = matcherFor({ include: [p.text], exclude: [] })
        for (const k of keys) expect([k, selected(k)]).toEqual([k, meaning(p).test(k)])
      }),
      { numRuns: 500 }
    )
  })

  it('never selects a key that an exclusion matches', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 3 }),
        fc.array(pattern, { minLength: 1, maxLength: 3 }),
        fc.array(key, { maxLength: 20 }),
        (include, exclude, keys) => {
          const selected = matcherFor({ include: include.map((p) => p.text), exclude: exclude.map((p) => p.text) })
          for (const k of keys)
            if (exclude.some((p) => meaning(p).test(k))) expect([k, selected(k)]).toEqual([k, false])
        }
      ),
      { numRuns: 500 }
    )
  })
})
