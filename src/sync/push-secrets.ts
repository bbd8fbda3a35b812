import type { CortexClient } from '../cortex/cortex-client.ts'
import type { DesiredSecret } from '../inputs/secret-spec.ts'
import { applyWrites, type ApplyOptions, type SecretResult } from './apply.ts'
import { planUpserts } from './plan.ts'

/**
 * Upserts every secret: one paginated list of the workspace, then one write
 * per secret. If the list itself fails, every secret is reported failed with
 * that reason: none is left unaccounted for.
 */
export async function pushSecrets(
  client: CortexClient,
  secrets: readonly DesiredSecret[],
  options: ApplyOptions
): Promise<SecretResult[]> {
  let existing
  try {
    existing = await client.listAll()
  } catch (error) {
    return secrets.map((s) => {
      const result: SecretResult = { tag: s.tag, name: s.name ?? s.tag, outcome: 'failed', error: error as Error }
      options.onResult?.(result)
      return result
    })
  }
  return applyWrites(client, planUpserts(secrets, existing), options)
}
