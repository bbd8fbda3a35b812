import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { CoreReporter } from './action/core-reporter.ts'
import { pushSecrets } from './engine/push-secrets.ts'
import { masksFor } from './masking.ts'
import { tagsByOutcome, type TagsByOutcome } from './report/outcomes.ts'
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
    const outputsProblem = setOutputs(tags)
    await reporter.jobSummary(settings.apiUrl.host, result, settings.selection)

    // The list of failed secrets stays the message; outputs that could not be written are added to it.
    const failure = [result.failure, outputsProblem].filter((part) => part !== undefined).join('\n')
    if (failure !== '') throw new Error(failure)
    reporter.done(tags, settings.dryRun)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** Sets the four outputs; returns what went wrong instead of throwing, so the run's own message survives. */
function setOutputs(tags: TagsByOutcome): string | undefined {
  try {
    for (const [output, list] of Object.entries(tags)) core.setOutput(output, JSON.stringify(list))
    return undefined
  } catch (error) {
    return `Outputs not written: ${error instanceof Error ? error.message : String(error)}`
  }
}
