import { Agent } from 'undici'
import { CortexClient } from '../../src/cortex/cortex-client.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'
import { STAND_IN_API_KEY, type CortexStandIn } from '../../harness/cortex-stand-in.ts'

/** A client of the action's own code, pointed at a running stand-in. */
export function clientFor(standIn: CortexStandIn, apiKey = STAND_IN_API_KEY): CortexClient {
  return new CortexClient({
    baseUrl: parseApiUrl(standIn.url),
    apiKey,
    userAgent: 'cortex-secrets-action/test',
    dispatcher: new Agent()
  })
}
