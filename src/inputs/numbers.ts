import { InputError } from './input-error.ts'

/** Reads a whole-number input within bounds; the message names the input and the range. */
export function parseWholeNumber(text: string, input: string, min: number, max: number): number {
  const trimmed = text.trim()
  const value = Number(trimmed)
  if (!/^\d+$/.test(trimmed) || value < min || value > max) {
    throw new InputError(`Input "${input}" must be a whole number from ${min} to ${max}.`)
  }
  return value
}

/** Reads a positive number of seconds (fractions allowed) within bounds. */
export function parseSeconds(text: string, input: string, max: number): number {
  const trimmed = text.trim()
  const value = Number(trimmed)
  if (!/^\d+(\.\d+)?$/.test(trimmed) || value <= 0 || value > max) {
    throw new InputError(`Input "${input}" must be a number of seconds greater than 0 and at most ${max}.`)
  }
  return value
}
