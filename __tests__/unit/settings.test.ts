import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/inputs/input-error.ts'
import { MAX_REQUEST_BODY_BYTES } from '../../src/inputs/resolve-secrets.ts'
import { readSettings, type SettingsSource } from '../../src/settings.ts'

function source(
  inputs: Record<string, string>,
  extra: Partial<SettingsSource> = {}
): SettingsSource & { masked: string[] } {
  const masked: string[] = []
  return {
    getInput: (name) => inputs[name] ?? '',
    env: {},
    readFile: () => {
      throw Object.assign(new Error('no file'), { code: 'ENOENT' })
    },
    maskValue: (value) => masked.push(value),
    masked,
    ...extra
  }
}

function errorOf(s: SettingsSource): string {
  try {
    readSettings(s)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('readSettings', () => {
  it('reads key, URL and secrets from both sources, masking the key and every value', () => {
    const s = source(
      {
        'api-key': ' k3y ',
        'api-url': 'https://cortex.example.com/api-prefix',
        secrets: 'a: one\nb:\n  env: B_VALUE\n',
        'secrets-file': 'prod.env'
      },
      { env: { B_VALUE: 'two' }, readFile: (path) => (path === 'prod.env' ? 'C=three\n' : '') }
    )
    const settings = readSettings(s)
    expect(settings.apiKey).toBe('k3y')
    expect(settings.apiUrl.href).toBe('https://cortex.example.com/api-prefix/')
    expect(settings.secrets).toEqual([
      { tag: 'a', value: 'one' },
      { tag: 'b', value: 'two' },
      { tag: 'C', value: 'three' }
    ])
    expect(s.masked).toEqual(['k3y', 'one', 'two', 'three'])
  })

  it('defaults the URL to the US cloud', () => {
    expect(readSettings(source({ 'api-key': 'k', secrets: 'a: 1' })).apiUrl.href).toBe('https://api.getcortexapp.com/')
  })

  it('reads a YAML or JSON secrets-file as a mapping', () => {
    const s = source(
      { 'api-key': 'k', 'secrets-file': 'secrets.json' },
      { readFile: () => '{"a": {"value": "x", "name": "A"}}' }
    )
    expect(readSettings(s).secrets).toEqual([{ tag: 'a', value: 'x', name: 'A' }])
  })

  it('requires api-key', () => {
    expect(errorOf(source({ secrets: 'a: 1' }))).toMatch(/Input "api-key" is required/)
  })

  it('requires at least one secret', () => {
    expect(errorOf(source({ 'api-key': 'k', secrets: '# none\n' }))).toMatch(/No secrets to push/)
  })

  it('refuses an empty value, naming the tag, with the hint about missing GitHub secrets', () => {
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: ok\nmissing: ""\n' }))).toBe(
      'Tag "missing" (secrets line 2) has an empty value. A GitHub secret that does not exist (or is not passed to this job) expands to an empty string.'
    )
    expect(errorOf(source({ 'api-key': 'k', secrets: 'missing:\n' }))).toMatch(/Tag "missing" .*empty value/)
  })

  it('refuses a value of whitespace only, which no mask can hold, as empty', () => {
    for (const blank of ['\\n', '\\r\\n', ' \\n \\n', '\\t\\t', '        ', '\\u00a0', '\\u200b', '\\ufeff\\u200b ']) {
      const s = source({ 'api-key': 'k', secrets: `{"a": "ok", "blank": "${blank}"}` })
      expect([blank, errorOf(s)]).toEqual([
        blank,
        expect.stringMatching(/^Tag "blank" \(secrets line 1\) has an empty value \(only whitespace\)\./)
      ])
      expect(s.masked).toEqual(['k', 'ok'])
    }
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a:\n  env: SPACES\n' }, { env: { SPACES: ' \n ' } }))).toMatch(
      /"SPACES" is unset, empty or only whitespace/
    )
  })

  it('refuses env: naming an unset or empty variable, naming the variable', () => {
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a:\n  env: NOPE\n' }))).toMatch(
      /environment variable "NOPE" is unset, empty or only whitespace/
    )
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a:\n  env: EMPTY\n' }, { env: { EMPTY: '' } }))).toMatch(
      /"EMPTY" is unset, empty or only whitespace/
    )
  })

  it('refuses a tag given twice in one source, naming both places', () => {
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1\nb: 2\na: 3\n' }))).toBe(
      'Tag "a" is defined twice: secrets line 1 and secrets line 3.'
    )
    const dotenv = source({ 'api-key': 'k', 'secrets-file': '.env' }, { readFile: () => 'A=1\nA=2\n' })
    expect(errorOf(dotenv)).toBe('Tag "A" is defined twice: secrets-file line 1 and secrets-file line 2.')
  })

  it('refuses a tag given in both secrets and secrets-file', () => {
    const s = source({ 'api-key': 'k', secrets: 'a: 1\n', 'secrets-file': '.env' }, { readFile: () => 'b=2\na=3\n' })
    expect(errorOf(s)).toBe('Tag "a" is defined twice: secrets line 1 and secrets-file line 2.')
  })

  it('refuses a value whose request body would exceed 2 MB, naming the tag', () => {
    const big = 'x'.repeat(MAX_REQUEST_BODY_BYTES)
    const message = errorOf(source({ 'api-key': 'k', secrets: 'big:\n  env: BIG\n' }, { env: { BIG: big } }))
    expect(message).toMatch(/Tag "big" .*too large: its request body would exceed Cortex's 2 MB limit/)
    const fits = 'x'.repeat(MAX_REQUEST_BODY_BYTES - '{"name":"big","secret":"","tag":"big"}'.length)
    expect(
      readSettings(source({ 'api-key': 'k', secrets: 'big:\n  env: BIG\n' }, { env: { BIG: fits } })).secrets
    ).toHaveLength(1)
  })

  it('names an unreadable secrets-file with the error code', () => {
    expect(errorOf(source({ 'api-key': 'k', 'secrets-file': 'gone.yml' }))).toBe(
      'Input "secrets-file": cannot read "gone.yml" (ENOENT).'
    )
  })

  it('names the secrets-file in its parse errors', () => {
    const s = source({ 'api-key': 'k', 'secrets-file': 'x.yaml' }, { readFile: () => 'a: [\n' })
    expect(errorOf(s)).toMatch(/^Input "secrets-file" is not valid YAML or JSON/)
  })

  it('reads the numeric inputs with their defaults, and names the input when one is out of range', () => {
    const settings = readSettings(source({ 'api-key': 'k', secrets: 'a: 1' }))
    expect(settings).toMatchObject({
      maxRetries: 5,
      timeoutMs: 30_000,
      concurrency: 16,
      rateLimitPerMinute: 1000,
      dryRun: false
    })
    expect(settings.prune).toBeUndefined()
    const custom = readSettings(
      source({
        'api-key': 'k',
        secrets: 'a: 1',
        'max-retries': '0',
        'timeout-seconds': '2.5',
        concurrency: '16',
        'rate-limit': '300'
      })
    )
    expect(custom).toMatchObject({ maxRetries: 0, timeoutMs: 2500, concurrency: 16, rateLimitPerMinute: 300 })
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1', concurrency: '0' }))).toBe(
      'Input "concurrency" must be a whole number from 1 to 64.'
    )
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1', 'max-retries': 'lots' }))).toMatch(
      /Input "max-retries" must be a whole number/
    )
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1', 'timeout-seconds': '0' }))).toMatch(
      /Input "timeout-seconds" must be a number of seconds/
    )
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1', 'rate-limit': '-5' }))).toMatch(
      /Input "rate-limit" must be a whole number/
    )
  })

  it('reads prune with its patterns, and dry-run', () => {
    const settings = readSettings(
      source({ 'api-key': 'k', secrets: 'a: 1', prune: 'true', 'prune-match': 'ci_*\n!ci_keep', 'dry-run': 'true' })
    )
    expect(settings.prune).toEqual({ include: ['ci_*'], exclude: ['ci_keep'] })
    expect(settings.dryRun).toBe(true)
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1', prune: 'true' }))).toMatch(
      /"prune-match" is required.*'\*'/
    )
    expect(errorOf(source({ 'api-key': 'k', secrets: 'a: 1', prune: 'maybe' }))).toBe(
      'Input "prune" must be true or false.'
    )
  })

  it('refuses to prune when the input yields no secrets', () => {
    expect(errorOf(source({ 'api-key': 'k', secrets: '', prune: 'true', 'prune-match': '*' }))).toMatch(
      /^Refusing to prune: "secrets" and "secrets-file" yield no secrets, so every owned secret would be deleted/
    )
  })

  describe('select, strip-prefix and tag-case', () => {
    const apiKey = 'cortex-key-0123456789'
    const pem = '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkq\r\n-----END PRIVATE KEY-----\r\n'
    /** What `${{ toJSON(secrets) }}` gives: pretty-printed JSON of every secret the job can see. */
    const toJson = (secrets: Record<string, string>) =>
      `{\n${Object.entries(secrets)
        .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
        .join(',\n')}\n}`
    const jobSecrets = {
      github_token: 'ghs_job-token-value',
      CORTEX_PAGERDUTY_TOKEN: 'pd-value-1b2c',
      CORTEX_API_KEY: apiKey,
      CORTEX_TLS_KEY: pem,
      MY_CORTEX_X: 'unselected-value-3d4e',
      cortex_lower: 'unselected-value-5f6a',
      CORTEX_PADDED: '  padded value \n'
    }
    const withSelect = (inputs: Record<string, string>, extra: Partial<SettingsSource> = {}) =>
      source({ 'api-key': apiKey, secrets: toJson(jobSecrets), ...inputs }, extra)

    it('pushes the selected keys as their tags, values byte-exact, and masks only their values', () => {
      const s = withSelect({ select: 'CORTEX_*\n', 'strip-prefix': 'CORTEX_', 'tag-case': 'lower' })
      const settings = readSettings(s)
      expect(settings.secrets).toEqual([
        { tag: 'pagerduty_token', key: 'CORTEX_PAGERDUTY_TOKEN', value: 'pd-value-1b2c' },
        { tag: 'tls_key', key: 'CORTEX_TLS_KEY', value: pem },
        { tag: 'padded', key: 'CORTEX_PADDED', value: '  padded value \n' }
      ])
      // The api key first; then each value resolveSecrets read (the api-key copy is read to be compared).
      expect(s.masked).toEqual([apiKey, 'pd-value-1b2c', apiKey, pem, '  padded value \n'])
      for (const unselected of ['ghs_job-token-value', 'unselected-value-3d4e', 'unselected-value-5f6a']) {
        expect(s.masked.some((mask) => mask.includes(unselected))).toBe(false)
      }
    })

    it('counts the keys, and lists those select matched but left out', () => {
      const s = withSelect(
        { select: '*, !MY_*, !cortex_*', 'secrets-file': 'prod.env' },
        { readFile: () => 'CORTEX_FROM_FILE=file-value-7a8b\nOTHER=x\n' }
      )
      const settings = readSettings(s)
      expect(settings.secrets.map((secret) => secret.key)).toEqual([
        'CORTEX_PAGERDUTY_TOKEN',
        'CORTEX_TLS_KEY',
        'CORTEX_PADDED',
        'CORTEX_FROM_FILE',
        'OTHER'
      ])
      expect(settings.selection).toEqual({
        keys: 9,
        leftOut: [
          {
            key: 'github_token',
            reason:
              "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
          },
          { key: 'CORTEX_API_KEY', reason: 'its value is the api-key input; pushed only when select names it exactly' }
        ]
      })
    })

    it('pushes github_token and the api-key copy when select names them exactly', () => {
      const settings = readSettings(withSelect({ select: 'github_token, CORTEX_API_KEY' }))
      expect(settings.secrets).toEqual([
        { tag: 'github_token', key: 'github_token', value: 'ghs_job-token-value' },
        { tag: 'CORTEX_API_KEY', key: 'CORTEX_API_KEY', value: apiKey }
      ])
      expect(settings.selection).toEqual({ keys: 7, leftOut: [] })
    })

    it('counts a key written in both secrets and secrets-file once', () => {
      const s = source(
        { 'api-key': apiKey, secrets: 'A: 1\nB: 2\n', 'secrets-file': 'more.env', select: 'B' },
        { readFile: () => 'A=3\n' }
      )
      expect(readSettings(s).selection).toEqual({ keys: 2, leftOut: [] })
    })

    it('has no selection count without select, even when it renames', () => {
      const s = source({
        'api-key': apiKey,
        secrets: 'CORTEX_A: one\n',
        'strip-prefix': 'CORTEX_',
        'tag-case': 'lower'
      })
      const settings = readSettings(s)
      expect(settings.secrets).toEqual([{ tag: 'a', key: 'CORTEX_A', value: 'one' }])
      expect('selection' in settings).toBe(false)
      expect(readSettings(source({ 'api-key': 'k', secrets: 'a: 1' })).secrets).toEqual([{ tag: 'a', value: '1' }])
    })

    it('refuses toJSON(secrets) without select, before reading any value', () => {
      expect(errorOf(withSelect({}))).toMatch(
        /^Input "secrets", line 2, column 3: the key "github_token" is the job's GITHUB_TOKEN/
      )
    })

    it('refuses a selection that pushes nothing, naming the patterns, with or without prune', () => {
      const tail =
        ' Keys are matched whole and case-sensitively: CORTEX_* selects CORTEX_TOKEN, not MY_CORTEX_TOKEN nor cortex_token.'
      for (const prune of [{}, { prune: 'true', 'prune-match': '*' }] as Record<string, string>[]) {
        const s = withSelect({ select: 'NOPE_*\n!X', ...prune })
        expect(errorOf(s)).toBe(
          `Input "select" selects no secret to push: no key of "secrets" and "secrets-file" matches "NOPE_*", "!X".${tail}`
        )
        expect(s.masked).toEqual([apiKey])
      }
      expect(errorOf(withSelect({ select: 'github_*, *_API_KEY' }))).toBe(
        'Input "select" selects no secret to push: no key of "secrets" and "secrets-file" matches "github_*", "*_API_KEY". ' +
          'It matched only "github_token" (the job\'s GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when ' +
          'select names it exactly), "CORTEX_API_KEY" (its value is the api-key input; pushed only when select names it exactly).' +
          tail
      )
    })

    it('feeds prune the renamed tags', () => {
      const settings = readSettings(
        withSelect({
          select: 'CORTEX_P*',
          'strip-prefix': 'CORTEX_',
          'tag-case': 'lower',
          prune: 'true',
          'prune-match': '*'
        })
      )
      expect(settings.prune).toEqual({ include: ['*'], exclude: [] })
      expect(settings.secrets.map((secret) => secret.tag)).toEqual(['pagerduty_token', 'padded'])
    })

    it('names the input when select, strip-prefix or tag-case is malformed', () => {
      expect(errorOf(withSelect({ select: '!CORTEX_API_KEY' }))).toMatch(/^Input "select" has no pattern that selects/)
      expect(errorOf(withSelect({ select: 'CORTEX_*', 'strip-prefix': 'CORTEX*' }))).toMatch(/^Input "strip-prefix"/)
      expect(errorOf(withSelect({ select: 'CORTEX_*', 'tag-case': 'upper' }))).toBe(
        'Input "tag-case" must be "as-is" or "lower".'
      )
    })
  })

  describe('a display name', () => {
    const value = "pa'ss&word<x>"
    const withName = (name: string, extra: Record<string, string> = {}) =>
      source(
        {
          'api-key': 'k3y-0123456789',
          secrets: `plain: other-value\ndb:\n  env: DB_PASSWORD\n  name: ${JSON.stringify(name)}\n`,
          ...extra
        },
        { env: { DB_PASSWORD: value } }
      )
    const holdsSecret =
      'Tag "db" (secrets line 2): "name" holds a secret value of this run (or 8 or more characters of one), ' +
      'which Cortex would show to everyone who can see the secret. Choose a name without it.'

    it('is refused when it holds a value of the run, whole, as 8 characters of one, or HTML-escaped', () => {
      for (const name of [
        `Password ${value} for db`,
        "Password pa'ss&wo for db",
        'Password pa&#39;ss&amp;word&lt;x&gt; for db',
        'Key of other-value',
        'uses k3y-0123456789'
      ]) {
        const message = errorOf(withName(name))
        expect([name, message]).toEqual([name, holdsSecret])
      }
    })

    it('is refused when it holds a whole value shorter than 8 characters', () => {
      const s = source({ 'api-key': 'k', secrets: 'pin:\n  value: "4711"\n  name: "PIN 4711"\n' })
      expect(errorOf(s)).toBe(holdsSecret.replace('"db" (secrets line 2)', '"pin" (secrets line 1)'))
    })

    it('is refused when it is not one line: a line break, a control or a bidirectional character', () => {
      for (const name of [
        'first\nsecond',
        'a\r',
        'tab\there',
        'esc \x1b[31m',
        'nel\u0085',
        'bidi \u202e',
        'ls\u2028'
      ]) {
        expect([name, errorOf(withName(name))]).toEqual([
          name,
          'Tag "db" (secrets line 2): "name" holds a line break or a control character; a name is one line of text.'
        ])
      }
    })

    it('is kept when it holds a shorter part of a value or an ordinary name', () => {
      for (const name of ["Password pa'ss&w for db", 'DB password (prod) é 🔑', 'k3y-012 other-v']) {
        expect(readSettings(withName(name)).secrets[1]).toEqual({ tag: 'db', value, name })
      }
    })
  })
})
