import { parse as parseDotenv } from 'dotenv'
import { dotenvEntries } from './dotenv-entries.ts'
import { InputError } from './input-error.ts'
import type { SecretEntry } from './secret-spec.ts'

/**
 * Parses a dotenv file whose keys are Cortex tags (or keys `select` picks). Each value is read by
 * dotenv itself, one entry at a time (so a duplicate key keeps both lines);
 * dotenvEntries finds the entries and their lines in one pass, and an entry
 * dotenv reads differently from how it is written is an error, whatever
 * dotenv's grammar becomes.
 */
export function parseDotenvSecrets(text: string, input: string): SecretEntry[] {
  return [...dotenvEntries(text, input)].map((entry) => ({
    key: entry.key,
    origin: `${input} line ${entry.line}`,
    keyOrigin: `${input} line ${entry.line}`,
    read: (_tag, origin) => {
      const read = parseDotenv(entry.text)
      const keys = Object.keys(read)
      if (keys.length !== 1 || keys[0] !== entry.key || read[entry.key] !== entry.value) {
        throw new InputError(
          `${origin}: dotenv would not read this value as written (look at its quotes and backslashes: ` +
            'dotenv keeps \\" and \\\\ as two characters); the line is not shown because it may hold a secret.'
        )
      }
      return { value: entry.value }
    }
  }))
}
