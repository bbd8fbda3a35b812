import { InputError } from './input-error.ts'

/** The variables undici's EnvHttpProxyAgent reads a proxy URL from (lower case wins, as in curl). */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const

/**
 * Checks the proxy variables before any request. undici builds its proxy
 * agents from them when the client is made and fails with a bare "Invalid
 * URL" that names nothing; `proxy.internal:3128` without a scheme, which curl
 * accepts, is one such value. The message names the variable and never
 * quotes its value, which may hold proxy credentials.
 */
export function checkProxyVariables(env: Readonly<Record<string, string | undefined>>): void {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim()
    if (!value) continue
    let url: URL | undefined
    try {
      url = new URL(value)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new InputError(
        `Environment variable ${name} is not a proxy URL: expected http://host:port or https://host:port ` +
          '(the value is not shown; it may hold proxy credentials).'
      )
    }
  }
}
