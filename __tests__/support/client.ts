import { Agent } from 'undici'
import { cortexClientFor } from '../../src/cortex/client-for-settings.ts'
import type { CortexClient } from '../../src/cortex/cortex-client.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'
import { DEFAULTS } from '../../src/settings.ts'
import { STAND_IN_API_KEY, type CortexStandIn } from '../../harness/cortex-stand-in.ts'

/** A client of the action's own code, pointed at a running stand-in. */
export function clientFor(standIn: CortexStandIn, apiKey = STAND_IN_API_KEY): CortexClient {
  return cortexClientFor(
    {
      apiUrl: parseApiUrl(standIn.url),
      apiKey,
      maxRetries: 0,
      timeoutMs: 10_000,
      rateLimitPerMinute: DEFAULTS.rateLimitPerMinute
    },
    { dispatcher: new Agent() }
  )
}
