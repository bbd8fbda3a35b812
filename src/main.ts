import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici'
import { CortexClient } from './cortex/client.ts'
import type { Clock } from './cortex/retry.ts'
import { count, logLine, masksFor } from './domain/text.ts'
import { isLoopback, readInputs } from './inputs/settings.ts'
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
import { describeRun, renderJobSummary } from './report/summary.ts'
import { syncSecrets } from './sync.ts'
import { ACTION_NAME, ACTION_VERSION } from './version.ts'

/** What a caller may swap in: how requests travel, time and jitter (tests inject them). */
interface RunOptions {
  dispatcher?: Dispatcher
  clock?: Clock
  random?: () => number
}

/** The GitHub Action: inputs from the runner, the sync told to the log as it goes, outputs, job summary. */
export async function run(options: RunOptions = {}): Promise<void> {
  try {
    const { settings, selection } = readInputs({
      getInput: (name) => core.getInput(name, { trimWhitespace: false }),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      maskValue: (value) => masksFor(value).forEach((mask) => core.setSecret(mask))
    })
    const { apiUrl, dryRun, rateLimitPerMinute, secrets } = settings
    const tally = new RetryTally()
    const client = new CortexClient({
      baseUrl: apiUrl,
      apiKey: settings.apiKey,
      userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
      dispatcher: options.dispatcher ?? dispatcherFor(apiUrl),
      timeoutMs: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      requestsPerMinute: rateLimitPerMinute,
      secrets: secrets.map((secret) => secret.value),
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
    const notWritten = await attempt('Outputs not written', async () => {
      for (const [output, list] of Object.entries(tags)) core.setOutput(output, JSON.stringify(list))
    })
    if (process.env.GITHUB_STEP_SUMMARY) {
      // A summary that cannot be written is a warning: the step's own message must stay the one it fails with.
      const problem = await attempt('Job summary not written', async () => {
        // Loaded here, not at start-up: only the summary needs the run's context, and @actions/github
        // (Octokit included) would delay the first request. "eager" keeps it in dist/index.js.
        const { context } = await import(/* webpackMode: "eager" */ '@actions/github')
        const html = renderJobSummary({ run: describeRun(context), cortexHost: apiUrl.host, report, tally, selection })
        await core.summary.addRaw(html).write()
      })
      warn(problem)
    }
    const message = [failure, notWritten].filter((part) => part !== undefined).join('\n')
    if (message !== '') throw new Error(message)
    info(doneLine(tags, dryRun))
  } catch (error) {
    core.setFailed(messageOf(error))
  }
}

/**
 * A loopback host is reached directly, never through a proxy (plain http is allowed there only because it stays on
 * this machine); any other through undici's EnvHttpProxyAgent (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case).
 * undici follows no redirect, so the key never reaches another origin, and one choice holds for the whole run.
 */
export function dispatcherFor(apiUrl: URL): Dispatcher {
  return isLoopback(apiUrl.hostname) ? new Agent() : new EnvHttpProxyAgent()
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
