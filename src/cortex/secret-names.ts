/** How many characters of a secret's name, as Cortex gives it, are shown. */
export const SHOWN_NAME_CHARS = 200

/**
 * A success body with every secret's `name` passed through `clean`: a secret
 * (`{id, tag, name}`) or a page of them (`{secrets: [...]}`). Anything else is
 * returned as it is, for the shape checks to judge.
 */
export function cleanSecretNames(body: unknown, clean: (name: string) => string): unknown {
  const cleanName = (secret: unknown): unknown => {
    if (typeof secret !== 'object' || secret === null || Array.isArray(secret)) return secret
    const { name } = secret as { name?: unknown }
    return typeof name === 'string' ? { ...secret, name: clean(name) } : secret
  }
  if (typeof body !== 'object' || body === null) return body
  const { secrets } = body as { secrets?: unknown }
  return Array.isArray(secrets) ? { ...body, secrets: secrets.map(cleanName) } : cleanName(body)
}
