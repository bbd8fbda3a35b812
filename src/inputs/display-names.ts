import { isOneLine } from '../text/one-line.ts'
import { SecretRuns } from '../text/secret-runs.ts'
import { showControls } from '../text/visible-text.ts'
import { InputError } from './input-error.ts'
import type { SecretSpec } from './secret-spec.ts'

/**
 * Refuses a `name` that would show a secret, or that is not one line. Cortex shows a
 * secret's name to everyone who can see the secret, and the job summary prints it escaped,
 * in a form the runner's masker does not know: so a name holds no secret value of the run
 * nor the API key, whole or any run of 8 or more characters of one, in any form the
 * cleaning of server text finds (SecretRuns: one detection for both). A name is one line of
 * text: no line break, control or bidirectional formatting character. Messages name the
 * tag and the line, never the name: it may hold a value.
 */
export function checkDisplayNames(specs: readonly SecretSpec[], secrets: Iterable<string>): void {
  const named = specs.filter((spec): spec is SecretSpec & { name: string } => spec.name !== undefined)
  if (named.length === 0) return
  for (const { tag, origin, name } of named) {
    if (!isOneLine(name)) {
      throw new InputError(
        `Tag "${tag}" (${origin}): "name" holds a line break or a control character; a name is one line of text.`
      )
    }
  }
  // Built only when a name is given: the index costs time and memory in the size of the values.
  const runs = new SecretRuns(secrets)
  for (const { tag, origin, name } of named) {
    if (runs.find(showControls(name)).length > 0) {
      throw new InputError(
        `Tag "${tag}" (${origin}): "name" holds a secret value of this run (or 8 or more characters of one), ` +
          'which Cortex would show to everyone who can see the secret. Choose a name without it.'
      )
    }
  }
}
