import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { context } from '@actions/github'
import { connect } from './cortex/connect.ts'
import { masksFor } from './masking.ts'
import { renderJobSummary } from './report/job-summary.ts'
import { failureMessage, tagsByOutcome } from './report/outcomes.ts'
import { RetryTally } from './report/retry-tally.ts'
import { describeRun } from './report/run-context.ts'
import { readSettings } from './settings.ts'
import type { SecretResult } from './sync/apply.ts'
import { pushSecrets } from './sync/push-secrets.ts'

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
          core.warning(`Cortex rate limit reached (HTTP 429): all requests wait ${(event.delayMs / 1000).toFixed(1)} s.`)
        }
      },
      onWait: (ms, reason) => tally.recordWait(ms, reason)
    })

    core.info(`Pushing ${settings.secrets.length} secrets to ${settings.apiUrl.host}`)
    const results = await pushSecrets(client, settings.secrets, {
      concurrency: settings.concurrency,
      onResult: (result) => logResult(result, tally.retriesFor(result.tag))
    })

    const tags = tagsByOutcome(results)
    core.setOutput('created', JSON.stringify(tags.created))
    core.setOutput('updated', JSON.stringify(tags.updated))
    core.setOutput('failed', JSON.stringify(tags.failed))
    if (process.env.GITHUB_STEP_SUMMARY) {
      const html = renderJobSummary({ run: describeRun(context), cortexHost: settings.apiUrl.host, results, tally })
      await core.summary.addRaw(html).write()
    }

    const failure = failureMessage(results)
    if (failure) throw new Error(failure)
    core.info(`Done: ${tags.created.length} created, ${tags.updated.length} updated.`)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

function logResult(result: SecretResult, retries: number): void {
  if (result.outcome === 'failed') core.info(`✖ ${result.tag}: failed: ${result.error?.message}`)
  else core.info(`✔ ${result.tag}: ${result.outcome} (${result.name})`)
  if (retries > 0) core.debug(`${result.tag}: ${retries} ${retries === 1 ? 'retry' : 'retries'}`)
}
