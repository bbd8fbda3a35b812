import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { connect } from './cortex/connect.ts'
import { masksFor } from './masking.ts'
import { renderJobSummary } from './report/job-summary.ts'
import { failureMessage, tagsByOutcome } from './report/outcomes.ts'
import { RetryTally } from './report/retry-tally.ts'
import { describeRun } from './report/run-context.ts'
import { ownedBy } from './inputs/prune-match.ts'
import { readSettings } from './settings.ts'
import type { SecretResult } from './sync/apply.ts'
import { syncSecrets } from './sync/sync-secrets.ts'

export async function run(): Promise<void> {
  try {
    const settings = readSettings({
      getInput: (name) => core.getInput(name, { trimWhitespace: false }),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      maskValue: (value) => masksFor(value).forEach((mask) => core.setSecret(mask))
    })

    const tally = new RetryTally()
    const client = connect(settings, {
      debug: core.debug,
      onRetry: (event) => {
        tally.recordRetry(event)
        const subject = event.tag === undefined ? event.operation : `${event.operation} "${event.tag}"`
        core.debug(`retry ${event.attempt} of ${subject} in ${event.delayMs} ms after ${event.reason}`)
        if (event.pause === 'new') {
          core.warning(
            `Cortex rate limit reached (HTTP 429): all requests wait ${(event.delayMs / 1000).toFixed(1)} s.`
          )
        }
      },
      onWait: (ms, reason) => tally.recordWait(ms, reason)
    })

    const { dryRun } = settings
    const mode = dryRun ? 'Dry run: planning' : 'Pushing'
    core.info(
      `${mode} ${settings.secrets.length} secrets to ${settings.apiUrl.host}${settings.prune ? ', pruning owned tags' : ''}`
    )
    const report = await syncSecrets(client, settings.secrets, {
      concurrency: settings.concurrency,
      dryRun,
      owns: settings.prune && ownedBy(settings.prune),
      onResult: (result) => logResult(result, dryRun, tally.retriesFor(result.tag))
    })

    const tags = tagsByOutcome(report.results)
    for (const [output, list] of Object.entries(tags)) core.setOutput(output, JSON.stringify(list))
    if (report.pruneSkipped) core.warning(`Prune skipped: ${report.pruneSkipped.reason}.`)
    if (process.env.GITHUB_STEP_SUMMARY) {
      // Loaded here, not at start-up: only the summary needs the run's context, and
      // @actions/github (Octokit included) would delay the first request.
      const { context } = await import('@actions/github')
      const html = renderJobSummary({ run: describeRun(context), cortexHost: settings.apiUrl.host, report, tally })
      await core.summary.addRaw(html).write()
    }

    const failure = failureMessage(report)
    if (failure) throw new Error(failure)
    const verb = dryRun ? 'would be ' : ''
    core.info(
      `Done: ${tags.created.length} ${verb}created, ${tags.updated.length} ${verb}updated, ${tags.deleted.length} ${verb}deleted.`
    )
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

const WOULD = { created: 'would create', updated: 'would update', deleted: 'would delete' } as const

function logResult(result: SecretResult, dryRun: boolean, retries: number): void {
  if (result.outcome === 'failed') core.info(`✖ ${result.tag}: failed: ${result.error?.message}`)
  else if (dryRun) core.info(`• ${result.tag}: ${WOULD[result.outcome]} (${result.name})`)
  else core.info(`✔ ${result.tag}: ${result.outcome} (${result.name})`)
  if (retries > 0) core.debug(`${result.tag}: ${retries} ${retries === 1 ? 'retry' : 'retries'}`)
}
