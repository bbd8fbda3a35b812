import { cortexClientFor, type ClientForSettingsOptions } from '../cortex/client-for-settings.ts'
import { ownedBy } from '../inputs/prune-match.ts'
import { failureMessage } from '../report/outcomes.ts'
import { RetryTally } from '../report/retry-tally.ts'
import type { Settings } from '../settings.ts'
import type { DesiredSecret } from '../inputs/secret-spec.ts'
import type { SecretResult, SyncReport } from '../sync/results.ts'
import { syncSecrets } from '../sync/sync-secrets.ts'
import type { Reporter } from './reporter.ts'

/** What a caller may swap in: how requests travel, time, and jitter (tests inject a clock). */
export type PushOptions = Pick<ClientForSettingsOptions, 'dispatcher' | 'clock' | 'random'>

/** The run's result: every secret's outcome, what retries and waits cost, and the failure, if any. */
export interface PushResult extends SyncReport {
  tally: RetryTally
  /** The run's failure message, one failed secret a line; absent when every secret landed. */
  failure?: string
}

/**
 * One run of the action, whatever its front door: builds the Cortex client from
 * the settings, syncs the secrets (list, create or update, prune), tallies
 * retries and waits, and tells `reporter` as it goes. Cortex's refusals are
 * results, not exceptions: the returned `failure` says what failed.
 */
export async function pushSecrets(
  settings: Settings,
  reporter: Reporter,
  options: PushOptions = {}
): Promise<PushResult> {
  const { dryRun, rateLimitPerMinute: perMinute } = settings
  const tally = new RetryTally()
  const client = cortexClientFor(settings, {
    ...options,
    debug: (line) => reporter.request(line),
    onRetry: (retry) => {
      tally.recordRetry(retry)
      reporter.retry(retry)
    },
    onWait: (ms, reason) => {
      tally.recordWait(ms, reason)
      reporter.wait({ ms, reason, perMinute })
    }
  })

  reporter.start({
    secrets: settings.secrets.length,
    host: settings.apiUrl.host,
    dryRun,
    prune: !!settings.prune,
    ...(settings.selection ? { selection: settings.selection } : {})
  })
  const withKey = keyOfResult(settings.secrets)
  const synced = await syncSecrets(client, settings.secrets, {
    concurrency: settings.concurrency,
    dryRun,
    owns: settings.prune && ownedBy(settings.prune),
    onResult: (result) => reporter.result(withKey(result), { dryRun, retries: tally.retriesFor(result.tag) })
  })
  const report = { ...synced, results: synced.results.map(withKey) }
  if (report.pruneSkipped) reporter.pruneSkipped(report.pruneSkipped)

  const failure = failureMessage(report, new Set(settings.secrets.map((s) => s.tag)))
  return { ...report, tally, ...(failure === undefined ? {} : { failure }) }
}

/**
 * Gives a result the input key its tag was made from, when there is one: the sync
 * deals in tags only, the reports show `key → tag`. A deleted tag is never an input
 * tag, so it has no key.
 */
function keyOfResult(secrets: readonly DesiredSecret[]): (result: SecretResult) => SecretResult {
  const keys = new Map(secrets.flatMap((s) => (s.key === undefined ? [] : [[s.tag, s.key] as const])))
  return (result) => {
    const key = result.outcome === 'deleted' ? undefined : keys.get(result.tag)
    return key === undefined ? result : { ...result, key }
  }
}
