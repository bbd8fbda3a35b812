import { InputError, type DesiredSecret } from '../domain/secret.ts'
import { matcherFor, parsePatternList } from './patterns.ts'
import { checkDisplayNames, readSecretsFile, parseSecretsMapping, resolveSecrets, type SecretEntry } from './secrets.ts'
import { chooseEntries, leaveOutApiKey, nothingSelectedMessage, readSelection, type SelectionCount } from './select.ts'

/** Everything a run needs from the inputs, read and checked once. */
export interface Settings {
  /** Cortex API key; masked as soon as it is read. */
  apiKey: string
  /** Base URL of the Cortex API, always ending in `/` so that a path prefix is kept. */
  apiUrl: URL
  /** The secrets to push; tags unique (also ignoring case), values non-empty. */
  secrets: DesiredSecret[]
  /** Retries of one request after its first attempt. */
  maxRetries: number
  /** Per attempt: a response not complete by then is abandoned (and retried). */
  timeoutMs: number
  concurrency: number
  /** Requests the run may start in any 60 seconds. */
  rateLimitPerMinute: number
  /** When set, prune: whether a workspace tag is owned, so deleted when the input does not name it. */
  owns?: (tag: string) => boolean
  dryRun: boolean
}

/** Defaults, as action.yml states them. */
export const DEFAULTS = {
  apiUrl: 'https://api.getcortexapp.com',
  maxRetries: 5,
  timeoutSeconds: 30,
  concurrency: 16,
  rateLimitPerMinute: 1000
} as const

/** Where the inputs come from: the action passes `@actions/core` and `process`, tests plain objects. */
export interface InputSource {
  /** The input's raw text, untrimmed; `''` when it is not set. */
  getInput(name: string): string
  env: Readonly<Record<string, string | undefined>>
  readFile(path: string): string
  /** Registers a value with the log masker before anything can print it. */
  maskValue(value: string): void
}

/** The settings, and with `select`, what it made of the keys (for the log and the summary). */
export interface Inputs {
  settings: Settings
  selection?: SelectionCount
}

export function readInputs(source: InputSource): Inputs {
  const apiKey = source.getInput('api-key').trim()
  if (apiKey === '')
    throw new InputError('Input "api-key" is required: a Cortex API key with the "Create secrets" permission.')
  source.maskValue(apiKey)

  const apiUrl = parseApiUrl(source.getInput('api-url').trim() || DEFAULTS.apiUrl)
  // A loopback api-url never goes through a proxy, so only others need the proxy variables.
  if (!isLoopback(apiUrl.hostname)) checkProxyVariables(source.env)
  const text = (name: string, fallback: number | string) => source.getInput(name).trim() || String(fallback)
  const maxRetries = wholeNumber(text('max-retries', DEFAULTS.maxRetries), 'max-retries', 0, 20)
  const timeoutMs = secondsInput(text('timeout-seconds', DEFAULTS.timeoutSeconds), 'timeout-seconds', 600) * 1000
  const concurrency = wholeNumber(text('concurrency', DEFAULTS.concurrency), 'concurrency', 1, 64)
  const rateLimitPerMinute = wholeNumber(text('rate-limit', DEFAULTS.rateLimitPerMinute), 'rate-limit', 1, 1_000_000)
  const dryRun = boolean(text('dry-run', 'false'), 'dry-run')
  const prune = boolean(text('prune', 'false'), 'prune')
    ? parsePatternList(source.getInput('prune-match'), 'prune-match')
    : undefined
  if (prune && prune.include.length === 0) {
    throw new InputError(
      'Input "prune-match" is required when "prune" is true: glob patterns for the tags this workflow owns ' +
        `(for example ci_* or payments-*). Write '*' to own the whole workspace.`
    )
  }

  const entries: SecretEntry[] = parseSecretsMapping(source.getInput('secrets'), 'secrets')
  const file = source.getInput('secrets-file').trim()
  // One by one: spreading 100,000 entries into push() overflows the stack.
  if (file !== '') for (const entry of readSecretsFile(file, (path) => source.readFile(path))) entries.push(entry)

  const selection = readSelection(
    source.getInput('select'),
    source.getInput('strip-prefix'),
    source.getInput('tag-case')
  )
  const chosen = chooseEntries(entries, selection)
  const resolved = resolveSecrets(chosen.specs, source.env, source.maskValue)
  checkDisplayNames(chosen.specs, [apiKey, ...resolved.map((secret) => secret.value)])
  const kept = leaveOutApiKey(resolved, apiKey, selection)
  const leftOut = [...chosen.leftOut, ...kept.leftOut]
  if (kept.secrets.length === 0) {
    throw new InputError(
      selection.patterns
        ? nothingSelectedMessage(selection.patterns, leftOut)
        : prune
          ? 'Refusing to prune: "secrets" and "secrets-file" yield no secrets, so every owned secret would be deleted. ' +
            'A typo or a missing secret file looks exactly like this.'
          : 'No secrets to push: "secrets" and "secrets-file" are both empty.'
    )
  }
  const settings: Settings = {
    apiKey,
    apiUrl,
    secrets: kept.secrets,
    maxRetries,
    timeoutMs,
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

/** A URL hostname on this machine: plain http is allowed to it, and no proxy is used for it. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/** Reads `api-url`: a path prefix is kept, and the key never travels over plain http but to this machine. */
export function parseApiUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    throw new InputError('Input "api-url" is not a valid URL; expected for example https://api.getcortexapp.com.')
  }
  if (url.username || url.password) {
    throw new InputError('Input "api-url" must not contain credentials; the API key goes in "api-key".')
  }
  if (url.search || url.hash) throw new InputError('Input "api-url" must not have a query string or fragment.')
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new InputError(
      `Input "api-url" uses plain http:// for ${url.host}; the API key is only sent over https:// ` +
        '(plain http is allowed for 127.0.0.0/8, localhost and [::1] only).'
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input "api-url" must be an https:// URL, not ${url.protocol}//.`)
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}

/** A boolean input as `core.getBooleanInput` reads it (YAML 1.2 core schema), with our error. */
export function boolean(text: string, input: string): boolean {
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`Input "${input}" must be true or false.`)
}

function wholeNumber(text: string, input: string, min: number, max: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InputError(`Input "${input}" must be a whole number from ${min} to ${max}.`)
  }
  return value
}

function secondsInput(text: string, input: string, max: number): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || value <= 0 || value > max) {
    throw new InputError(`Input "${input}" must be a number of seconds greater than 0 and at most ${max}.`)
  }
  return value
}

/**
 * The variables undici's EnvHttpProxyAgent reads a proxy from, checked before any request: undici
 * fails on a bad one with a bare "Invalid URL" (`proxy:3128` without a scheme, which curl accepts).
 * The message names the variable, never its value: it may hold proxy credentials.
 */
function checkProxyVariables(env: Readonly<Record<string, string | undefined>>): void {
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
    const value = env[name]?.trim()
    if (!value) continue
    let url: URL | undefined
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new InputError(
        `Environment variable ${name} is not a proxy URL: expected http://host:port or https://host:port ` +
          '(the value is not shown; it may hold proxy credentials).'
      )
    }
  }
}
