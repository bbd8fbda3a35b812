/**
 * Text from a hostile or careless Cortex, end to end against the action bundled from src/: an
 * error message that quotes the value, raw and JSON-escaped, shows it in no form anywhere the
 * runner shows (log, ::error::, outputs, summary); and server text carrying workflow commands
 * runs none, as the runner reads the step's output. How each form is redacted, withheld, cut and
 * kept on one line is __tests__/unit/text.test.ts's, __tests__/engine/client.test.ts's and
 * __tests__/action/main.test.ts's.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY, type InterceptReply } from '../../harness/cortex-stand-in.ts'
import { runAction, type ActionRun } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

function push(values: Record<string, string>, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const secrets = Object.entries(values)
    .map(([tag, value]) => `${tag}: ${JSON.stringify(value)}`)
    .join('\n')
  return runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, ...inputs }, debug: true })
}

/** Answers the create of `tag` with `reply`; everything else goes through. */
function refuseCreateOf(tag: string, reply: (rawBody: string) => InterceptReply): void {
  standIn.options.intercept = (r) =>
    r.method === 'POST' && (JSON.parse(r.rawBody) as { tag: string }).tag === tag ? reply(r.rawBody) : undefined
}

const badRequest = (message: string, requestId = 'req-400'): InterceptReply => ({
  status: 400,
  body: { type: 'BAD_REQUEST', message, httpStatus: 400, requestId }
})

/** The action's own workflow commands; any other line starting with `::` came from somewhere else. */
const OWN_COMMAND = /^::(add-mask|debug|warning|error)::/

/** Lines of stdout the runner would try as a command (`::` after leading white space, or `##[` anywhere). */
function commandLines(run: ActionRun): string[] {
  return run.stdout.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['))
}

describe('server text that quotes the request (items 4 and 5)', () => {
  it('a value echoed raw or JSON-escaped is in no form in the log, ::error::, outputs or summary', async () => {
    const values = { quoted: `pa'ss&word-5e1f`, escaped: 'q"uo\\te\nnext-7a7a', fine: 'fine-value-3c3c' }
    standIn.options.intercept = (r) => {
      if (r.method !== 'POST') return undefined
      const { tag, secret } = JSON.parse(r.rawBody) as Record<string, string>
      // One server names the value as it is, the other quotes the body it was sent.
      if (tag === 'quoted') return badRequest(`Value ${secret} is not allowed`)
      if (tag === 'escaped') return badRequest(`Cannot deserialize ${r.rawBody}`)
      return undefined
    }
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["escaped","quoted"]')
    expect(standIn.values()).toEqual({ fine: values.fine })
    expect(run.stdout).toContain('- quoted: create "quoted": HTTP 400 BAD_REQUEST: Value [redacted] is not allowed')
    expect(run.stdout).toContain('- escaped: create "escaped": HTTP 400 BAD_REQUEST: Cannot deserialize')
    expect(run.summary).not.toContain('&#39;ss&amp;')
    expectNoLeak(run, Object.values(values))
    expectWithinContract(standIn)
  })
})

describe('workflow commands in server text (item 7)', () => {
  it('a requestId and message carrying stop-commands do not stop the action commands that follow', async () => {
    refuseCreateOf('refused', () =>
      badRequest('refused\n::warning::forged warning', 'req-1\n::stop-commands::zzz\r##[error]forged error')
    )
    const values = { refused: 'refused-value-8d8d', landed: 'landed-value-8d8d' }
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["refused"]')
    expect(standIn.values()).toEqual({ landed: values.landed })
    expect(commandLines(run).filter((line) => !OWN_COMMAND.test(line))).toEqual([])
    const failed =
      'HTTP 400 BAD_REQUEST: refused⏎::warning::forged warning (requestId req-1⏎::stop-commands::zzz⏎##［error]forged error, 1 attempt)'
    expect(run.stdout).toContain(`✖ refused: failed: create "refused": ${failed}`)
    // The action's own ::error:: (written last) was still taken as a command: commands were never stopped.
    const errors = run.log.filter((line) => line.startsWith('##[error]'))
    expect(errors).toEqual(['##[error]1 of 2 secrets failed:'])
    expect(run.log).toContain(`- refused: create "refused": ${failed}`)
    // Step debug echoes the action's own add-mask commands (masked); nothing else shows as a command.
    const shownCommands = run.log.filter((line) => line.startsWith('::') && line !== '::add-mask::***')
    expect([...shownCommands, ...run.log.filter((line) => line.startsWith('##[warning]'))]).toEqual([])
    expectNoLeak(run, Object.values(values))
    expectWithinContract(standIn)
  })
})
