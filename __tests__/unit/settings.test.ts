import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/domain/secret.ts'
import { MAX_REQUEST_BODY_BYTES } from '../../src/inputs/secrets.ts'
import { isLoopback } from '../../src/domain/secret.ts'
import { boolean, DEFAULTS, parseApiUrl, readInputs, type InputSource } from '../../src/inputs/settings.ts'
import { plan } from '../../src/sync.ts'

function source(inputs: Record<string, string>, extra: Partial<InputSource> = {}): InputSource & { masked: string[] } {
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

const settingsOf = (s: InputSource) => readInputs(s).settings

function errorOf(s: InputSource): string {
  try {
    readInputs(s)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}

describe('readInputs', () => {
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
    const { settings } = readInputs(s)
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
    expect(settingsOf(source({ 'api-key': 'k', secrets: 'a: 1' })).apiUrl.href).toBe('https://api.getcortexapp.com/')
  })

  it('reads a YAML or JSON secrets-file as a mapping', () => {
    const s = source(
      { 'api-key': 'k', 'secrets-file': 'secrets.json' },
      { readFile: () => '{"a": {"value": "x", "name": "A"}}' }
    )
    expect(settingsOf(s).secrets).toEqual([{ tag: 'a', value: 'x', name: 'A' }])
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
      settingsOf(source({ 'api-key': 'k', secrets: 'big:\n  env: BIG\n' }, { env: { BIG: fits } })).secrets
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
    const settings = settingsOf(source({ 'api-key': 'k', secrets: 'a: 1' }))
    expect(settings).toMatchObject({
      maxRetries: 5,
      timeoutMs: 30_000,
      concurrency: 16,
      rateLimitPerMinute: 1000,
      dryRun: false
    })
    expect(settings.owns).toBeUndefined()
    expect('owns' in settings).toBe(false)
    const custom = settingsOf(
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
    const settings = settingsOf(
      source({ 'api-key': 'k', secrets: 'a: 1', prune: 'true', 'prune-match': 'ci_*\n!ci_keep', 'dry-run': 'true' })
    )
    expect(['ci_a', 'ci_keep', 'ci_keeper', 'xci_a', 'CI_a'].filter((tag) => settings.owns?.(tag) === true)).toEqual([
      'ci_a',
      'ci_keeper'
    ])
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
      /^No secrets to push: "secrets" and "secrets-file" yield none\. A typo or a missing secrets file/
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
    const withSelect = (inputs: Record<string, string>, extra: Partial<InputSource> = {}) =>
      source({ 'api-key': apiKey, secrets: toJson(jobSecrets), ...inputs }, extra)

    it('pushes the selected keys as their tags, values byte-exact, and masks only their values', () => {
      const s = withSelect({ select: 'CORTEX_*\n', 'strip-prefix': 'CORTEX_', 'tag-case': 'lower' })
      const { settings } = readInputs(s)
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
      const { settings, selection } = readInputs(s)
      expect(settings.secrets.map((secret) => secret.key)).toEqual([
        'CORTEX_PAGERDUTY_TOKEN',
        'CORTEX_TLS_KEY',
        'CORTEX_PADDED',
        'CORTEX_FROM_FILE',
        'OTHER'
      ])
      expect(selection).toEqual({
        keys: 9,
        leftOut: [
          {
            key: 'github_token',
            reason:
              "the job's GITHUB_TOKEN, which toJSON(secrets) always holds; pushed only when select names it exactly"
          },
          { key: 'CORTEX_API_KEY', reason: 'its value is the api-key input, which is never pushed' }
        ]
      })
    })

    it('pushes github_token when select names it exactly; refuses the api-key copy so named', () => {
      const { settings, selection } = readInputs(withSelect({ select: 'github_token, CORTEX_PADDED' }))
      expect(settings.secrets).toEqual([
        { tag: 'github_token', key: 'github_token', value: 'ghs_job-token-value' },
        { tag: 'CORTEX_PADDED', key: 'CORTEX_PADDED', value: '  padded value \n' }
      ])
      expect(selection).toEqual({ keys: 7, leftOut: [] })
      expect(errorOf(withSelect({ select: 'github_token, CORTEX_API_KEY' }))).toMatch(
        /^Tag "CORTEX_API_KEY" \(secrets line 4, key "CORTEX_API_KEY"\): the value holds the api-key input/
      )
    })

    it('counts a key written in both secrets and secrets-file once', () => {
      const s = source(
        { 'api-key': apiKey, secrets: 'A: 1\nB: 2\n', 'secrets-file': 'more.env', select: 'B' },
        { readFile: () => 'A=3\n' }
      )
      expect(readInputs(s).selection).toEqual({ keys: 2, leftOut: [] })
    })

    it('has no selection count without select, even when it renames', () => {
      const s = source({
        'api-key': apiKey,
        secrets: 'CORTEX_A: one\n',
        'strip-prefix': 'CORTEX_',
        'tag-case': 'lower'
      })
      const inputs = readInputs(s)
      expect(inputs.settings.secrets).toEqual([{ tag: 'a', key: 'CORTEX_A', value: 'one' }])
      expect('selection' in inputs).toBe(false)
      expect(settingsOf(source({ 'api-key': 'k', secrets: 'a: 1' })).secrets).toEqual([{ tag: 'a', value: '1' }])
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
          'select names it exactly), "CORTEX_API_KEY" (its value is the api-key input, which is never pushed).' +
          tail
      )
    })

    it('feeds prune the renamed tags', () => {
      const settings = settingsOf(
        withSelect({
          select: 'CORTEX_P*',
          'strip-prefix': 'CORTEX_',
          'tag-case': 'lower',
          prune: 'true',
          'prune-match': '*'
        })
      )
      expect(settings.secrets.map((secret) => secret.tag)).toEqual(['pagerduty_token', 'padded'])
      expect(['pagerduty_token', 'padded', 'CORTEX_PADDED', 'other'].every((tag) => settings.owns?.(tag))).toBe(true)
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

    it('is refused when it is not one line: a line break, a control, a bidirectional or an invisible character', () => {
      for (const name of [
        'first\nsecond',
        'a\r',
        'tab\there',
        'esc \x1b[31m',
        'nel\u0085',
        'bidi \u202e',
        'ls\u2028',
        // Refused since isOneLine follows showControls (MIGRATION.md): a zero-width space and a BOM.
        'zero\u200bwidth',
        'bom\ufeff'
      ]) {
        expect([name, errorOf(withName(name))]).toEqual([
          name,
          'Tag "db" (secrets line 2): "name" holds a line break, a control or an invisible character; a name is one line of text.'
        ])
      }
    })

    it('is kept when it holds a shorter part of a value or an ordinary name', () => {
      for (const name of ["Password pa'ss&w for db", 'DB password (prod) é 🔑', 'k3y-012 other-v']) {
        expect(settingsOf(withName(name)).secrets[1]).toEqual({ tag: 'db', value, name })
      }
    })
  })
})

describe('readInputs: what the action never pushes, runner variables and the api-key', () => {
  const apiKey = 'cortex-key-0123456789'
  /** The runner's own variables as a job sees them: the step's inputs, its tokens, its directories. */
  const runnerEnv = {
    'INPUT_API-KEY': apiKey,
    INPUT_SECRETS: 'a: 1',
    ACTIONS_RUNTIME_TOKEN: 'runtime-token-value-1a2b',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-3c4d',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/oidc',
    ACTIONS_CACHE_URL: 'https://cache.actions.example/',
    RUNNER_TEMP: '/home/runner/work/_temp',
    GITHUB_TOKEN: 'ghs_job-token-value',
    // Windows runners find a variable ignoring case.
    'input_api-key': apiKey,
    actions_runtime_token: 'runtime-token-value-1a2b',
    Github_Token: 'ghs_job-token-value',
    // Not the runner's.
    MY_INPUT_X: 'mine-5e6f',
    GITHUB_TOKEN_FOR_CORTEX: 'pat-value-7a8b',
    GH_TOKEN: 'pat-value-9c0d'
  }
  const runnerVariable = (tag: string, origin: string, variable: string) =>
    `Tag "${tag}" (${origin}): "env" names the runner's variable "${variable}" (INPUT_*, ACTIONS_*, RUNNER_*, ` +
    "GITHUB_TOKEN: the step's inputs, the api-key among them, the runner's tokens); it is never pushed."
  const holdsKey = (tag: string, origin: string) =>
    `Tag "${tag}" (${origin}): the value holds the api-key input, which the action never pushes: ` +
    'Cortex would show the key that writes its secrets to everyone who can read them.'

  it('refuses env: naming an INPUT_*, ACTIONS_*, RUNNER_* variable or GITHUB_TOKEN, in any case, before reading it', () => {
    for (const variable of Object.keys(runnerEnv).slice(0, 11)) {
      const s = source({ 'api-key': apiKey, secrets: `ok: plain\nx:\n  env: ${variable}\n` }, { env: runnerEnv })
      expect([variable, errorOf(s)]).toEqual([variable, runnerVariable('x', 'secrets line 2', variable)])
      expect(s.masked).toEqual([apiKey, 'plain'])
    }
  })

  it('refuses an env: name holding NUL or "=", which Node would read as another name (red team of issue 17)', () => {
    for (const variable of ['"GITHUB_TOKEN\\0"', '"GITHUB_TOKEN\\0harmless"', '"github_token\\0"', 'A=B']) {
      const s = source({ 'api-key': apiKey, secrets: `x:\n  env: ${variable}\n` }, { env: runnerEnv })
      expect([variable, errorOf(s)]).toEqual([
        variable,
        'Tag "x" (secrets line 1): "env" holds "=" or a NUL character, which no variable name has.'
      ])
    }
    // A spelling Windows could take for ACTIONS_RUNTIME_TOKEN (ſ upper-cases to S).
    const s = source({ 'api-key': apiKey, secrets: 'x:\n  env: ACTIONſ_RUNTIME_TOKEN\n' }, { env: runnerEnv })
    expect(errorOf(s)).toMatch(/^Tag "x" \(secrets line 1\): "env" names the runner's variable /)
  })

  it('refuses it in a secrets-file, with or without select, naming the tag and the variable', () => {
    const file = 'harmless_looking: {env: INPUT_API-KEY}\nalso_harmless: {env: ACTIONS_RUNTIME_TOKEN}\n'
    for (const select of ['', '*', 'also_harmless']) {
      const s = source(
        { 'api-key': apiKey, 'secrets-file': 'cortex.yaml', select },
        { env: runnerEnv, readFile: () => file }
      )
      const [tag, variable] =
        select === 'also_harmless' ? ['also_harmless', 'ACTIONS_RUNTIME_TOKEN'] : ['harmless_looking', 'INPUT_API-KEY']
      const origin = `secrets-file line ${tag === 'also_harmless' ? 2 : 1}${select ? `, key "${tag}"` : ''}`
      expect([select, errorOf(s)]).toEqual([select, runnerVariable(tag, origin, variable)])
    }
  })

  it("reads a variable that only looks like one of the runner's", () => {
    const s = source(
      { 'api-key': apiKey, secrets: 'a: {env: MY_INPUT_X}\nb: {env: GITHUB_TOKEN_FOR_CORTEX}\nc: {env: GH_TOKEN}\n' },
      { env: runnerEnv }
    )
    expect(settingsOf(s).secrets.map((secret) => secret.value)).toEqual([
      'mine-5e6f',
      'pat-value-7a8b',
      'pat-value-9c0d'
    ])
  })

  it('refuses a value that holds the api-key, without select, however it is given, and never quotes it', () => {
    for (const [secrets, env, file] of [
      [`ok: plain\ncopy: ${apiKey}\n`, {}, ''],
      [`ok: plain\ncopy: "Bearer ${apiKey}"\n`, {}, ''],
      ['ok: plain\ncopy: {env: CORTEX_KEY}\n', { CORTEX_KEY: ` ${apiKey}\n` }, ''],
      ['ok: plain\n', {}, `copy=url?key=${apiKey}&x=1\n`]
    ] as const) {
      const s = source(
        { 'api-key': apiKey, secrets, 'secrets-file': file ? 'more.env' : '' },
        { env, readFile: () => file }
      )
      const message = errorOf(s)
      expect(message).toBe(holdsKey('copy', file ? 'secrets-file line 1' : 'secrets line 2'))
      expect(message).not.toContain(apiKey)
    }
  })

  it('refuses it with select too, unless the value is the key and select does not name it exactly: then it is left out', () => {
    const secrets = JSON.stringify({
      CORTEX_A: 'a-value',
      CORTEX_API_KEY: apiKey,
      CORTEX_URL: `https://x/?k=${apiKey}`
    })
    const withSelect = (select: string) => source({ 'api-key': apiKey, secrets, select, 'strip-prefix': 'CORTEX_' })
    expect(errorOf(withSelect('CORTEX_*'))).toBe(holdsKey('URL', 'secrets line 1, key "CORTEX_URL"'))
    expect(errorOf(withSelect('CORTEX_A, CORTEX_API_KEY'))).toBe(
      holdsKey('API_KEY', 'secrets line 1, key "CORTEX_API_KEY"')
    )
    const { settings, selection } = readInputs(withSelect('CORTEX_*, !CORTEX_URL'))
    expect(settings.secrets).toEqual([{ tag: 'A', key: 'CORTEX_A', value: 'a-value' }])
    expect(selection?.leftOut).toEqual([
      { key: 'CORTEX_API_KEY', reason: 'its value is the api-key input, which is never pushed' }
    ])
  })

  it('keeps a value that differs from the api-key in case, or holds less than all of it', () => {
    const s = source({ 'api-key': apiKey, secrets: `a: ${apiKey.toUpperCase()}\nb: ${apiKey.slice(0, -1)}\n` })
    expect(settingsOf(s).secrets.map((secret) => secret.tag)).toEqual(['a', 'b'])
  })
})

describe('readInputs: an api-key a header cannot carry', () => {
  it.each(['ck_live_abc\nsecond-line', 'ck_live_abc\r\nmore', 'ck_live\u0000abc', 'ck_live_\u2028abc'])(
    'refuses a key with a line break or a control character, naming the input only (%j)',
    (key) => {
      expect(errorOf(source({ 'api-key': key, secrets: 'a: 1' }))).toBe(
        'Input "api-key" holds a line break or another character a key cannot have (the value is not shown).'
      )
    }
  )
})

describe('readInputs: prune, prune-match and the booleans', () => {
  const base = { 'api-key': 'k', secrets: 'ci_kept: v\n' }

  it('requires prune-match with an include when prune is true, and says to write * to own the whole workspace', () => {
    const required =
      'Input "prune-match" is required when "prune" is true: glob patterns for the tags this workflow owns ' +
      "(for example ci_* or payments-*). Write '*' to own the whole workspace."
    for (const match of ['', ' \n', '!keep_*', '# ci_*\n!x']) {
      expect([match, errorOf(source({ ...base, prune: 'true', 'prune-match': match }))]).toEqual([match, required])
    }
  })

  it('names prune-match in a pattern error, and reads it only when prune is true', () => {
    expect(errorOf(source({ ...base, prune: 'true', 'prune-match': 'ci/*' }))).toMatch(
      /^Input "prune-match": "ci\/\*" is not a valid pattern: "\/" is not allowed\./
    )
    expect(settingsOf(source({ ...base, prune: 'false', 'prune-match': 'ci/*' })).owns).toBeUndefined()
  })

  it('gives plan an owns predicate: owned tags the input no longer names are deleted, and nothing else', () => {
    const { settings } = readInputs(source({ ...base, prune: 'true', 'prune-match': 'ci_*\n!ci_keep_*' }))
    const existing = ['ci_old', 'ci_kept', 'ci_keep_manual', 'team_x'].map((tag, i) => ({
      id: `se00000000000000${i}0`,
      tag
    }))
    expect(plan(settings.secrets, existing, settings.owns).deletions).toEqual([{ tag: 'ci_old', name: 'ci_old' }])
  })

  it('reads prune and dry-run as the YAML 1.2 core booleans, trimmed, and names the input otherwise', () => {
    for (const [text, value] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      [' true\n', true],
      ['false', false],
      ['False', false],
      ['FALSE', false],
      ['', false],
      [' ', false]
    ] as const) {
      const settings = settingsOf(source({ ...base, 'dry-run': text, prune: text, 'prune-match': '*' }))
      expect([text, settings.dryRun, settings.owns !== undefined]).toEqual([text, value, value])
    }
    for (const wrong of ['yes', 'no', 'on', '1', 'tRUE', 'true false']) {
      expect([wrong, errorOf(source({ ...base, 'dry-run': wrong }))]).toEqual([
        wrong,
        'Input "dry-run" must be true or false.'
      ])
    }
  })

  it('boolean reads the YAML 1.2 core booleans of trimmed text, and names the input otherwise', () => {
    expect(['true', 'True', 'TRUE'].map((t) => boolean(t, 'prune'))).toEqual([true, true, true])
    expect(['false', 'False', 'FALSE'].map((t) => boolean(t, 'prune'))).toEqual([false, false, false])
    expect(() => boolean('yes', 'dry-run')).toThrow(InputError)
    expect(() => boolean('yes', 'dry-run')).toThrow('Input "dry-run" must be true or false.')
  })
})

describe('readInputs: the numeric inputs at their bounds', () => {
  const base = { 'api-key': 'k', secrets: 'a: 1\n' }
  const read = (inputs: Record<string, string>) => settingsOf(source({ ...base, ...inputs }))

  it('takes each bound and whitespace around the number, and states the range beyond it', () => {
    expect(read({ 'max-retries': ' 20 ', concurrency: '64', 'rate-limit': '1000000' })).toMatchObject({
      maxRetries: 20,
      concurrency: 64,
      rateLimitPerMinute: 1_000_000
    })
    expect(read({ concurrency: '1', 'rate-limit': '1', 'timeout-seconds': '600' })).toMatchObject({
      concurrency: 1,
      rateLimitPerMinute: 1,
      timeoutMs: 600_000
    })
    expect(read({ 'timeout-seconds': '0.5' }).timeoutMs).toBe(500)
    for (const [name, text, message] of [
      ['max-retries', '21', 'Input "max-retries" must be a whole number from 0 to 20.'],
      ['max-retries', '1.5', 'Input "max-retries" must be a whole number from 0 to 20.'],
      ['concurrency', '65', 'Input "concurrency" must be a whole number from 1 to 64.'],
      ['rate-limit', '0', 'Input "rate-limit" must be a whole number from 1 to 1000000.'],
      ['rate-limit', '1e3', 'Input "rate-limit" must be a whole number from 1 to 1000000.'],
      [
        'timeout-seconds',
        '600.5',
        'Input "timeout-seconds" must be a number of seconds greater than 0 and at most 600.'
      ],
      ['timeout-seconds', '.5', 'Input "timeout-seconds" must be a number of seconds greater than 0 and at most 600.'],
      ['timeout-seconds', '-1', 'Input "timeout-seconds" must be a number of seconds greater than 0 and at most 600.']
    ]) {
      expect([name, text, errorOf(source({ ...base, [name as string]: text as string }))]).toEqual([
        name,
        text,
        message
      ])
    }
  })

  it('states the defaults action.yml gives', () => {
    expect(DEFAULTS).toEqual({
      apiUrl: 'https://api.getcortexapp.com',
      maxRetries: 5,
      timeoutSeconds: 30,
      concurrency: 16,
      rateLimitPerMinute: 1000
    })
  })
})

describe('readInputs: the proxy variables', () => {
  const base = { 'api-key': 'k', secrets: 'a: 1\n' }

  it('refuses a proxy variable that is not an http(s) URL, naming the variable and never its value', () => {
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
      for (const value of ['proxy.internal:3128', 'socks5://user:s3cr3t@proxy:1080', 'http://', 'not a url']) {
        const message = errorOf(source(base, { env: { [name]: value } }))
        expect([name, value, message]).toEqual([
          name,
          value,
          `Environment variable ${name} is not a proxy URL: expected http://host:port or https://host:port ` +
            '(the value is not shown; it may hold proxy credentials).'
        ])
      }
    }
  })

  it('takes an http(s) proxy URL or a blank variable, and ignores the variables for a loopback api-url', () => {
    for (const value of ['http://proxy.internal:3128', 'https://user:pw@proxy:8443', '', '  ']) {
      expect(settingsOf(source(base, { env: { HTTPS_PROXY: value } })).secrets).toHaveLength(1)
    }
    const loopback = { ...base, 'api-url': 'http://127.0.0.1:8080' }
    expect(settingsOf(source(loopback, { env: { https_proxy: 'proxy:3128' } })).apiUrl.href).toBe(
      'http://127.0.0.1:8080/'
    )
  })
})

describe('parseApiUrl', () => {
  it.each([
    ['https://api.getcortexapp.com', 'https://api.getcortexapp.com/'],
    ['https://api.eu.cortex.io/', 'https://api.eu.cortex.io/'],
    ['https://cortex.example.com/backend', 'https://cortex.example.com/backend/'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/'],
    ['http://127.10.20.30/x/', 'http://127.10.20.30/x/'],
    ['http://localhost:3000', 'http://localhost:3000/'],
    ['http://[::1]:3000', 'http://[::1]:3000/']
  ])('accepts %s as base %s', (input, base) => {
    expect(parseApiUrl(input).href).toBe(base)
  })

  it('resolves API paths below a path prefix', () => {
    expect(new URL('api/v1/secrets', parseApiUrl('https://h.example/cortex')).href).toBe(
      'https://h.example/cortex/api/v1/secrets'
    )
  })

  it.each(['http://api.getcortexapp.com', 'http://10.0.0.5', 'http://localhost.evil.com', 'http://128.0.0.1'])(
    'refuses plain http to %s',
    (input) => {
      expect(() => parseApiUrl(input)).toThrow(/Input "api-url" uses plain http:\/\//)
    }
  )

  it('refuses other schemes, credentials, queries and garbage', () => {
    expect(() => parseApiUrl('ftp://h.example')).toThrow(/must be an https:\/\/ URL/)
    expect(() => parseApiUrl('https://user:pw@h.example')).toThrow(/must not contain credentials/)
    expect(() => parseApiUrl('https://h.example/?a=1')).toThrow(/query string/)
    expect(() => parseApiUrl('not a url')).toThrow(/Input "api-url" is not a valid URL/)
  })
})

describe('isLoopback', () => {
  it('is true for 127.0.0.0/8, localhost and [::1] only', () => {
    for (const host of ['localhost', '[::1]', '127.0.0.1', '127.255.0.9'])
      expect([host, isLoopback(host)]).toEqual([host, true])
    for (const host of ['localhost.evil.com', '128.0.0.1', '127.0.0', '::1', '10.0.0.5', '127.0.0.1.nip.io']) {
      expect([host, isLoopback(host)]).toEqual([host, false])
    }
  })
})
