import { basename } from 'node:path'
import { parseApiUrl } from './inputs/api-url.ts'
import { parseDotenvSecrets } from './inputs/dotenv-secrets.ts'
import { InputError } from './inputs/input-error.ts'
import { resolveSecrets } from './inputs/resolve-secrets.ts'
import type { DesiredSecret, SecretSpec } from './inputs/secret-spec.ts'
import { parseSecretsMapping } from './inputs/secrets-mapping.ts'

/** Everything the action needs from its inputs, read and checked once. */
export interface Settings {
  /** Cortex API key; masked as soon as it is read. */
  apiKey: string
  /** Base URL of the Cortex API, always ending in `/` so that a path prefix is kept. */
  apiUrl: URL
  /** The secrets to push, from `secrets` then `secrets-file`; tags are unique, values non-empty. */
  secrets: DesiredSecret[]
}

/** Where settings come from; the action passes `@actions/core` and `process`, tests pass plain objects. */
export interface SettingsSource {
  /** The input's raw text, untrimmed; `''` when it is not set. */
  getInput(name: string): string
  env: Readonly<Record<string, string | undefined>>
  readFile(path: string): string
  /** Registers a value with the log masker before anything can print it. */
  maskValue(value: string): void
}

export const DEFAULT_API_URL = 'https://api.getcortexapp.com'

export function readSettings(source: SettingsSource): Settings {
  const apiKey = source.getInput('api-key').trim()
  if (apiKey === '') throw new InputError('Input "api-key" is required: a Cortex API key with the "Create secrets" permission.')
  source.maskValue(apiKey)

  const apiUrl = parseApiUrl(source.getInput('api-url').trim() || DEFAULT_API_URL)

  const specs: SecretSpec[] = parseSecretsMapping(source.getInput('secrets'), 'secrets')
  const file = source.getInput('secrets-file').trim()
  if (file !== '') specs.push(...readSecretsFile(file, source))

  const secrets = resolveSecrets(specs, source.env, source.maskValue)
  if (secrets.length === 0) {
    throw new InputError('No secrets to push: "secrets" and "secrets-file" are both empty.')
  }
  return { apiKey, apiUrl, secrets }
}

function readSecretsFile(path: string, source: SettingsSource): SecretSpec[] {
  let text: string
  try {
    text = source.readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(`Input "secrets-file": cannot read ${JSON.stringify(path)} (${code}).`)
  }
  const name = basename(path)
  const isDotenv = name === '.env' || name.startsWith('.env.') || name.endsWith('.env')
  return isDotenv ? parseDotenvSecrets(text, 'secrets-file') : parseSecretsMapping(text, 'secrets-file')
}
