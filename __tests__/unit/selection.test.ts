/** The inputs `select`, `strip-prefix` and `tag-case`, and the tag a key becomes. */
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/inputs/input-error.ts'
import { TAG_PATTERN } from '../../src/inputs/secret-spec.ts'
import { makesTags, readSelection, tagFor, type Selection } from '../../src/inputs/selection.ts'

function errorOf(select: string, stripPrefix: string, tagCase: string): string {
  try {
    readSelection(select, stripPrefix, tagCase)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

const PREFIX_RULE = 'Input "strip-prefix" is the start of a key, made of letters, digits, _ and - (such as CORTEX_): '

describe('readSelection', () => {
  it('reads all three inputs, trimming what the runner gives untrimmed', () => {
    expect(readSelection(' CORTEX_*\n!CORTEX_API_KEY\n', ' CORTEX_ \n', ' lower\n')).toEqual({
      patterns: { include: ['CORTEX_*'], exclude: ['CORTEX_API_KEY'] },
      stripPrefix: 'CORTEX_',
      tagCase: 'lower'
    })
    expect(readSelection('a,b', '', 'as-is')).toEqual({
      patterns: { include: ['a', 'b'], exclude: [] },
      tagCase: 'as-is'
    })
  })

  it('leaves each input unset when it is empty or blank: every key pushed, as its own tag', () => {
    for (const blank of ['', ' ', '\n', ' \r\n\t']) {
      const selection = readSelection(blank, blank, blank)
      expect(selection).toEqual({ tagCase: 'as-is' })
      expect('patterns' in selection).toBe(false)
      expect('stripPrefix' in selection).toBe(false)
    }
  })

  it('refuses a select with no include pattern, exclusions only or comments only', () => {
    const refusal =
      'Input "select" has no pattern that selects: only exclusions (!) or comments. ' +
      'Write * to select every key, then !KEY to leave one out.'
    expect(errorOf('!CORTEX_API_KEY', '', '')).toBe(refusal)
    expect(errorOf('!a, !b\n!c', '', '')).toBe(refusal)
    expect(errorOf('# CORTEX_*\n', '', '')).toBe(refusal)
    expect(errorOf('# CORTEX_*\n!github_token', '', '')).toBe(refusal)
  })

  it('names the select input in a pattern error (the prune-match parser)', () => {
    expect(errorOf('CORTEX_*\nMY KEY', '', '')).toMatch(
      /^Input "select": "MY KEY" is not a valid pattern: a space is not allowed\. A pattern is made of/
    )
    expect(errorOf('CORTEX_.*', '', '')).toMatch(/^Input "select": "CORTEX_\.\*" is not a valid pattern: "\." is not/)
  })

  it('takes a strip-prefix of letters, digits, _ and -, and refuses anything else, naming the input', () => {
    expect(readSelection('', 'Cortex-9_', '').stripPrefix).toBe('Cortex-9_')
    expect(errorOf('', 'CORTEX_*', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: "*".`)
    expect(errorOf('', 'CORTEX /', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: space, "/".`)
    expect(errorOf('', '^CORTEX_', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: "^".`)
    expect(errorOf('', 'CORTEX.', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: ".".`)
    // Not a letter A to Z: the Kelvin sign and a zero-width space (shown by code point, never printed).
    expect(errorOf('', 'CORTEX_\u212A', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: "\u212A".`)
    expect(errorOf('', 'COR\u200bTEX_', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: U+200B.`)
  })

  it('takes tag-case as-is or lower, exactly; anything else names the input and the choices', () => {
    expect(readSelection('', '', 'as-is').tagCase).toBe('as-is')
    expect(readSelection('', '', 'lower').tagCase).toBe('lower')
    for (const wrong of ['Lower', 'LOWER', 'upper', 'as is', 'asis', 'lower-case', 'none']) {
      expect([wrong, errorOf('', '', wrong)]).toEqual([wrong, 'Input "tag-case" must be "as-is" or "lower".'])
    }
  })

  it('checks every input even when select is unset', () => {
    expect(() => readSelection('', 'bad prefix', '')).toThrow(InputError)
    expect(() => readSelection('', '', 'upper')).toThrow(InputError)
  })
})

describe('makesTags', () => {
  it('is true when select, strip-prefix or a tag-case other than as-is is set', () => {
    expect(makesTags(readSelection('', '', ''))).toBe(false)
    expect(makesTags(readSelection('', '', 'as-is'))).toBe(false)
    expect(makesTags(readSelection('*', '', ''))).toBe(true)
    expect(makesTags(readSelection('', 'CORTEX_', ''))).toBe(true)
    expect(makesTags(readSelection('', '', 'lower'))).toBe(true)
  })
})

describe('tagFor', () => {
  const as = (stripPrefix?: string, tagCase: Selection['tagCase'] = 'as-is'): Selection => ({
    tagCase,
    ...(stripPrefix === undefined ? {} : { stripPrefix })
  })

  it('is the key itself when neither strip-prefix nor tag-case is set', () => {
    for (const key of ['CORTEX_A', 'Mixed-Case_9', 'github_token']) expect(tagFor(key, as())).toBe(key)
  })

  it('removes the prefix from the start only, once, case-sensitively', () => {
    const cortex = as('CORTEX_')
    expect(tagFor('CORTEX_PAGERDUTY_TOKEN', cortex)).toBe('PAGERDUTY_TOKEN')
    expect(tagFor('MY_CORTEX_X', cortex)).toBe('MY_CORTEX_X')
    expect(tagFor('X_CORTEX_', cortex)).toBe('X_CORTEX_')
    expect(tagFor('CORTEX_CORTEX_A', cortex)).toBe('CORTEX_A')
    expect(tagFor('cortex_a', cortex)).toBe('cortex_a')
    expect(tagFor('Cortex_A', cortex)).toBe('Cortex_A')
    expect(tagFor('CORTEX', cortex)).toBe('CORTEX')
    expect(tagFor('CORTEX_', cortex)).toBe('')
  })

  it('lowers A to Z with tag-case lower, after removing the prefix (which is matched as written)', () => {
    expect(tagFor('CORTEX_PAGERDUTY_TOKEN', as('CORTEX_', 'lower'))).toBe('pagerduty_token')
    expect(tagFor('CORTEX_Dd-Api_KEY9', as(undefined, 'lower'))).toBe('cortex_dd-api_key9')
    expect(tagFor('MY_CORTEX_X', as('CORTEX_', 'lower'))).toBe('my_cortex_x')
    // The prefix is compared before lowering, so a lower-case key keeps a prefix written in capitals.
    expect(tagFor('cortex_x', as('CORTEX_', 'lower'))).toBe('cortex_x')
    expect(tagFor('CoRtEx_x', as('CORTEX_', 'lower'))).toBe('cortex_x')
  })

  it('lowers only A to Z: other letters stay, so a key that is not a tag does not become one', () => {
    const lower = as(undefined, 'lower')
    // The Kelvin sign lowers to "k" and the dotted capital I to "i̇" in a full Unicode lowering.
    expect(tagFor('TO\u212AEN', lower)).toBe('to\u212Aen')
    expect(tagFor('\u0130D', lower)).toBe('\u0130d')
    expect(tagFor('\u00C5\u00C9\u0391Z', lower)).toBe('\u00C5\u00C9\u0391z')
    expect(tagFor('\uFF21B', lower)).toBe('\uFF21b')
    for (const key of ['TO\u212AEN', '\u0130D', '\u00C5Z', '\uFF21B']) {
      expect([key, TAG_PATTERN.test(tagFor(key, lower))]).toEqual([key, false])
    }
  })

  it('keeps case with tag-case as-is', () => {
    expect(tagFor('CORTEX_Pager_TOKEN', as('CORTEX_', 'as-is'))).toBe('Pager_TOKEN')
  })
})
