import { InputError } from './input-error.ts'

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]'])

/** A URL hostname on this machine: plain http is allowed to it, and no proxy is used for it. */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname)
}

/**
 * Reads `api-url` into the base URL every API path is resolved against.
 * A path prefix is kept (self-managed installs behind a path), and the key
 * never travels over plain http except to this machine.
 */
export function parseApiUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    throw new InputError('Input "api-url" is not a valid URL; expected for example https://api.getcortexapp.com.')
  }
  if (url.username || url.password) {
    throw new InputError('Input "api-url" must not contain credentials; the API key goes in "api-key".')
  }
  if (url.search || url.hash) {
    throw new InputError('Input "api-url" must not have a query string or fragment.')
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new InputError(
      `Input "api-url" uses plain http:// for ${url.host}; the API key is only sent over https:// ` +
        '(plain http is allowed for 127.0.0.0/8, localhost and [::1] only).'
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Input "api-url" must be an https:// URL, not ${url.protocol}//.`)
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/'
  return url
}
