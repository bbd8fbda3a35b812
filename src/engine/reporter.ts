import type { RequestRetry } from '../cortex/cortex-client.ts'
import type { WaitReason } from '../cortex/request-gate.ts'
import type { RunStart } from '../report/log-lines.ts'
import type { PruneSkipped, SecretResult } from '../sync/results.ts'

export type { RunStart } from '../report/log-lines.ts'

/** Requests held back, and why. */
export interface RequestWait {
  ms: number
  reason: WaitReason
  /** The run's request budget, `rate-limit`. */
  perMinute: number
}

/**
 * What a run tells the outside while it goes: each front door (the GitHub Action,
 * a test) says it in its own way. Calls come in this order: `start` once, then the
 * others as they happen, `result` once per secret. Never given a secret value.
 */
export interface Reporter {
  /** Before the first request. */
  start(run: RunStart): void
  /** One line per request attempt: method, path, status, milliseconds. */
  request(line: string): void
  /** A request failed and will be sent again. */
  retry(retry: RequestRetry): void
  /** Requests are held back: Cortex asked the run to wait (429), or its budget is spent. */
  wait(wait: RequestWait): void
  /** One secret is done, or in a dry run planned; `retries`: how often its requests were retried. */
  result(result: SecretResult, detail: { dryRun: boolean; retries: number }): void
  /** A prune planned deletions and made none of them. */
  pruneSkipped(skip: PruneSkipped): void
}
