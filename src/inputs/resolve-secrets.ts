import { InputError } from './input-error.ts'
import { nameOrTag, type DesiredSecret, type SecretSpec } from './secret-spec.ts'

/**
 * Cortex refuses request bodies over 2 MB. We count 2 MB as 2,000,000 bytes,
 * the stricter reading, so that a body we send is never refused for size.
 */
export const MAX_REQUEST_BODY_BYTES = 2_000_000

/** The largest body sent for a secret: the create, which carries tag, name and value. */
export function createBodyBytes(secret: DesiredSecret): number {
  return Buffer.byteLength(JSON.stringify({ name: nameOrTag(secret), secret: secret.value, tag: secret.tag }))
}

/**
 * Gives every spec its value and checks what only the values can tell (tags
 * are unique already: chooseEntries).
 * `onValue` sees each value as soon as it is known, so it can be masked
 * before anything else happens.
 */
export function resolveSecrets(
  specs: SecretSpec[],
  env: Readonly<Record<string, string | undefined>>,
  onValue: (value: string) => void
): DesiredSecret[] {
  return specs.map((spec) => {
    let value = spec.value ?? ''
    if (spec.env !== undefined) {
      value = env[spec.env] ?? ''
      if (isBlank(value)) {
        throw new InputError(
          `Tag "${spec.tag}" (${spec.origin}): environment variable "${spec.env}" is unset, empty or only whitespace.`
        )
      }
    }
    if (isBlank(value)) {
      throw new InputError(
        `Tag "${spec.tag}" (${spec.origin}) has an empty value${value === '' ? '' : ' (only whitespace)'}. ` +
          'A GitHub secret that does not exist (or is not passed to this job) expands to an empty string.'
      )
    }
    onValue(value)
    const secret: DesiredSecret = {
      tag: spec.tag,
      value,
      ...(spec.name === undefined ? {} : { name: spec.name }),
      ...(spec.key === undefined ? {} : { key: spec.key })
    }
    if (createBodyBytes(secret) > MAX_REQUEST_BODY_BYTES) {
      throw new InputError(
        `Tag "${spec.tag}" (${spec.origin}) is too large: its request body would exceed Cortex's 2 MB limit.`
      )
    }
    return secret
  })
}

/**
 * A value that is empty or only whitespace (or invisible format characters, such as a
 * zero-width space): never a secret anyone meant to push, and one no log mask can hold
 * usefully (the runner trims a mask, and refuses an empty one).
 */
function isBlank(value: string): boolean {
  return /^[\s\p{Cf}]*$/u.test(value)
}
