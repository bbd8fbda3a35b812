import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { cortexClientFor } from './cortex/client-for-settings.ts'
import { ownedBy } from './inputs/prune-match.ts'
import { masksFor } from './masking.ts'
import { logDone, logResult, logRetry, logStart, logWait } from './report/action-log.ts'
import { renderJobSummary, type SummaryInput } from './report/job-summary.ts'
import { failureMessage, tagsByOutcome } from './report/outcomes.ts'
import { RetryTally } from './report/retry-tally.ts'
import { describeRun } from './report/run-context.ts'
import { readSettings } from './settings.ts'
import { syncSecrets } from './sync/sync-secrets.ts'

/** Inputs → plan and apply → outputs, summary and log; the one place the step is failed. */
export async function run(): Promise<void> {
  try {
    const settings = readSettings({
      getInput: (name) => core.getInput(name, { trimWhitespace: false }),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      maskValue: (value) => masksFor(value).forEach((mask) => core.setSecret(mask))
    })

    const tally = new RetryTally()
    const client = cortexClientFor(settings, {
      debug: core.debug,
      onRetry: (event) => (tally.recordRetry(event), logRetry(event)),
      onWait: (ms, reason) => (tally.recordWait(ms, reason), logWait(ms, reason, settings.rateLimitPerMinute))
    })

    logStart(settings)
    const report = await syncSecrets(client, settings.secrets, {
      concurrency: settings.concurrency,
      dryRun: settings.dryRun,
      owns: settings.prune && ownedBy(settings.prune),
      onResult: (result) => logResult(result, settings.dryRun, tally.retriesFor(result.tag))
    })

    const tags = tagsByOutcome(report.results)
    for (const [output, list] of Object.entries(tags)) core.setOutput(output, JSON.stringify(list))
    if (report.pruneSkipped) core.warning(`Prune skipped: ${report.pruneSkipped.reason}.`)
    await writeJobSummary({ cortexHost: settings.apiUrl.host, report, tally })

    const failure = failureMessage(report, new Set(settings.secrets.map((s) => s.tag)))
    if (failure) throw new Error(failure)
    logDone(tags, settings.dryRun)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/**
 * Writes the job summary, if the runner asked for one. A summary that cannot be
 * written (GITHUB_STEP_SUMMARY is a directory, or not writable) is a warning: the
 * secrets were pushed or not regardless, and the step's own message, which lists
 * any that failed, must still be the one the step fails with.
 */
async function writeJobSummary(input: Omit<SummaryInput, 'run'>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    // Evaluated here, not at start-up: only the summary needs the run's context, and
    // @actions/github (Octokit included) would delay the first request. "eager" keeps it in
    // dist/index.js, not a chunk of its own: ncc writes dist/licenses.txt for one chunk only.
    const { context } = await import(/* webpackMode: "eager" */ '@actions/github')
    await core.summary.addRaw(renderJobSummary({ run: describeRun(context), ...input })).write()
  } catch (error) {
    core.warning(`Job summary not written: ${error instanceof Error ? error.message : String(error)}`)
  }
}
