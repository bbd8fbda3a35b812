import * as core from '@actions/core'
import type { CortexOperation } from '../cortex/cortex-api-error.ts'
import type { RetryEvent } from '../cortex/retry-policy.ts'
import type { Settings } from '../settings.ts'
import type { SecretResult } from '../sync/results.ts'
import type { TagsByOutcome } from './outcomes.ts'
import { countedOutcome, outcomeWord } from './outcome-words.ts'
import { count } from '../text/count.ts'
import { oneLine } from '../text/one-line.ts'

// The step's log: one line per secret, a warning when Cortex rate-limits the run,
// and debug lines for retries. Tags, names and statuses only: never a value.

/**
 * Every plain log line goes out here. core.info writes its text raw, and the runner
 * reads each line of the action's output as a possible workflow command
 * (`::set-output`, `::stop-commands`): a line break inside a tag, a name or an
 * error from Cortex would start a line of the server's choosing. As one line, the
 * text always follows this action's own prefix. (core.debug, core.warning and
 * core.error escape line breaks themselves.)
 */
function info(line: string): void {
  core.info(oneLine(line))
}

export function logStart(settings: Settings): void {
  const mode = settings.dryRun ? 'Dry run: planning' : 'Pushing'
  const prune = settings.prune ? ', pruning owned tags' : ''
  info(`${mode} ${count(settings.secrets.length, 'secret')} to ${settings.apiUrl.host}${prune}`)
}

export function logRetry(event: RetryEvent & { operation: CortexOperation; tag?: string }): void {
  const subject = event.tag === undefined ? event.operation : `${event.operation} "${event.tag}"`
  core.debug(`retry ${event.attempt} of ${subject} in ${event.delayMs} ms after ${event.reason}`)
  if (event.pause === 'new') {
    core.warning(`Cortex rate limit reached (HTTP 429): all requests wait ${(event.delayMs / 1000).toFixed(1)} s.`)
  }
}

/** Our own pacing: only the long waits, when the run has used its budget for the minute. */
export function logWait(ms: number, reason: 'rate-limited' | 'paced', perMinute: number): void {
  if (reason === 'paced' && ms >= 1000) {
    core.warning(`Request budget reached (rate-limit: ${perMinute} a minute): waiting ${(ms / 1000).toFixed(1)} s.`)
  }
}

export function logResult(result: SecretResult, dryRun: boolean, retries: number): void {
  if (result.outcome === 'failed') info(`✖ ${result.tag}: failed: ${result.error?.message}`)
  else if (dryRun) info(`• ${result.tag}: ${outcomeWord(result.outcome, dryRun)} (${result.name})`)
  else info(`✔ ${result.tag}: ${result.outcome} (${result.name})`)
  if (retries > 0) core.debug(`${result.tag}: ${count(retries, 'retry', 'retries')}`)
}

export function logDone(tags: TagsByOutcome, dryRun: boolean): void {
  const counts = (['created', 'updated', 'deleted'] as const).map((o) => countedOutcome(tags[o].length, o, dryRun))
  info(`Done: ${counts.join(', ')}.`)
}
