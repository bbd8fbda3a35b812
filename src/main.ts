import * as core from '@actions/core'
import type { Dispatcher } from 'undici'
import type * as CortexModule from './cortex/client.ts'
import type { Clock } from './cortex/retry.ts'
import { CancelledError, OUTCOMES, type SyncReport } from './domain/secret.ts'
import { count, logLine, masksFor } from './domain/text.ts'
import { PROXY_VARIABLES, readInputs, type Inputs } from './inputs/settings.ts'
import {
  budgetWarning,
  doneLine,
  leftOutLines,
  pruneSkippedWarning,
  rateLimitWarning,
  resultLine,
  retryLine,
  RetryTally,
  startLine,
  verdict
} from './report/log.ts'
import { describeRun, renderFailedSummary, renderJobSummary } from './report/summary.ts'
import { syncSecrets } from './sync.ts'
import { ACTION_NAME, ACTION_VERSION } from './version.ts'

/** What a caller may swap in: how requests travel, time and jitter (tests inject them). */
interface RunOptions {
  dispatcher?: Dispatcher
  clock?: Clock
  random?: () => number
}

/**
 * The GitHub Action: inputs from the runner, the sync told to the log as it goes, then the four outputs and the
 * job summary, on every path (a later step's `fromJSON(steps.<id>.outputs.failed)` needs a list); the one place
 * the step is failed.
 */
export async function run(options: RunOptions = {}): Promise<void> {
  let inputs: Inputs
  let cortex: typeof CortexModule
  try {
    inputs = readInputs({
      getInput: (name) => core.getInput(name, { trimWhitespace: false }),
      env: process.env,
      maskValue: (value) => masksFor(value).forEach((mask) => core.setSecret(mask))
    })
    // Loaded once the inputs hold: a run that fails on them does not wait on the client and undici (1.1 MB).
    // A chunk of dist/ that cannot be loaded fails here, before any request, with the outputs written.
    cortex = await import('./cortex/client.ts')
  } catch (error) {
    const reason = messageOf(error)
    const notWritten = await writeOutputs({ results: [] })
    await writeSummary(() => renderFailedSummary(reason))
    return fail([reason, notWritten])
  }
  const { settings, selection } = inputs
  const { apiUrl, dryRun, rateLimitPerMinute, secrets } = settings
  const tally = new RetryTally()
  const { CortexClient, dispatcherFor } = cortex
  const client = new CortexClient({
    baseUrl: apiUrl,
    apiKey: settings.apiKey,
    userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    dispatcher: options.dispatcher ?? dispatcherFor(apiUrl, settings.timeoutMs),
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    requestsPerMinute: rateLimitPerMinute,
    secrets: secrets.map((secret) => secret.value),
    proxy: proxyVariable(apiUrl),
    clock: options.clock,
    random: options.random,
    debug: (line) => core.debug(line),
    onRetry: (retry) => {
      tally.recordRetry(retry)
      core.debug(retryLine(retry))
      warn(rateLimitWarning(retry))
    },
    onWait: (ms, reason) => {
      tally.recordWait(ms, reason)
      warn(budgetWarning(ms, reason, rateLimitPerMinute))
    }
  })
  // A cancelled job: the runner sends SIGINT, then SIGTERM 7.5 s later. No request starts after it, those in
  // flight are aborted, and the run ends with its verdict, outputs and summary.
  const cancel = (signal: NodeJS.Signals) => client.stop(new CancelledError(signal))
  process.on('SIGINT', cancel).on('SIGTERM', cancel)
  try {
    info(startLine({ secrets: secrets.length, host: apiUrl.host, dryRun, prune: !!settings.owns, selection }))
    leftOutLines(selection).forEach(info)
    const report = await syncSecrets(client, secrets, {
      concurrency: settings.concurrency,
      dryRun,
      owns: settings.owns,
      onResult: (result) => {
        info(resultLine(result, dryRun))
        const retries = tally.retriesFor(result.tag)
        if (retries > 0) core.debug(`${result.tag}: ${count(retries, 'retry', 'retries')}`)
      }
    })
    if (report.pruneSkipped) core.warning(pruneSkippedWarning(report.pruneSkipped))
    const { tags, failure } = verdict(report, new Set(secrets.map((secret) => secret.tag)))
    // The list of failed secrets stays the message; outputs that could not be written are added to it.
    const notWritten = await writeOutputs(report)
    await writeSummary(async () => {
      // Loaded here, not at start-up: only the summary needs the run's context, and @actions/github
      // (Octokit included) would delay the first request.
      const { context } = await import('@actions/github')
      return renderJobSummary({ run: describeRun(context), cortexHost: apiUrl.host, report, tally, selection })
    })
    if (failure === undefined && notWritten === undefined) info(doneLine(tags, dryRun))
    else fail([failure, notWritten])
  } catch (error) {
    fail([messageOf(error)])
  } finally {
    process.off('SIGINT', cancel).off('SIGTERM', cancel)
  }
}

/** The variable EnvHttpProxyAgent takes the proxy for `apiUrl` from, for messages. */
function proxyVariable(apiUrl: URL): string | undefined {
  const names = apiUrl.protocol === 'https:' ? PROXY_VARIABLES : PROXY_VARIABLES.slice(2)
  return names.find((name) => process.env[name])
}

/** The four outputs, tags sorted (`[]` where nothing happened); what went wrong, instead of a throw. */
async function writeOutputs(report: Pick<SyncReport, 'results'>): Promise<string | undefined> {
  const { tags } = verdict(report, new Set())
  return attempt('Outputs not written', async () => {
    for (const outcome of OUTCOMES) core.setOutput(outcome, JSON.stringify(tags[outcome]))
  })
}

/** A summary that cannot be written is a warning: the step's own message must stay the one it fails with. */
async function writeSummary(render: () => string | Promise<string>): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) {
    warn(await attempt('Job summary not written', async () => void (await core.summary.addRaw(await render()).write())))
  }
}

function fail(parts: (string | undefined)[]): void {
  core.setFailed(parts.filter((part) => part !== undefined).join('\n'))
}

/** Every plain log line goes out here: one line, no workflow command (core.info writes text raw). */
function info(line: string): void {
  core.info(logLine(line))
}

function warn(line: string | undefined): void {
  if (line !== undefined) core.warning(line)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** What went wrong with `work`, prefixed with `what`, instead of a throw. */
async function attempt(what: string, work: () => Promise<void>): Promise<string | undefined> {
  return work().then(undefined, (error: unknown) => `${what}: ${messageOf(error)}`)
}
