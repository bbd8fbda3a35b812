import * as core from '@actions/core'
import type { RequestRetry } from '../cortex/cortex-client.ts'
import type { PushResult } from '../engine/push-secrets.ts'
import type { SelectionCount } from '../inputs/select-secrets.ts'
import type { Reporter, RequestWait, RunStart } from '../engine/reporter.ts'
import { renderJobSummary } from '../report/job-summary.ts'
import {
  budgetWarning,
  doneLine,
  leftOutLines,
  pruneSkippedWarning,
  rateLimitWarning,
  resultLine,
  retriesLine,
  retryLine,
  startLine
} from '../report/log-lines.ts'
import type { TagsByOutcome } from '../report/outcomes.ts'
import { describeRun } from '../report/run-context.ts'
import type { PruneSkipped, SecretResult } from '../sync/results.ts'
import { oneLine } from '../text/one-line.ts'
import { defuseCommands } from '../text/visible-text.ts'

/**
 * The run as the GitHub runner shows it: the step's log through `@actions/core`
 * (lines, warnings, debug lines) and its job summary. The text comes from
 * report/; this class only says where each piece goes.
 */
export class CoreReporter implements Reporter {
  start(run: RunStart): void {
    info(startLine(run))
    leftOutLines(run.selection).forEach(info)
  }

  request(line: string): void {
    core.debug(line)
  }

  retry(retry: RequestRetry): void {
    core.debug(retryLine(retry))
    warn(rateLimitWarning(retry))
  }

  wait({ ms, reason, perMinute }: RequestWait): void {
    warn(budgetWarning(ms, reason, perMinute))
  }

  result(result: SecretResult, { dryRun, retries }: { dryRun: boolean; retries: number }): void {
    info(resultLine(result, dryRun))
    const line = retriesLine(result.tag, retries)
    if (line !== undefined) core.debug(line)
  }

  pruneSkipped(skip: PruneSkipped): void {
    core.warning(pruneSkippedWarning(skip))
  }

  /** The last line of a run where nothing failed. */
  done(tags: TagsByOutcome, dryRun: boolean): void {
    info(doneLine(tags, dryRun))
  }

  /**
   * Writes the job summary, if the runner asked for one. A summary that cannot be
   * written (GITHUB_STEP_SUMMARY is a directory, or not writable) is a warning: the
   * secrets were pushed or not regardless, and the step's own message, which lists
   * any that failed, must still be the one the step fails with.
   */
  async jobSummary(cortexHost: string, result: PushResult, selection?: SelectionCount): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return
    try {
      // Evaluated here, not at start-up: only the summary needs the run's context, and
      // @actions/github (Octokit included) would delay the first request. "eager" keeps it in
      // dist/index.js, not a chunk of its own: ncc writes dist/licenses.txt for one chunk only.
      const { context } = await import(/* webpackMode: "eager" */ '@actions/github')
      const html = renderJobSummary({
        run: describeRun(context),
        cortexHost,
        report: result,
        tally: result.tally,
        ...(selection ? { selection } : {})
      })
      await core.summary.addRaw(html).write()
    } catch (error) {
      core.warning(`Job summary not written: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

/**
 * Every plain log line goes out here. core.info writes its text raw, and the runner
 * reads each line of the action's output as a possible workflow command
 * (`::set-output`, `::stop-commands`): a line break inside a tag, a name or an
 * error from Cortex would start a line of the server's choosing. As one line, the
 * text always follows this action's own prefix. The runner also runs the older
 * `##[command]` form found anywhere in a line, so that is broken too, with the one
 * mechanism server text goes through (defuseCommands). (core.debug, core.warning and
 * core.error escape line breaks themselves.)
 */
function info(line: string): void {
  core.info(defuseCommands(oneLine(line)))
}

function warn(line: string | undefined): void {
  if (line !== undefined) core.warning(line)
}
