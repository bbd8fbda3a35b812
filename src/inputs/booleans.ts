import { InputError } from './input-error.ts'

const TRUE = ['true', 'True', 'TRUE']
const FALSE = ['false', 'False', 'FALSE']

/** Reads a boolean input as `core.getBooleanInput` does (YAML 1.2 core schema), with our error. */
export function parseBoolean(text: string, input: string): boolean {
  const trimmed = text.trim()
  if (TRUE.includes(trimmed)) return true
  if (FALSE.includes(trimmed)) return false
  throw new InputError(`Input "${input}" must be true or false.`)
}
