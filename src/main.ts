import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { context } from '@actions/github'
import { Agent } from 'undici'
import { CortexClient } from './cortex/cortex-client.ts'
import { renderJobSummary } from './report/job-summary.ts'
import { failureMessage, tagsByOutcome } from './report/outcomes.ts'
import { describeRun } from './report/run-context.ts'
import { masksFor } from './masking.ts'
import { readSettings } from './settings.ts'
import type { SecretResult } from './sync/apply.ts'
import { pushSecrets } from './sync/push-secrets.ts'
import { ACTION_NAME, ACTION_VERSION } from './version.ts'

/** Secrets pushed at once; the tuned default comes with the `concurrency` input. */
const CONCURRENCY = 4

export async function run(): Promise<void> {
  try {
    const settings = readSettings({
      getInput: (name) => core.getInput(name, { trimWhitespace: false }),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      maskValue: (value) => masksFor(value).forEach((mask) => core.setSecret(mask))
    })

    const client = new CortexClient({
      baseUrl: settings.apiUrl,
      apiKey: settings.apiKey,
      userAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
      dispatcher: new Agent(),
      debug: core.debug
    })
    core.info(`Pushing ${settings.secrets.length} secrets to ${settings.apiUrl.host}`)
    const results = await pushSecrets(client, settings.secrets, { concurrency: CONCURRENCY, onResult: logResult })

    const tags = tagsByOutcome(results)
    core.setOutput('created', JSON.stringify(tags.created))
    core.setOutput('updated', JSON.stringify(tags.updated))
    core.setOutput('failed', JSON.stringify(tags.failed))
    if (process.env.GITHUB_STEP_SUMMARY) {
      const html = renderJobSummary({ run: describeRun(context), cortexHost: settings.apiUrl.host, results })
      await core.summary.addRaw(html).write()
    }

    const failure = failureMessage(results)
    if (failure) throw new Error(failure)
    core.info(`Done: ${tags.created.length} created, ${tags.updated.length} updated.`)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

function logResult(result: SecretResult): void {
  if (result.outcome === 'failed') core.info(`✖ ${result.tag}: failed: ${result.error?.message}`)
  else core.info(`✔ ${result.tag}: ${result.outcome} (${result.name})`)
}
