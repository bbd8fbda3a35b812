/** Which entries a run pushes, as which tags: the inputs select, strip-prefix and tag-case, chooseEntries, leaveOutApiKey. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError, TAG_PATTERN } from '../../src/domain/secret.ts'
import { describePatternList } from '../../src/inputs/patterns.ts'
import { parseDotenvSecrets, parseSecretsMapping, resolveSecrets, type SecretEntry } from '../../src/inputs/secrets.ts'
import {
  chooseEntries,
  leaveOutApiKey,
  lowerAscii,
  makesTags,
  nothingSelectedMessage,
  readSelection,
  tagFor,
  type ChosenEntries,
  type Selection
} from '../../src/inputs/select.ts'

const API_KEY = 'cortex-api-key-7Hq2'
const GITHUB_TOKEN_REASON =
  "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
const API_KEY_REASON = 'its value is the api-key input, which is never pushed'

/** A `toJSON(secrets)`-shaped text: a pretty-printed JSON object of strings (or, to prove it unread, anything). */
function toJson(secrets: Record<string, unknown>): string {
  const lines = Object.entries(secrets).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
  return lines.length === 0 ? '{}' : `{\n${lines.join(',\n')}\n}`
}

const mapping = (secrets: Record<string, unknown>) => parseSecretsMapping(toJson(secrets), 'secrets')
const selection = (select: string, stripPrefix = '', tagCase = '') => readSelection(select, stripPrefix, tagCase)

function choose(entries: SecretEntry[], select: string, stripPrefix = '', tagCase = ''): ChosenEntries {
  return chooseEntries(entries, selection(select, stripPrefix, tagCase))
}

/** The keys chosen, in input order. */
const keysOf = (chosen: ChosenEntries) => chosen.specs.map((spec) => spec.key ?? spec.tag)

function errorOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

/** Keys a `CORTEX_*` selection must not take, each for its own reason. */
const DECOYS = {
  MY_CORTEX_X: 'decoy-substring',
  CORTEXX: 'decoy-no-underscore',
  cortex_lower: 'decoy-lower-case',
  Cortex_Mixed: 'decoy-mixed-case',
  XCORTEX_Y: 'decoy-inside',
  CORTEX: 'decoy-bare'
}
const TO_JSON = {
  github_token: 'ghs_token-value-0aZ',
  CORTEX_PAGERDUTY_TOKEN: 'pd-value-1bY',
  CORTEX_API_KEY: API_KEY,
  ...DECOYS,
  CORTEX_DD_KEY: 'dd-value-2cX',
  OTHER_SECRET: 'other-value-3dW'
}

function selectionError(select: string, stripPrefix: string, tagCase: string): string {
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
    expect(selectionError('!CORTEX_API_KEY', '', '')).toBe(refusal)
    expect(selectionError('!a, !b\n!c', '', '')).toBe(refusal)
    expect(selectionError('# CORTEX_*\n', '', '')).toBe(refusal)
    expect(selectionError('# CORTEX_*\n!github_token', '', '')).toBe(refusal)
  })

  it('names the select input in a pattern error (the prune-match parser)', () => {
    expect(selectionError('CORTEX_*\nMY KEY', '', '')).toMatch(
      /^Input "select": "MY KEY" is not a valid pattern: a space is not allowed\. A pattern is made of/
    )
    expect(selectionError('CORTEX_.*', '', '')).toMatch(
      /^Input "select": "CORTEX_\.\*" is not a valid pattern: "\." is not/
    )
  })

  it('takes a strip-prefix of letters, digits, _ and -, and refuses anything else, naming the input', () => {
    expect(readSelection('', 'Cortex-9_', '').stripPrefix).toBe('Cortex-9_')
    expect(selectionError('', 'CORTEX_*', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: "*".`)
    expect(selectionError('', 'CORTEX /', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: a space, "/".`)
    expect(selectionError('', '^CORTEX_', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: "^".`)
    expect(selectionError('', 'CORTEX.', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: ".".`)
    // Not a letter A to Z: the Kelvin sign and a zero-width space (shown by code point, never printed).
    expect(selectionError('', 'CORTEX_\u212A', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: U+212A.`)
    expect(selectionError('', 'COR\u200bTEX_', '')).toBe(`${PREFIX_RULE}it has characters a tag cannot have: U+200B.`)
  })

  it('takes tag-case as-is or lower, exactly; anything else names the input and the choices', () => {
    expect(readSelection('', '', 'as-is').tagCase).toBe('as-is')
    expect(readSelection('', '', 'lower').tagCase).toBe('lower')
    for (const wrong of ['Lower', 'LOWER', 'upper', 'as is', 'asis', 'lower-case', 'none']) {
      expect([wrong, selectionError('', '', wrong)]).toEqual([wrong, 'Input "tag-case" must be "as-is" or "lower".'])
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

  it('lowerAscii lowers A to Z and nothing else', () => {
    expect(lowerAscii('AZaz09_-\u212A\u0130\u00C5\uFF21')).toBe('azaz09_-\u212A\u0130\u00C5\uFF21')
  })

  it('keeps case with tag-case as-is', () => {
    expect(tagFor('CORTEX_Pager_TOKEN', as('CORTEX_', 'as-is'))).toBe('Pager_TOKEN')
  })
})

describe('chooseEntries: which keys select picks', () => {
  it('picks the keys a pattern matches as a whole, in input order, and skips the rest', () => {
    const chosen = choose(mapping(TO_JSON), 'CORTEX_*')
    expect(keysOf(chosen)).toEqual(['CORTEX_PAGERDUTY_TOKEN', 'CORTEX_API_KEY', 'CORTEX_DD_KEY'])
    expect(chosen.specs[0]).toEqual({
      tag: 'CORTEX_PAGERDUTY_TOKEN',
      key: 'CORTEX_PAGERDUTY_TOKEN',
      origin: 'secrets line 3, key "CORTEX_PAGERDUTY_TOKEN"',
      value: 'pd-value-1bY'
    })
    expect(chosen.leftOut).toEqual([])
  })

  it('anchors every pattern at both ends: no substring or prefix match', () => {
    const entries = mapping({
      ...DECOYS,
      A_TOKEN: '1',
      A_TOKEN_OLD: '2',
      OLD_A_TOKEN: '3',
      CORTEX_A: '4',
      CORTEX_AB: '5'
    })
    expect(keysOf(choose(entries, 'CORTEX_*'))).toEqual(['CORTEX_A', 'CORTEX_AB'])
    expect(keysOf(choose(entries, '*_TOKEN'))).toEqual(['A_TOKEN', 'OLD_A_TOKEN'])
    expect(keysOf(choose(entries, 'A_*'))).toEqual(['A_TOKEN', 'A_TOKEN_OLD'])
    expect(keysOf(choose(entries, 'CORTEX_?'))).toEqual(['CORTEX_A'])
    expect(keysOf(choose(entries, 'CORTEX*'))).toEqual(['CORTEXX', 'CORTEX', 'CORTEX_A', 'CORTEX_AB'])
    expect(keysOf(choose(entries, 'CORTEX'))).toEqual(['CORTEX'])
  })

  it('matches case-sensitively', () => {
    const entries = mapping(TO_JSON)
    expect(keysOf(choose(entries, 'cortex_*'))).toEqual(['cortex_lower'])
    expect(keysOf(choose(entries, 'Cortex_*'))).toEqual(['Cortex_Mixed'])
    expect(keysOf(choose(entries, 'CORTEX_pagerduty_*, cortex_LOWE?, OTHER_*'))).toEqual(['OTHER_SECRET'])
  })

  it('leaves out what an exclusion matches, even a key an include names exactly', () => {
    const entries = mapping(TO_JSON)
    expect(keysOf(choose(entries, 'CORTEX_*\n!CORTEX_API_KEY'))).toEqual(['CORTEX_PAGERDUTY_TOKEN', 'CORTEX_DD_KEY'])
    expect(keysOf(choose(entries, 'CORTEX_*, !*_KEY'))).toEqual(['CORTEX_PAGERDUTY_TOKEN'])
    expect(keysOf(choose(entries, 'CORTEX_DD_KEY, OTHER_SECRET, !CORTEX_DD_KEY'))).toEqual(['OTHER_SECRET'])
    expect(choose(entries, 'CORTEX_DD_KEY\n!CORTEX_*').specs).toEqual([])
  })

  it('reads commas outside braces and brackets as separators, inside them as part of the pattern', () => {
    const entries = mapping({ DD_1: 'a', DD_2: 'b', DD_X: 'c', SVC_A_KEY: 'd', SVC_B_KEY: 'e', SVC_C_KEY: 'f', Z: 'g' })
    expect(keysOf(choose(entries, 'SVC_{A,B}_KEY'))).toEqual(['SVC_A_KEY', 'SVC_B_KEY'])
    expect(keysOf(choose(entries, 'DD_[0-9], Z'))).toEqual(['DD_1', 'DD_2', 'Z'])
    expect(keysOf(choose(entries, 'DD_[1,X]'))).toEqual(['DD_1', 'DD_X'])
    expect(keysOf(choose(entries, 'DD_*,SVC_*,!{DD_X,SVC_[A,C]_KEY}'))).toEqual(['DD_1', 'DD_2', 'SVC_B_KEY'])
    expect(keysOf(choose(entries, '# DD_*, SVC_*\nZ'))).toEqual(['Z'])
  })

  it('picks from secrets and secrets-file together', () => {
    const entries = [
      ...mapping({ CORTEX_A: 'from-mapping', OTHER: 'x' }),
      ...parseDotenvSecrets('CORTEX_B=from-file\nNOT_ME=y\n', 'secrets-file')
    ]
    const chosen = choose(entries, 'CORTEX_*', 'CORTEX_', 'lower')
    expect(chosen.specs).toEqual([
      { tag: 'a', key: 'CORTEX_A', origin: 'secrets line 2, key "CORTEX_A"', value: 'from-mapping' },
      { tag: 'b', key: 'CORTEX_B', origin: 'secrets-file line 1, key "CORTEX_B"', value: 'from-file' }
    ])
  })

  it('makes no key and no key in the origin when neither select, strip-prefix nor tag-case is set', () => {
    expect(chooseEntries(mapping({ a: '1' }), selection('')).specs).toEqual([
      { tag: 'a', origin: 'secrets line 2', value: '1' }
    ])
  })
})

describe('chooseEntries: the tags keys become', () => {
  it('strips the prefix from the keys that have it, then lowers A to Z', () => {
    const entries = mapping({ CORTEX_PAGERDUTY_TOKEN: '1', CORTEX_Dd_Key: '2', CORTEXX: '3' })
    const chosen = choose(entries, 'CORTEX*', 'CORTEX_', 'lower')
    expect(chosen.specs.map((s) => `${s.key} → ${s.tag}`)).toEqual([
      'CORTEX_PAGERDUTY_TOKEN → pagerduty_token',
      'CORTEX_Dd_Key → dd_key',
      'CORTEXX → cortexx'
    ])
  })

  it('renames without select too, pushing every key', () => {
    const chosen = chooseEntries(mapping({ CORTEX_A: '1', B: '2' }), selection('', 'CORTEX_', 'lower'))
    expect(chosen.specs.map((s) => [s.key, s.tag])).toEqual([
      ['CORTEX_A', 'a'],
      ['B', 'b']
    ])
  })

  it('refuses a key that becomes no tag, naming the key and what is wrong with the tag', () => {
    expect(errorOf(() => choose(mapping({ CORTEX_: 'x' }), 'CORTEX_*', 'CORTEX_'))).toBe(
      'Input "secrets", line 2, column 3: the key "CORTEX_" becomes a tag that is not a valid Cortex tag ' +
        '(letters, digits, "_" and "-" only): it is empty.'
    )
    // tag-case lowers A to Z only: the Kelvin sign stays, and the tag is refused (a full lowering would make "k").
    expect(errorOf(() => choose(mapping({ CORTEX_TOKEN: 'x' }), 'CORTEX_*', 'CORTEX_', 'lower'))).toBe(
      'Input "secrets", line 2, column 3: the key (not shown: it has characters a tag cannot have: U+212A) ' +
        'becomes a tag that is not a valid Cortex tag (letters, digits, "_" and "-" only): ' +
        'it has characters a tag cannot have: U+212A.'
    )
    expect(errorOf(() => choose(mapping({ 'CORTEX_A.B': 'x' }), 'CORTEX_*'))).toBe(
      'Input "secrets", line 2, column 3: the key is not a valid Cortex tag (letters, digits, "_" and "-" only): ' +
        'it has characters a tag cannot have: ".".'
    )
  })

  it('refuses two keys that become the same tag, naming both keys and where they are', () => {
    const entries = mapping({ CORTEX_A: '1', X: '2', cortex_a: '3' })
    expect(errorOf(() => choose(entries, '*', '', 'lower'))).toBe(
      'Keys "CORTEX_A" (secrets line 2) and "cortex_a" (secrets line 4) both become the tag "cortex_a"; ' +
        'a tag is pushed once. Leave one of them out.'
    )
    const stripped = [...mapping({ CORTEX_DB: '1' }), ...parseDotenvSecrets('A=1\nDB=2\n', 'secrets-file')]
    expect(errorOf(() => choose(stripped, '*', 'CORTEX_'))).toBe(
      'Keys "CORTEX_DB" (secrets line 2) and "DB" (secrets-file line 2) both become the tag "DB"; ' +
        'a tag is pushed once. Leave one of them out.'
    )
  })

  it('refuses two keys whose tags are equal ignoring case, with or without select', () => {
    const caseOnly =
      ' differ only in case; Cortex does not document whether tags are case-sensitive, ' +
      'so one secret could overwrite the other. Leave one of them out.'
    expect(errorOf(() => choose(mapping({ CORTEX_Db: '1', DB: '2' }), 'CORTEX_*, DB', 'CORTEX_'))).toBe(
      `Keys "CORTEX_Db" (secrets line 2) and "DB" (secrets line 3) become tags "Db" and "DB", which${caseOnly}`
    )
    expect(errorOf(() => choose(mapping({ Foo: '1', foo: '2' }), '*'))).toBe(
      `Tags "Foo" (secrets line 2) and "foo" (secrets line 3)${caseOnly}`
    )
    expect(errorOf(() => chooseEntries(mapping({ Foo: '1', foo: '2' }), selection('')))).toBe(
      `Tags "Foo" (secrets line 2) and "foo" (secrets line 3)${caseOnly}`
    )
  })

  it('refuses a key given in both secrets and secrets-file, once selected', () => {
    const entries = [...mapping({ CORTEX_A: '1' }), ...parseDotenvSecrets('CORTEX_A=2\n', 'secrets-file')]
    expect(errorOf(() => choose(entries, 'CORTEX_*', 'CORTEX_'))).toBe(
      'Tag "A" is defined twice: secrets line 2 and secrets-file line 1.'
    )
    expect(choose([...entries, ...mapping({ B: '3' })], 'B').specs.map((s) => s.tag)).toEqual(['B'])
  })

  it('does not compare a selected key with keys select skips', () => {
    const entries = mapping({ CORTEX_A: '1', A: '2', a: '3', cortex_a: '4' })
    expect(choose(entries, 'CORTEX_*', 'CORTEX_', 'lower').specs.map((s) => s.tag)).toEqual(['a'])
  })
})

describe('chooseEntries: github_token', () => {
  const tokenMessage = (where: string, key: string) =>
    `Input "secrets", ${where}: the key "${key}" is the job's GITHUB_TOKEN, so "secrets" looks like toJSON(secrets), ` +
    'which would push every secret of the job. Set "select" to the keys to push (such as CORTEX_*); ' +
    'a key "select" names exactly is pushed, this one included.'

  it('without select, refuses the whole input: it is toJSON(secrets), every secret of the job', () => {
    expect(errorOf(() => chooseEntries(mapping(TO_JSON), selection('')))).toBe(
      tokenMessage('line 2, column 3', 'github_token')
    )
    expect(errorOf(() => chooseEntries(mapping({ A: '1', GITHUB_TOKEN: '2' }), selection('')))).toBe(
      tokenMessage('line 3, column 3', 'GITHUB_TOKEN')
    )
    expect(errorOf(() => chooseEntries(mapping({ A: '1', GitHub_Token: '2' }), selection('', 'X_', 'lower')))).toBe(
      tokenMessage('line 3, column 3', 'GitHub_Token')
    )
    expect(() => chooseEntries(parseDotenvSecrets('A=1\ngithub_token=2\n', 'secrets-file'), selection(''))).toThrow(
      /^secrets-file line 2: the key "github_token" is the job's GITHUB_TOKEN/
    )
  })

  it('knows it by A-Z in any case only: a look-alike key (Kelvin sign for k) is no token, and not a tag', () => {
    const lookalike = 'github_to\u212Aen'
    expect(errorOf(() => chooseEntries(mapping({ A: '1', [lookalike]: '2' }), selection('')))).toBe(
      'Input "secrets", line 3, column 3: the key is not a valid Cortex tag (letters, digits, "_" and "-" only): ' +
        'it has characters a tag cannot have: U+212A.'
    )
  })

  it('leaves it out, unread, when a glob selects it', () => {
    // Its value is a list: reading it would be an error.
    const entries = mapping({ github_token: ['never', 'read'], CORTEX_A: '1', GITHUB_TOKEN: { bad: 'shape' } })
    for (const select of [
      '*',
      'github_*, CORTEX_*',
      'github_toke?, CORTEX_A',
      '{github_token,CORTEX_A}',
      '[g]ithub_token, CORTEX_A',
      'github_token*, CORTEX_A',
      '*_token, CORTEX_A',
      'github_[st]oken, CORTEX_A'
    ]) {
      const chosen = choose(entries, select)
      expect([select, keysOf(chosen)]).toEqual([select, ['CORTEX_A']])
      expect(chosen.leftOut.map((l) => l.key)).toEqual(
        select.startsWith('*,') || select === '*' ? ['github_token', 'GITHUB_TOKEN'] : ['github_token']
      )
      expect(chosen.leftOut[0]).toEqual({ key: 'github_token', reason: GITHUB_TOKEN_REASON })
    }
  })

  it('pushes it when an include names it exactly, in its case', () => {
    const entries = mapping({ github_token: 'ghs_value', CORTEX_A: '1', GITHUB_TOKEN: 'upper' })
    expect(choose(entries, 'github_token').specs).toEqual([
      { tag: 'github_token', key: 'github_token', origin: 'secrets line 2, key "github_token"', value: 'ghs_value' }
    ])
    expect(keysOf(choose(entries, 'GITHUB_TOKEN, CORTEX_*'))).toEqual(['CORTEX_A', 'GITHUB_TOKEN'])
    expect(keysOf(choose(entries, '*, github_token, !GITHUB_*'))).toEqual(['github_token', 'CORTEX_A'])
    const mixed = choose(entries, '*, github_token')
    expect(keysOf(mixed)).toEqual(['github_token', 'CORTEX_A'])
    expect(mixed.leftOut).toEqual([{ key: 'GITHUB_TOKEN', reason: GITHUB_TOKEN_REASON }])
  })

  it('is not named when select does not match it', () => {
    const chosen = choose(mapping(TO_JSON), 'CORTEX_*')
    expect(chosen.leftOut).toEqual([])
    expect(JSON.stringify(chosen)).not.toContain('github_token')
  })
})

describe('chooseEntries: a key select names outright that the input lacks', () => {
  const missing = (name: string) =>
    `Input "select" names the key "${name}" (with no *, ? or [ ]), and neither "secrets" nor "secrets-file" ` +
    'has it (keys are matched case-sensitively). A GitHub secret that does not exist, or that this job cannot ' +
    'see (an environment secret without its environment), is not in toJSON(secrets).'

  it('is refused, naming the pattern: with prune, its secret would be deleted', () => {
    const entries = mapping(TO_JSON)
    expect(errorOf(() => choose(entries, 'CORTEX_*, DD_API_KEY'))).toBe(missing('DD_API_KEY'))
    expect(errorOf(() => choose(entries, 'cortex_pagerduty_token'))).toBe(missing('cortex_pagerduty_token'))
    expect(errorOf(() => choose(mapping({ A: '1' }), 'github_token, A'))).toBe(missing('github_token'))
    expect(errorOf(() => choose([], 'CORTEX_A'))).toBe(missing('CORTEX_A'))
  })

  it('reads braces without wildcards as keys written out, each of which must be there', () => {
    const entries = mapping({ A_X: '1', B_X: '2' })
    expect(keysOf(choose(entries, '{A,B}_X'))).toEqual(['A_X', 'B_X'])
    expect(errorOf(() => choose(entries, '{A,B,C}_X'))).toBe(missing('C_X'))
    expect(errorOf(() => choose(entries, 'A_X, {B_X,{C,D}_Y}'))).toBe(missing('C_Y'))
  })

  it('is not refused for a glob, a set, an exclusion, or a key secrets-file has', () => {
    const entries = [...mapping({ A: '1' }), ...parseDotenvSecrets('CORTEX_B=2\n', 'secrets-file')]
    expect(keysOf(choose(entries, 'A, DD_?, DD_*, {X,Y}*, [Q], !NOPE'))).toEqual(['A'])
    expect(keysOf(choose(entries, 'CORTEX_B'))).toEqual(['CORTEX_B'])
  })
})

describe('chooseEntries: keys select skips are never read and never named', () => {
  /** Entries each of which is an error when read, or whose key is an error when pushed. */
  const broken = {
    CORTEX_OK: 'fine-value',
    'skipped.key with spaces': 'not a tag',
    SKIPPED_LIST: ['a', 'b'],
    SKIPPED_OBJECT: { vaule: 'typo' },
    SKIPPED_BOTH: { value: 'x', env: 'Y' },
    SKIPPED_NAME_ONLY: { name: 'n' },
    SKIPPED_TWIN: '1',
    skipped_twin: '2'
  }

  it('is no error, however the skipped entries are written', () => {
    const entries = [
      ...mapping(broken),
      ...parseSecretsMapping('SKIPPED_TAGGED: !!str value\nSKIPPED_ANCHOR: &a text\nSKIPPED_ALIAS: *a\n', 'secrets'),
      ...parseDotenvSecrets('SKIPPED_DOTENV="a\\"b"\nCORTEX_FILE=ok\n', 'secrets-file')
    ]
    expect(() => chooseEntries(entries, selection(''))).toThrow(InputError)
    expect(choose(entries, 'CORTEX_*').specs.map((s) => [s.key, s.value])).toEqual([
      ['CORTEX_OK', 'fine-value'],
      ['CORTEX_FILE', 'ok']
    ])
  })

  it('reads a selected entry: its error names its tag', () => {
    expect(errorOf(() => choose(mapping(broken), 'CORTEX_*, SKIPPED_LIST'))).toMatch(
      /^Tag "SKIPPED_LIST" \(secrets line 4, key "SKIPPED_LIST"\): the value is a list/
    )
    const dotenv = parseDotenvSecrets('SKIPPED_DOTENV="a\\"b"\n', 'secrets-file')
    expect(errorOf(() => choose(dotenv, 'SKIPPED_*'))).toMatch(
      /^secrets-file line 1, key "SKIPPED_DOTENV": dotenv would not read this value as written/
    )
  })

  it('names no skipped key in any refusal', () => {
    const entries = mapping({ ...broken, CORTEX_A: '1', cortex_a: '2', CORTEX_: '3' })
    const skipped = Object.keys(broken).filter((key) => key !== 'CORTEX_OK')
    const messages = [
      errorOf(() => choose(entries, 'CORTEX_*, cortex_*', '', 'lower')),
      errorOf(() => choose(entries, 'CORTEX_*', 'CORTEX_')),
      errorOf(() => choose(entries, 'CORTEX_OK, MISSING_KEY')),
      nothingSelectedMessage(selection('NOPE_*, !SKIPPED_*').patterns!, [])
    ]
    expect(messages).toHaveLength(4)
    for (const message of messages) {
      for (const key of skipped) expect([message, message.includes(key)]).toEqual([message, false])
    }
  })
})

describe('leaveOutApiKey', () => {
  /** leaveOutApiKey over the secrets as resolveSecrets makes them from the chosen entries. */
  const leaveOut = (entries: SecretEntry[], select: Selection) => {
    const { specs } = chooseEntries(entries, select)
    return leaveOutApiKey(
      specs,
      resolveSecrets(specs, {}, () => {}),
      API_KEY,
      select
    )
  }
  const holdsKey = (tag: string, origin: string) =>
    `Tag "${tag}" (${origin}): the value holds the api-key input, which the action never pushes: ` +
    'Cortex would show the key that writes its secrets to everyone who can read them.'

  it('leaves out a selected secret whose value is the api-key input, surrounding whitespace aside', () => {
    const entries = mapping({ CORTEX_API_KEY: API_KEY, CORTEX_KEY_COPY: `  ${API_KEY}\r\n`, CORTEX_A: 'a-value' })
    const { secrets, leftOut } = leaveOut(entries, selection('CORTEX_*', 'CORTEX_', 'lower'))
    expect(secrets).toEqual([{ tag: 'a', key: 'CORTEX_A', value: 'a-value' }])
    expect(leftOut).toEqual([
      { key: 'CORTEX_API_KEY', reason: API_KEY_REASON },
      { key: 'CORTEX_KEY_COPY', reason: API_KEY_REASON }
    ])
  })

  it('refuses a value that holds the api-key with more around it, naming the tag and never the value', () => {
    for (const value of [`prefix-${API_KEY}`, `${API_KEY}x`, `{"key": "${API_KEY}"}`]) {
      const message = errorOf(() => leaveOut(mapping({ B: 'b-value', A: value }), selection('*')))
      expect(message).toBe(holdsKey('A', 'secrets line 3, key "A"'))
      expect(message).not.toContain(API_KEY)
    }
  })

  it('keeps a value that differs from it in case or holds only part of it', () => {
    const entries = mapping({ A: API_KEY.toUpperCase(), B: API_KEY.slice(1), C: 'c-value' })
    expect(leaveOut(entries, selection('*'))).toEqual({
      secrets: resolveSecrets(chooseEntries(entries, selection('*')).specs, {}, () => {}),
      leftOut: []
    })
  })

  it('refuses it when select names its key exactly; leaves it out when a pattern only matches it', () => {
    const entries = mapping({ CORTEX_API_KEY: API_KEY, CORTEX_A: '1' })
    expect(errorOf(() => leaveOut(entries, selection('CORTEX_API_KEY, CORTEX_*')))).toBe(
      holdsKey('CORTEX_API_KEY', 'secrets line 2, key "CORTEX_API_KEY"')
    )
    for (const text of ['CORTEX_API_KE?, CORTEX_A', '{CORTEX_API_KEY,CORTEX_A}', '[C]ORTEX_API_KEY, CORTEX_A']) {
      const { secrets, leftOut } = leaveOut(entries, selection(text))
      expect([text, secrets.map((s) => s.key), leftOut]).toEqual([
        text,
        ['CORTEX_A'],
        [{ key: 'CORTEX_API_KEY', reason: API_KEY_REASON }]
      ])
    }
  })

  it('refuses it without select, renamed or not: no pattern chose it, it was written out', () => {
    const entries = mapping({ A: '1', CORTEX_API_KEY: API_KEY })
    expect(errorOf(() => leaveOut(entries, selection('')))).toBe(holdsKey('CORTEX_API_KEY', 'secrets line 3'))
    expect(errorOf(() => leaveOut(entries, selection('', 'CORTEX_', 'lower')))).toBe(
      holdsKey('api_key', 'secrets line 3, key "CORTEX_API_KEY"')
    )
  })
})

describe('nothingSelectedMessage', () => {
  const patterns = selection('NOPE_*, CORTEX_[a-z]*\n!X').patterns!
  const tail =
    ' Keys are matched whole and case-sensitively: CORTEX_* selects CORTEX_TOKEN, not MY_CORTEX_TOKEN nor cortex_token.'

  it('names every pattern, exclusions included', () => {
    expect(nothingSelectedMessage(patterns, [])).toBe(
      'Input "select" selects no secret to push: no key of "secrets" and "secrets-file" matches ' +
        `"NOPE_*", "CORTEX_[a-z]*", "!X".${tail}`
    )
  })

  it('names the keys it matched but left out, with why', () => {
    expect(
      nothingSelectedMessage(patterns, [
        { key: 'github_token', reason: GITHUB_TOKEN_REASON },
        { key: 'CORTEX_API_KEY', reason: API_KEY_REASON }
      ])
    ).toBe(
      'Input "select" selects no secret to push: no key of "secrets" and "secrets-file" matches ' +
        `"NOPE_*", "CORTEX_[a-z]*", "!X". It matched only "github_token" (${GITHUB_TOKEN_REASON}), ` +
        `"CORTEX_API_KEY" (${API_KEY_REASON}).${tail}`
    )
  })

  it('follows a selection that matched no key: chooseEntries picks nothing and refuses nothing', () => {
    expect(choose(mapping(TO_JSON), 'NOPE_*, !X')).toEqual({ specs: [], leftOut: [] })
    expect(choose(mapping(TO_JSON), 'github_*')).toEqual({
      specs: [],
      leftOut: [{ key: 'github_token', reason: GITHUB_TOKEN_REASON }]
    })
  })
})

// Properties: random key sets and patterns from a small alphabet, against a reference model.

/** A generated pattern: its text, and the regular expression that states what it means. */
interface Generated {
  text: string
  regex: string
}

/**
 * Every key but the github_token ones (in two cases; GITHUB_TOKEN would be a word of the
 * messages' own text) starts with K and has no other K: a stripped prefix takes the only K,
 * so no tag equals another key.
 */
const KEY_TAIL = ['A', 'a', 'B', 'b', '0', '_', '-']
const keyArb = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: fc.constantFrom(...KEY_TAIL), maxLength: 3 }).map((s) => `K${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('github_token', 'GitHub_Token', 'K.a', 'Ka b') }
)

const literal = fc.constantFrom('K', 'K', 'K', ...KEY_TAIL).map((c): Generated => ({ text: c, regex: c }))
const wildcard = fc.constantFrom<Generated>({ text: '*', regex: '.*' }, { text: '?', regex: '.' })
const set = fc
  .constantFrom('Ab', 'a-b', 'A-B0', '-_', 'K', 'a,b')
  .map((inside): Generated => ({ text: `[${inside}]`, regex: `[${inside}]` }))
const atom = fc.oneof(literal, literal, wildcard, set)
const run = (min: number) =>
  fc.array(atom, { minLength: min, maxLength: 3 }).map((atoms) => ({
    text: atoms.map((a) => a.text).join(''),
    regex: atoms.map((a) => a.regex).join('')
  }))
const braces = fc.array(run(0), { minLength: 2, maxLength: 3 }).map((alternatives) => ({
  text: `{${alternatives.map((a) => a.text).join(',')}}`,
  regex: `(?:${alternatives.map((a) => a.regex).join('|')})`
}))
const composed = fc.array(fc.oneof(run(1), braces), { minLength: 1, maxLength: 3 }).map((parts) => ({
  text: parts.map((p) => p.text).join(''),
  regex: parts.map((p) => p.regex).join('')
}))
const tokenPatterns = fc.constantFrom<Generated>(
  { text: 'github_token', regex: 'github_token' },
  { text: 'GitHub_Token', regex: 'GitHub_Token' },
  { text: 'GitHub_*', regex: 'GitHub_.*' },
  { text: 'github_toke?', regex: 'github_toke.' },
  { text: '{github_token,KA}', regex: '(?:github_token|KA)' },
  { text: '[g]ithub_token', regex: '[g]ithub_token' },
  { text: '*', regex: '.*' }
)
/** `K…*`: a prefix pattern, the usual kind, which selects more keys than a random one. */
const prefixed = fc
  .oneof(
    run(0),
    run(0).map(() => ({ text: '', regex: '' }))
  )
  .map((r) => ({ text: `K${r.text}*`, regex: `K${r.regex}.*` }))
const patternArb = fc.oneof(
  { weight: 5, arbitrary: composed },
  { weight: 4, arbitrary: prefixed },
  { weight: 1, arbitrary: tokenPatterns }
)

const scenario = fc.record({
  keys: fc.uniqueArray(keyArb, { minLength: 1, maxLength: 8 }),
  include: fc.array(patternArb, { minLength: 1, maxLength: 3 }),
  exclude: fc.array(patternArb, { maxLength: 2 }),
  stripPrefix: fc.constantFrom(undefined, 'K', 'KA', 'Ka', 'KA_', 'X'),
  tagCase: fc.constantFrom('as-is' as const, 'lower' as const),
  /** Which key (by index, if there is one) holds the api-key as its value, and how it is padded. */
  apiKeyAt: fc.nat({ max: 9 }),
  apiKeyPadding: fc.constantFrom('', ' ', '\n', ' \r\n')
})

const whole = (g: Generated) => new RegExp(`^(?:${g.regex})$`)
const KEY_CHARACTERS_ONLY = /^[A-Za-z0-9_-]+$/

/** The tag a key becomes, stated directly: the prefix cut from the start, then A-Z lowered by code. */
function referenceTag(key: string, stripPrefix: string | undefined, tagCase: 'as-is' | 'lower'): string {
  const cut = stripPrefix !== undefined && key.slice(0, stripPrefix.length) === stripPrefix
  const tag = cut ? key.slice(stripPrefix.length) : key
  if (tagCase === 'as-is') return tag
  return [...tag].map((c) => (c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c)).join('')
}

/**
 * The keys patterns with no `*`, `?` or `[ ]` name outright: each brace group written
 * out, innermost first. The empty key is no key.
 */
function namedOutright(patterns: string[]): Set<string> {
  const expand = (text: string): string[] => {
    const group = /\{([^{}]*)\}/.exec(text)
    if (!group) return [text]
    const [before, after] = [text.slice(0, group.index), text.slice(group.index + group[0].length)]
    return (group[1] as string).split(',').flatMap((alternative) => expand(before + alternative + after))
  }
  return new Set(
    patterns
      .filter((p) => !/[*?[]/.test(p))
      .flatMap(expand)
      .filter((key) => key !== '')
  )
}

/** A key as a whole word of a message: not part of a longer run of key characters. */
const asWord = (key: string) =>
  new RegExp(`(?<![A-Za-z0-9_-])${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`)

describe('chooseEntries and leaveOutApiKey, for random keys and patterns', () => {
  it('push exactly the keys the reference selects, as its tags; refuse only what it refuses; name no skipped key', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const includes = s.include.map(whole)
        const excludes = s.exclude.map(whole)
        const exact = new Set(s.include.map((p) => p.text).filter((t) => KEY_CHARACTERS_ONLY.test(t)))
        const matched = s.keys.filter((k) => includes.some((r) => r.test(k)) && !excludes.some((r) => r.test(k)))
        const tokenLeftOut = matched.filter((k) => k.toLowerCase() === 'github_token' && !exact.has(k))
        const candidates = matched.filter((k) => !tokenLeftOut.includes(k))
        const tags = candidates.map((k) => referenceTag(k, s.stripPrefix, s.tagCase))
        const folded = tags.map((t) => t.toLowerCase())
        const refused =
          tags.some((t) => !KEY_CHARACTERS_ONLY.test(t)) ||
          new Set(folded).size !== folded.length ||
          [...namedOutright(s.include.map((p) => p.text))].some((name) => !s.keys.includes(name))

        const apiKeyHolder = s.keys[s.apiKeyAt]
        // A key the reference skips has a value that is an error to read.
        const values = Object.fromEntries(
          s.keys.map((k, i) => [
            k,
            !candidates.includes(k)
              ? ['never', 'read']
              : k === apiKeyHolder
                ? `${s.apiKeyPadding}${API_KEY}${s.apiKeyPadding}`
                : `value-${i}`
          ])
        )
        const select: Selection = {
          patterns: { include: s.include.map((p) => p.text), exclude: s.exclude.map((p) => p.text) },
          tagCase: s.tagCase,
          ...(s.stripPrefix === undefined ? {} : { stripPrefix: s.stripPrefix })
        }
        const skipped = s.keys.filter((k) => !matched.includes(k))
        const patternTexts = [...s.include, ...s.exclude].map((p) => p.text)
        const expectNoSkippedKey = (message: string) => {
          for (const key of skipped) {
            if (patternTexts.some((p) => asWord(key).test(p))) continue
            expect([message, key, asWord(key).test(message)]).toEqual([message, key, false])
          }
        }

        let chosen: ChosenEntries
        try {
          chosen = chooseEntries(mapping(values), select)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          expect([(error as Error).message, refused]).toEqual([(error as Error).message, true])
          expectNoSkippedKey((error as Error).message)
          return
        }
        expect(refused).toBe(false)
        expect(chosen.specs.map((spec) => spec.key)).toEqual(candidates)
        expect(chosen.specs.map((spec) => spec.tag)).toEqual(tags)
        // Renaming is injective, also ignoring case.
        expect(new Set(chosen.specs.map((spec) => spec.tag.toLowerCase())).size).toBe(chosen.specs.length)
        expect(chosen.leftOut.map((l) => l.key)).toEqual(tokenLeftOut)

        const resolved = resolveSecrets(chosen.specs, {}, () => {})
        if (apiKeyHolder !== undefined && candidates.includes(apiKeyHolder) && exact.has(apiKeyHolder)) {
          expect(() => leaveOutApiKey(chosen.specs, resolved, API_KEY, select)).toThrow(/the api-key input/)
          return
        }
        const { secrets, leftOut } = leaveOutApiKey(chosen.specs, resolved, API_KEY, select)
        const apiKeyLeftOut = candidates.filter((k) => k === apiKeyHolder)
        expect(secrets.map((secret) => secret.key)).toEqual(candidates.filter((k) => !apiKeyLeftOut.includes(k)))
        expect(leftOut.map((l) => l.key)).toEqual(apiKeyLeftOut)
        if (secrets.length === 0) {
          const message = nothingSelectedMessage(select.patterns!, [...chosen.leftOut, ...leftOut])
          expect(message).toContain(describePatternList(select.patterns!))
          expectNoSkippedKey(message)
        }
      }),
      { numRuns: 1000 }
    )
  })
})
