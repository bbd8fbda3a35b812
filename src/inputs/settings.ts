import { InputError, isLoopback, type DesiredSecret } from '../domain/secret.ts'
import { matcherFor, parsePatternList } from './patterns.ts'
import { checkDisplayNames, readSecretsFile, parseSecretsMapping, resolveSecrets, type SecretEntry } from './secrets.ts'
import { chooseEntries, leaveOutApiKey, nothingSelectedMessage, readSelection, type SelectionCount } from './select.ts'

/** Everything a run needs from the inputs, read and checked once. */
export interface Settings {
  apiKey: string // masked as soon as it is read
  apiUrl: URL // ends in `/`, so that a path prefix is kept
  secrets: DesiredSecret[] // tags unique (also ignoring case), values non-empty
  maxRetries: number // of one request, after its first attempt
  timeoutMs: number // per attempt: a response not complete by then is abandoned (and retried)
  concurrency: number
  rateLimitPerMinute: number
  /** With prune: whether a workspace tag is owned, so deleted when the input does not name it. */
  owns?: (tag: string) => boolean
  dryRun: boolean
}
/** As action.yml states them. */
export const DEFAULTS = {
  apiUrl: 'https://api.getcortexapp.com',
  maxRetries: 5,
  timeoutSeconds: 30,
  concurrency: 16,
  rateLimitPerMinute: 1000
} as const

/** Where the inputs come from: the action passes `@actions/core` and `process`, tests plain objects. */
export interface InputSource {
  getInput(name: string): string // raw text, untrimmed; `''` when not set
  env: Readonly<Record<string, string | undefined>>
  readFile?(path: string): string // readRegularFile unless given
  maskValue(value: string): void // registers a value with the log masker before anything can print it
}
/** The settings, and with `select`, what it made of the keys (for the log and the summary). */
export type Inputs = { settings: Settings; selection?: SelectionCount }

export function readInputs(source: InputSource): Inputs {
  const input = (name: string) => source.getInput(name)
  const apiKey = input('api-key').trim()
  if (apiKey === '')
    throw new InputError('Input "api-key" is required: a Cortex API key with the "Create secrets" permission.')
  // It goes in a header, which holds no line break nor control character: say so, not the HTTP client's error.
  if (/[^\t\x20-\x7e\x80-\xff]/.test(apiKey)) {
    throw new InputError(
      'Input "api-key" holds a line break or another character a key cannot have (the value is not shown).'
    )
  }
  source.maskValue(apiKey)
  const apiUrl = parseApiUrl(input('api-url').trim() || DEFAULTS.apiUrl)
  if (!isLoopback(apiUrl.hostname)) checkProxyVariables(source.env)
  const text = (name: string, fallback: number | string) => input(name).trim() || String(fallback)
  const wholeNumber = (name: string, fallback: number, min: number, max: number) => {
    const value = text(name, fallback)
    if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value)
    throw new InputError(`Input "${name}" must be a whole number from ${min} to ${max}.`)
  }
  const maxRetries = wholeNumber('max-retries', DEFAULTS.maxRetries, 0, 20)
  const timeout = text('timeout-seconds', DEFAULTS.timeoutSeconds)
  if (!/^\d+(\.\d+)?$/.test(timeout) || Number(timeout) <= 0 || Number(timeout) > 600)
    throw new InputError('Input "timeout-seconds" must be a number of seconds greater than 0 and at most 600.')
  const concurrency = wholeNumber('concurrency', DEFAULTS.concurrency, 1, 64)
  const rateLimitPerMinute = wholeNumber('rate-limit', DEFAULTS.rateLimitPerMinute, 1, 1_000_000)
  const flag = (name: string) => boolean(text(name, 'false'), name)
  const dryRun = flag('dry-run')
  const prune = flag('prune') ? parsePatternList(input('prune-match'), 'prune-match') : undefined
  if (prune && prune.include.length === 0) {
    throw new InputError(
      'Input "prune-match" is required when "prune" is true: glob patterns for the tags this workflow owns ' +
        `(for example ci_* or payments-*). Write '*' to own the whole workspace.`
    )
  }

  const entries: SecretEntry[] = parseSecretsMapping(input('secrets'), 'secrets')
  const file = input('secrets-file').trim()
  // One by one: spreading 100,000 entries into push() overflows the stack.
  if (file !== '') for (const entry of readSecretsFile(file, source.readFile)) entries.push(entry)
  const selection = readSelection(input('select'), input('strip-prefix'), input('tag-case'))
  const chosen = chooseEntries(entries, selection)
  const resolved = resolveSecrets(chosen.specs, source.env, source.maskValue)
  checkDisplayNames(chosen.specs, [apiKey, ...resolved.map((secret) => secret.value)])
  const kept = leaveOutApiKey(chosen.specs, resolved, apiKey, selection)
  const leftOut = [...chosen.leftOut, ...kept.leftOut]
  if (kept.secrets.length === 0) {
    throw new InputError(
      selection.patterns
        ? nothingSelectedMessage(selection.patterns, leftOut)
        : 'No secrets to push: "secrets" and "secrets-file" yield none. A typo or a missing secrets file looks exactly like this.'
    )
  }
  const settings: Settings = {
    apiKey,
    apiUrl,
    secrets: kept.secrets,
    maxRetries,
    timeoutMs: Number(timeout) * 1000,
    concurrency,
    rateLimitPerMinute,
    ...(prune ? { owns: matcherFor(prune) } : {}),
    dryRun
  }
  // Keys, not entries: a key written in both `secrets` and `secrets-file` is one key.
  return selection.patterns
    ? { settings, selection: { keys: new Set(entries.map((e) => e.key)).size, leftOut } }
    : { settings }
}

/** Reads `api-url`: the key never travels over plain http but to this machine. */
export function parseApiUrl(text: string): URL {
  const refuse = (why: string) => new InputError(`Input "api-url" ${why}`)
  const url = URL.parse(text.trim())
  if (url === null) throw refuse('is not a valid URL; expected for example https://api.getcortexapp.com.')
  if (url.username || url.password) throw refuse('must not contain credentials; the API key goes in "api-key".')
  if (url.search || url.hash) throw refuse('must not have a query string or fragment.')
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw refuse(
      `uses plain http:// for ${url.host}; the API key is only sent over https:// ` +
        '(plain http is allowed for 127.0.0.0/8, localhost and [::1] only).'
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse(`must be an https:// URL, not ${url.protocol}//.`)
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

/** A boolean input as `core.getBooleanInput` reads it (YAML 1.2 core schema), with our error. */
export function boolean(text: string, input: string): boolean {
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`Input "${input}" must be true or false.`)
}

/** The variables undici's EnvHttpProxyAgent takes a proxy from, in the order it reads them (https falls back to http). */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']

/** undici fails on a bad proxy variable (`proxy:3128`, which curl takes) with a bare "Invalid URL". */
function checkProxyVariables(env: Readonly<Record<string, string | undefined>>): void {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim()
    if (!value) continue
    const url = URL.parse(value)
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new InputError(
        `Environment variable ${name} is not a proxy URL: expected http://host:port or https://host:port ` +
          '(the value is not shown; it may hold proxy credentials).'
      )
    }
  }
}
