/**
 * The strings to register with the log masker for one secret value: the value
 * itself and each of its lines, so that a multi-line secret (a PEM key) stays
 * hidden even when a tool prints it one line at a time.
 */
export function masksFor(value: string): string[] {
  const lines = value.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '' && line !== value)
  return [value, ...new Set(lines)]
}
