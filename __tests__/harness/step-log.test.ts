/**
 * The step log as the runner writes it from an action's output: workflow
 * commands applied, registered values masked, debug lines only with step debug.
 */
import { describe, expect, it } from '@jest/globals'
import { publishStepSummary, STEP_SUMMARY_LIMIT_BYTES } from '../../harness/job-summary.ts'
import { StepLog, webConsoleLines } from '../../harness/step-log.ts'
import { parseWorkflowCommand } from '../../harness/workflow-commands.ts'

/** The log lines the runner writes for these output lines. */
function logOf(output: string[], stepDebug = false): string[] {
  const log = new StepLog({ stepDebug })
  for (const line of output) log.actionOutput(line)
  return log.lines
}

describe('parseWorkflowCommand', () => {
  const registered = new Set(['add-mask', 'warning'])

  it('reads ::name props::data and the older ##[name props]data, unescaping as the runner does', () => {
    expect(parseWorkflowCommand('  ::add-mask::a%25%0D%0Ab', registered)).toEqual({
      name: 'add-mask',
      properties: {},
      data: 'a%\r\nb'
    })
    expect(parseWorkflowCommand('::warning file=a%3Ab%2Cc.ts,line=3,bad::w', registered)).toEqual({
      name: 'warning',
      properties: { file: 'a:b,c.ts', line: '3' },
      data: 'w'
    })
    expect(parseWorkflowCommand('x ##[warning title=a%5Db]w%3B', registered)).toEqual({
      name: 'warning',
      properties: { title: 'a]b' },
      data: 'w;'
    })
    // %250A is an escaped "%" followed by "0A", not a line feed.
    expect(parseWorkflowCommand('::add-mask::%250A', registered)?.data).toBe('%0A')
    expect(parseWorkflowCommand('::set-output name=x::y', registered)).toBeUndefined()
    expect(parseWorkflowCommand('text :: add-mask::x', registered)).toBeUndefined()
  })
})

describe('StepLog', () => {
  it('hides ::add-mask:: lines and masks the value, its lines and its encodings from then on', () => {
    const value = 'line-one-5e1\nline-two-77c'
    const lines = logOf([
      `before ${value.split('\n')[0]}`,
      '::add-mask::line-one-5e1%0Aline-two-77c',
      `after ${value.split('\n')[0]} and ${value.split('\n')[1]}`,
      `json ${JSON.stringify(value)}`,
      `base64 ${Buffer.from(value).toString('base64')}`
    ])
    expect(lines).toEqual(['before line-one-5e1', 'after *** and ***', 'json "***"', 'base64 ***'])
  })

  it('warns instead of masking a blank value', () => {
    expect(logOf(['::add-mask::  '])).toEqual([
      "##[warning]Can't add secret mask for empty string in ##[add-mask] command."
    ])
  })

  it('writes ::debug:: only with step debug, then as ##[debug] (each line), and echoes add-mask as ***', () => {
    const output = ['::debug::GET /x 200 5 ms%0Asecond line', '::add-mask::v4lue', 'v4lue']
    expect(logOf(output)).toEqual(['***'])
    expect(logOf(output, true)).toEqual(['##[debug]GET /x 200 5 ms', '##[debug]second line', '::add-mask::***', '***'])
  })

  it('writes ::warning::, ::error:: and ::notice:: as issues, masked, and shows them as GitHub does', () => {
    const lines = logOf(['::add-mask::k3y', '::warning file=a.ts,line=1::slow k3y', '::error::failed', '::notice::n'])
    expect(lines).toEqual(['##[warning]slow ***', '##[error]failed', '##[notice]n'])
    expect(webConsoleLines(['##[group]Run ./', 'with:', '##[endgroup]', ...lines])).toEqual([
      '▾ Run ./',
      'with:',
      'Warning: slow ***',
      'Error: failed',
      'Notice: n'
    ])
  })

  it('masks an issue before cutting it to 4096 characters, so no part of a value survives the cut', () => {
    const lines = logOf(['::add-mask::secret-value-4a1b', `::error::${'x'.repeat(4090)}secret-value-4a1b`])
    expect(lines).toEqual([`##[error]${'x'.repeat(4090)}***`])
  })

  it('passes commands through as text between ::stop-commands::TOKEN and ::TOKEN::', () => {
    const lines = logOf([
      '::stop-commands::pause-token-1f3c',
      '::warning::not a warning',
      '::add-mask::not-masked',
      '::pause-token-1f3c::',
      '::warning::a warning',
      'not-masked'
    ])
    expect(lines).toEqual([
      '::stop-commands::***',
      '::warning::not a warning',
      '::add-mask::not-masked',
      '::***::',
      '##[warning]a warning',
      'not-masked'
    ])
  })

  it('does not mask a stop token of 6 characters or fewer, and refuses a command name as token', () => {
    expect(logOf(['::stop-commands::short', '::short::'])).toEqual(['::stop-commands::short', '::short::'])
    const log = new StepLog({ stepDebug: false })
    log.actionOutput('::stop-commands::warning')
    expect(log.failed).toBe(true)
    expect(log.lines[0]).toMatch(/^##\[error\]You cannot use a endToken that is an empty string/)
  })
})

describe('publishStepSummary', () => {
  it('masks each line of the summary, and refuses one over 1 MiB with an error in the log', () => {
    const log = new StepLog({ stepDebug: false })
    log.actionOutput('::add-mask::tok3n')
    expect(publishStepSummary('<td>tok3n</td>\r\n<p>ok</p>', log)).toBe('<td>***</td>\n<p>ok</p>\n')
    expect(publishStepSummary('x'.repeat(STEP_SUMMARY_LIMIT_BYTES + 1), log)).toBe('')
    expect(log.lines).toEqual([
      expect.stringMatching(/^##\[error\]\$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k/)
    ])
  })
})
