import { parse as parseDotenvLine } from 'dotenv'
import { InputError } from './input-error.ts'
import { whatIsWrong } from './key-text.ts'
import { TAG_PATTERN, type SecretSpec } from './secret-spec.ts'

// dotenv's own line grammar (dotenv/lib/main.js). dotenv skips any line it
// cannot read; we walk the same grammar so that a skipped line is an error
// rather than a secret silently lost, and so that each key has a line number.
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm

/** Parses a dotenv file whose keys are Cortex tags; values are read by dotenv itself. */
export function parseDotenvSecrets(text: string, input: string): SecretSpec[] {
  const source = text.replace(/\r\n?/g, '\n')
  const lineOf = (offset: number): number => source.slice(0, offset).split('\n').length
  const specs: SecretSpec[] = []
  let consumed = 0

  for (const match of source.matchAll(DOTENV_LINE)) {
    const start = match.index + (match[0].length - match[0].trimStart().length)
    checkSkipped(source.slice(consumed, match.index), consumed, lineOf, input)
    consumed = match.index + match[0].length

    const key = match[1] ?? ''
    const origin = `${input} line ${lineOf(start)}`
    if (!TAG_PATTERN.test(key)) {
      throw new InputError(
        `${origin}: the key is not a valid Cortex tag (letters, digits, "_" and "-" only): ${whatIsWrong(key)}.`
      )
    }
    specs.push({ tag: key, origin, value: parseDotenvLine(match[0])[key] ?? '' })
  }
  checkSkipped(source.slice(consumed), consumed, lineOf, input)
  return specs
}

function checkSkipped(gap: string, gapStart: number, lineOf: (offset: number) => number, input: string): void {
  let offset = gapStart
  for (const line of gap.split('\n')) {
    const content = line.trim()
    if (content !== '' && !content.startsWith('#')) {
      throw new InputError(
        `${input} line ${lineOf(offset)} is not a dotenv entry (KEY=value); the line is not shown because it may hold a secret.`
      )
    }
    offset += line.length + 1
  }
}
