import { Agent } from 'undici'
import { CortexClient, type CortexClientOptions } from '../../src/cortex/client.ts'
import { DEFAULTS, parseApiUrl } from '../../src/inputs/settings.ts'
import { ACTION_NAME, ACTION_VERSION } from '../../src/version.ts'
import { STAND_IN_API_KEY, type CortexStandIn } from '../../harness/cortex-stand-in.ts'

/** A client of the action's own code, pointed at a running stand-in: no retries unless `options` asks. */
export function clientFor(
  standIn: CortexStandIn,
  apiKey = STAND_IN_API_KEY,
  options: Partial<CortexClientOptions> = {}
): CortexClient {
  return new CortexClient({
    baseUrl: parseApiUrl(standIn.url),
    apiKey,
    userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    dispatcher: new Agent(),
    timeoutMs: 10_000,
    maxRetries: 0,
    requestsPerMinute: DEFAULTS.rateLimitPerMinute,
    ...options
  })
}
