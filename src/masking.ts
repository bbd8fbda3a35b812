/** A line this short, or made of punctuation and symbols only, is not registered on its own. */
const MIN_LINE_MASK_LENGTH = 4
const PUNCTUATION_ONLY = /^[\p{P}\p{S}\s]*$/u

/**
 * The strings to register with the log masker for one secret value: the value
 * itself and each of its lines (trimmed), so that a multi-line secret (a PEM
 * key) stays hidden when a tool prints it one line at a time. A line under 4
 * characters or of punctuation only (`{`, `}`, `],` of a JSON value) is not
 * registered: as a mask it would turn every brace or comma in the rest of the
 * job's log into `***` while hiding nothing secret.
 */
export function masksFor(value: string): string[] {
  const lines = value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== value && [...line].length >= MIN_LINE_MASK_LENGTH && !PUNCTUATION_ONLY.test(line))
  return [value, ...new Set(lines)]
}
