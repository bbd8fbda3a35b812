import { basename } from 'node:path'
import { parseDotenvSecrets } from './dotenv-secrets.ts'
import { InputError } from './input-error.ts'
import type { SecretEntry } from './secret-spec.ts'
import { parseSecretsMapping } from './secrets-mapping.ts'

/** A file named `.env`, `.env.<anything>` or `<anything>.env` is read as dotenv; any other as a YAML mapping. */
export function isDotenvFile(path: string): boolean {
  const name = basename(path)
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env')
}

/**
 * Reads `secrets-file` with `readFile` and parses it by its name (isDotenvFile).
 * A file that cannot be read is named with the error code, never its text.
 */
export function readSecretsFile(path: string, readFile: (path: string) => string): SecretEntry[] {
  let text: string
  try {
    text = readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new InputError(`Input "secrets-file": cannot read ${JSON.stringify(path)} (${code}).`)
  }
  return isDotenvFile(path) ? parseDotenvSecrets(text, 'secrets-file') : parseSecretsMapping(text, 'secrets-file')
}
