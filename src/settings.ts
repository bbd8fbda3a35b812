import { isLoopback, parseApiUrl } from './inputs/api-url.ts'
import { parseBoolean } from './inputs/booleans.ts'
import { checkDisplayNames } from './inputs/display-names.ts'
import { InputError } from './inputs/input-error.ts'
import { parseSeconds, parseWholeNumber } from './inputs/numbers.ts'
import { parsePruneMatch, type PruneMatch } from './inputs/prune-match.ts'
import { resolveSecrets } from './inputs/resolve-secrets.ts'
import type { DesiredSecret, SecretEntry } from './inputs/secret-spec.ts'
import { chooseEntries, leaveOutApiKey, nothingSelectedMessage, type SelectionCount } from './inputs/select-secrets.ts'
import { readSelection } from './inputs/selection.ts'
import { readSecretsFile } from './inputs/secrets-file.ts'
import { parseSecretsMapping } from './inputs/secrets-mapping.ts'
import { checkProxyVariables } from './inputs/proxy-variables.ts'

/** Everything the action needs from its inputs, read and checked once. */
export interface Settings {
  /** Cortex API key; masked as soon as it is read. */
  apiKey: string
  /** Base URL of the Cortex API, always ending in `/` so that a path prefix is kept. */
  apiUrl: URL
  /**
   * The secrets to push, from `secrets` then `secrets-file`, those `select` picks when it is
   * set; tags are unique (also ignoring case), values non-empty.
   */
  secrets: DesiredSecret[]
  /** When `select` is set: how many keys the input has, and those it matched but left out. */
  selection?: SelectionCount
  /** Retries of one request after its first attempt (429, 502, 503, 504, network errors, timeouts). */
  maxRetries: number
  /** Per attempt: a response not complete by then is abandoned (and retried). */
  timeoutMs: number
  /** Secrets pushed at once. */
  concurrency: number
  /** Requests the run may start in any 60 seconds; Cortex documents 1000 per minute per client. */
  rateLimitPerMinute: number
  /** When set, delete the workspace secrets these patterns own that the input does not name. */
  prune?: PruneMatch
  /** Make only read requests; report what a real run would do. */
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

/** Where settings come from; the action passes `@actions/core` and `process`, tests pass plain objects. */
export interface SettingsSource {
  /** The input's raw text, untrimmed; `''` when it is not set. */
  getInput(name: string): string
  env: Readonly<Record<string, string | undefined>>
  readFile(path: string): string
  /** Registers a value with the log masker before anything can print it. */
  maskValue(value: string): void
}

export function readSettings(source: SettingsSource): Settings {
  const apiKey = source.getInput('api-key').trim()
  if (apiKey === '')
    throw new InputError('Input "api-key" is required: a Cortex API key with the "Create secrets" permission.')
  source.maskValue(apiKey)

  const apiUrl = parseApiUrl(source.getInput('api-url').trim() || DEFAULTS.apiUrl)
  // A loopback api-url never goes through a proxy (cortex/client-for-settings.ts), so only others need them.
  if (!isLoopback(apiUrl.hostname)) checkProxyVariables(source.env)
  const text = (name: string, fallback: number) => source.getInput(name).trim() || String(fallback)
  const maxRetries = parseWholeNumber(text('max-retries', DEFAULTS.maxRetries), 'max-retries', 0, 20)
  const timeoutMs = parseSeconds(text('timeout-seconds', DEFAULTS.timeoutSeconds), 'timeout-seconds', 600) * 1000
  const concurrency = parseWholeNumber(text('concurrency', DEFAULTS.concurrency), 'concurrency', 1, 64)
  const rateLimitPerMinute = parseWholeNumber(
    text('rate-limit', DEFAULTS.rateLimitPerMinute),
    'rate-limit',
    1,
    1_000_000
  )
  const dryRun = parseBoolean(source.getInput('dry-run').trim() || 'false', 'dry-run')
  const prune = parseBoolean(source.getInput('prune').trim() || 'false', 'prune')
    ? parsePruneMatch(source.getInput('prune-match'))
    : undefined

  const entries: SecretEntry[] = parseSecretsMapping(source.getInput('secrets'), 'secrets')
  const file = source.getInput('secrets-file').trim()
  if (file !== '') entries.push(...readSecretsFile(file, (path) => source.readFile(path)))

  const selection = readSelection(
    source.getInput('select'),
    source.getInput('strip-prefix'),
    source.getInput('tag-case')
  )
  const chosen = chooseEntries(entries, selection)
  const resolved = resolveSecrets(chosen.specs, source.env, source.maskValue)
  checkDisplayNames(chosen.specs, [apiKey, ...resolved.map((secret) => secret.value)])
  const kept = leaveOutApiKey(resolved, apiKey, selection)
  const { secrets } = kept
  const leftOut = [...chosen.leftOut, ...kept.leftOut]
  if (secrets.length === 0) {
    throw new InputError(
      selection.patterns
        ? nothingSelectedMessage(selection.patterns, leftOut)
        : prune
          ? 'Refusing to prune: "secrets" and "secrets-file" yield no secrets, so every owned secret would be deleted. ' +
            'A typo or a missing secret file looks exactly like this.'
          : 'No secrets to push: "secrets" and "secrets-file" are both empty.'
    )
  }
  // Keys, not entries: a key written in both `secrets` and `secrets-file` is one key.
  const keys = new Set(entries.map((entry) => entry.key)).size
  const counted = selection.patterns ? { selection: { keys, leftOut } } : {}
  return {
    apiKey,
    apiUrl,
    secrets,
    ...counted,
    maxRetries,
    timeoutMs,
    concurrency,
    rateLimitPerMinute,
    prune,
    dryRun
  }
}
