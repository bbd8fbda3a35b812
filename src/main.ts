import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { CoreReporter } from './action/core-reporter.ts'
import { pushSecrets } from './engine/push-secrets.ts'
import { masksFor } from './masking.ts'
import { tagsByOutcome } from './report/outcomes.ts'
import { readSettings } from './settings.ts'

/**
 * The GitHub Action's front door: inputs from the runner, the engine's run, then
 * outputs, job summary and log. The one place the step is failed.
 */
export async function run(): Promise<void> {
  const reporter = new CoreReporter()
  try {
    const settings = readSettings({
      getInput: (name) => core.getInput(name, { trimWhitespace: false }),
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      maskValue: (value) => masksFor(value).forEach((mask) => core.setSecret(mask))
    })

    const result = await pushSecrets(settings, reporter)

    const tags = tagsByOutcome(result.results)
    for (const [output, list] of Object.entries(tags)) core.setOutput(output, JSON.stringify(list))
    await reporter.jobSummary(settings.apiUrl.host, result)

    if (result.failure !== undefined) throw new Error(result.failure)
    reporter.done(tags, settings.dryRun)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
