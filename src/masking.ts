/** A line this short, or made of punctuation and symbols only, is not registered on its own. */
const MIN_LINE_MASK_LENGTH = 4
const PUNCTUATION_ONLY = /^[\p{P}\p{S}\s]*$/u

/**
 * The strings to register with the log masker for one secret value.
 *
 * The runner's `add-mask` does not register a multi-line value as a whole: it
 * splits the data into lines and registers each line, trimmed, whatever its
 * length (actions/runner ActionCommandManager, AddMaskCommandExtension). So
 * handing it a JSON value would register `{` and `}`, and every brace in the
 * rest of the job's log would become `***` while nothing secret is hidden.
 * A multi-line value is therefore registered line by line, leaving out lines
 * under 4 characters or of punctuation only; those lines are all the runner
 * would ever have masked of it. A single-line value is registered whole,
 * whatever its length: it is the secret. A multi-line value with no line
 * worth a mask is registered whole, as the runner would split it.
 */
export function masksFor(value: string): string[] {
  const lines = value.split(/\r\n|\r|\n/)
  if (lines.length === 1) return [value]
  const worthMasking = lines
    .map((line) => line.trim())
    .filter((line) => [...line].length >= MIN_LINE_MASK_LENGTH && !PUNCTUATION_ONLY.test(line))
  return worthMasking.length > 0 ? [...new Set(worthMasking)] : [value]
}
