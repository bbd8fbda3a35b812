/** `1 secret`, `2 secrets`, `0 secrets`: the one place a count meets its noun. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}
