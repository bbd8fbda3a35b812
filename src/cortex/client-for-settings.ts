import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { isLoopback } from '../inputs/api-url.ts'
import type { Settings } from '../settings.ts'
import { UntrustedText } from '../text/untrusted-text.ts'
import { ACTION_NAME, ACTION_VERSION } from '../version.ts'
import { systemClock, type Clock } from './clock.ts'
import { CortexClient, type CortexClientOptions } from './cortex-client.ts'
import { RequestGate, type RequestGateOptions } from './request-gate.ts'

export interface ClientForSettingsOptions {
  /** Defaults to `dispatcherFor(settings.apiUrl)`. */
  dispatcher?: Dispatcher
  clock?: Clock
  random?: () => number
  debug?: CortexClientOptions['debug']
  onRetry?: CortexClientOptions['onRetry']
  onWait?: RequestGateOptions['onWait']
}

/** Backoff: full jitter below 0.5 s × 2^retry, at most 30 s; a Retry-After over 5 minutes is not waited for. */
const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 30_000
const MAX_RETRY_AFTER_MS = 300_000

/**
 * The run's Cortex client, built from the settings: its retry policy, its request
 * gate, how its requests travel. Nothing is sent yet. The values of `secrets` and
 * the API key are what Cortex's text must never show: the client withholds them from it.
 */
export function cortexClientFor(
  settings: Pick<Settings, 'apiUrl' | 'apiKey' | 'timeoutMs' | 'maxRetries' | 'rateLimitPerMinute'> &
    Partial<Pick<Settings, 'secrets'>>,
  options: ClientForSettingsOptions = {}
): CortexClient {
  const clock = options.clock ?? systemClock
  return new CortexClient({
    baseUrl: settings.apiUrl,
    apiKey: settings.apiKey,
    userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    // undici never follows redirects unless told to, so the key cannot be
    // carried to another origin by a 3xx: a redirect is reported as an error.
    dispatcher: options.dispatcher ?? dispatcherFor(settings.apiUrl),
    timeoutMs: settings.timeoutMs,
    retryPolicy: {
      maxRetries: settings.maxRetries,
      baseDelayMs: BASE_DELAY_MS,
      maxDelayMs: MAX_DELAY_MS,
      maxRetryAfterMs: MAX_RETRY_AFTER_MS,
      clock,
      random: options.random ?? Math.random
    },
    gate: new RequestGate({ requestsPerMinute: settings.rateLimitPerMinute, clock, onWait: options.onWait }),
    serverText: new UntrustedText([settings.apiKey, ...(settings.secrets ?? []).map((secret) => secret.value)]),
    debug: options.debug,
    onRetry: options.onRetry
  })
}

/**
 * How requests to `apiUrl` travel. A loopback host (127.0.0.0/8, localhost,
 * [::1]) is reached directly, never through a proxy, as Go's net/http does:
 * plain http is allowed there only because it stays on this machine, and
 * through a proxy the key and the values would cross the network in clear
 * text (to the proxy's own 127.0.0.1, besides). Any other host goes through
 * undici's EnvHttpProxyAgent: HTTPS_PROXY, HTTP_PROXY and NO_PROXY, either
 * case. Only this origin is ever requested (no redirect is followed), so one
 * choice holds for the whole run.
 */
export function dispatcherFor(apiUrl: URL): Dispatcher {
  return isLoopback(apiUrl.hostname) ? new Agent() : new EnvHttpProxyAgent()
}
