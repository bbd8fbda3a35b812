/**
 * A sync in this process, over real HTTP to the stand-in, on a fake clock: a CortexClient built
 * from plain options as main.ts builds it, syncSecrets, and everything the run told its callbacks.
 */
import { Agent } from 'undici'
import { STAND_IN_API_KEY, type CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { CortexClient, type RequestRetry } from '../../src/cortex/client.ts'
import type { Clock, WaitReason } from '../../src/cortex/retry.ts'
import type { DesiredSecret, SecretResult, SyncReport } from '../../src/domain/secret.ts'
import { matcherFor, parsePatternList } from '../../src/inputs/patterns.ts'
import { parseApiUrl, type Settings } from '../../src/inputs/settings.ts'
import { syncSecrets } from '../../src/sync.ts'
import { ACTION_NAME, ACTION_VERSION } from '../../src/version.ts'
import { FakeClock } from './fake-clock.ts'

/** Everything the client and the sync told their callbacks, in order. */
export class Recording {
  /** The client's debug lines: one per attempt. */
  readonly requests: string[] = []
  readonly retries: RequestRetry[] = []
  readonly waits: Array<{ ms: number; reason: WaitReason }> = []
  /** onResult, in the order the results came. */
  readonly results: SecretResult[] = []

  /** Each result told, as `tag: outcome`, sorted. */
  outcomes(): string[] {
    return this.results.map((result) => `${result.tag}: ${result.outcome}`).sort()
  }
}

/** Settings for a run against the stand-in; `secrets` maps tags to values. `pruneMatch` sets `owns`. */
export function settingsFor(
  standIn: CortexStandIn,
  secrets: Record<string, string> | DesiredSecret[],
  overrides: Partial<Omit<Settings, 'owns'>> & { pruneMatch?: string } = {}
): Settings {
  const { pruneMatch, ...rest } = overrides
  return {
    apiKey: STAND_IN_API_KEY,
    apiUrl: parseApiUrl(standIn.url),
    secrets: Array.isArray(secrets) ? secrets : Object.entries(secrets).map(([tag, value]) => ({ tag, value })),
    maxRetries: 3,
    timeoutMs: 10_000,
    concurrency: 4,
    rateLimitPerMinute: 1000,
    dryRun: false,
    ...(pruneMatch === undefined ? {} : { owns: matcherFor(parsePatternList(pruneMatch, 'prune-match')) }),
    ...rest
  }
}

/**
 * One sync as the action runs it (main.ts), on a fake clock whose sleeps pass at once (or on the clock
 * given); jitter is 0.5.
 */
export async function sync<C extends Clock = FakeClock>(
  settings: Settings,
  clock: C = new FakeClock() as Clock as C
): Promise<{ report: SyncReport; recording: Recording; clock: C }> {
  const recording = new Recording()
  const dispatcher = new Agent()
  try {
    const client = new CortexClient({
      baseUrl: settings.apiUrl,
      apiKey: settings.apiKey,
      userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
      dispatcher,
      timeoutMs: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      requestsPerMinute: settings.rateLimitPerMinute,
      secrets: settings.secrets.map((secret) => secret.value),
      clock,
      random: () => 0.5,
      debug: (line) => recording.requests.push(line),
      onRetry: (retry) => recording.retries.push(retry),
      onWait: (ms, reason) => recording.waits.push({ ms, reason })
    })
    const report = await syncSecrets(client, settings.secrets, {
      concurrency: settings.concurrency,
      dryRun: settings.dryRun,
      owns: settings.owns,
      onResult: (result) => recording.results.push(result)
    })
    return { report, recording, clock }
  } finally {
    await dispatcher.close()
  }
}

/** `tag: outcome` of each result, sorted. */
export function outcomesOf(report: SyncReport): string[] {
  return report.results.map((result) => `${result.tag}: ${result.outcome}`).sort()
}

/** `tag: message` of each failed result, in the order of the results. */
export function failuresOf(report: SyncReport): string[] {
  return report.results.filter((r) => r.outcome === 'failed').map((r) => `${r.tag}: ${r.error?.message}`)
}

/** The requests the stand-in saw, in order: `GET list page 0`, `POST tag`, `PUT tag`, `GET tag`, `DELETE tag`. */
export function requestLines(standIn: CortexStandIn): string[] {
  return standIn.requests.map((r) => {
    if (r.method === 'GET' && r.path === '/api/v1/secrets') return `GET list page ${r.query.page}`
    return `${r.method} ${r.method === 'POST' ? createdTag(r.rawBody) : tagOf(r.path)}`
  })
}

/** The tag a single-secret request is about (GET, PUT, DELETE); undefined for the collection. */
export function tagOf(path: string): string | undefined {
  const prefix = '/api/v1/secrets/'
  return path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : undefined
}

/** The tag a create asks for. */
export function createdTag(rawBody: string): string | undefined {
  try {
    return (JSON.parse(rawBody) as { tag?: string }).tag
  } catch {
    return undefined
  }
}
