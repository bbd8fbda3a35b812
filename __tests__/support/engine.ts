import { Agent } from 'undici'
import { STAND_IN_API_KEY, type CortexStandIn } from '../../harness/cortex-stand-in.ts'
import type { RequestRetry } from '../../src/cortex/cortex-client.ts'
import { pushSecrets, type PushResult } from '../../src/engine/push-secrets.ts'
import type { Reporter, RequestWait, RunStart } from '../../src/engine/reporter.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'
import { parsePruneMatch } from '../../src/inputs/prune-match.ts'
import type { DesiredSecret } from '../../src/inputs/secret-spec.ts'
import type { Settings } from '../../src/settings.ts'
import type { PruneSkipped, SecretResult } from '../../src/sync/results.ts'
import { FakeClock } from './fake-clock.ts'

/** Everything the engine told its reporter, in order. */
export class RecordingReporter implements Reporter {
  readonly starts: RunStart[] = []
  readonly requests: string[] = []
  readonly retries: RequestRetry[] = []
  readonly waits: RequestWait[] = []
  readonly results: Array<{ result: SecretResult; dryRun: boolean; retries: number }> = []
  readonly skipped: PruneSkipped[] = []
  /** The kind of each call, in the order they came. */
  readonly calls: string[] = []

  start(run: RunStart): void {
    this.calls.push('start')
    this.starts.push(run)
  }
  request(line: string): void {
    this.calls.push('request')
    this.requests.push(line)
  }
  retry(retry: RequestRetry): void {
    this.calls.push('retry')
    this.retries.push(retry)
  }
  wait(wait: RequestWait): void {
    this.calls.push('wait')
    this.waits.push(wait)
  }
  result(result: SecretResult, detail: { dryRun: boolean; retries: number }): void {
    this.calls.push('result')
    this.results.push({ result, ...detail })
  }
  pruneSkipped(skip: PruneSkipped): void {
    this.calls.push('pruneSkipped')
    this.skipped.push(skip)
  }

  /** Each result reported, as `tag: outcome`, sorted. */
  outcomes(): string[] {
    return this.results.map(({ result }) => `${result.tag}: ${result.outcome}`).sort()
  }
}

/** Settings for a run against the stand-in; `secrets` maps tags to values. */
export function settingsFor(
  standIn: CortexStandIn,
  secrets: Record<string, string> | DesiredSecret[],
  overrides: Partial<Omit<Settings, 'prune'>> & { pruneMatch?: string } = {}
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
    ...(pruneMatch === undefined ? {} : { prune: parsePruneMatch(pruneMatch) }),
    ...rest
  }
}

/** One engine run in this process, over real HTTP, on a fake clock (no real waiting). */
export async function push(
  settings: Settings,
  clock = new FakeClock()
): Promise<{ result: PushResult; reporter: RecordingReporter; clock: FakeClock }> {
  const reporter = new RecordingReporter()
  const dispatcher = new Agent()
  try {
    const result = await pushSecrets(settings, reporter, { dispatcher, clock, random: () => 0.5 })
    return { result, reporter, clock }
  } finally {
    await dispatcher.close()
  }
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
