/**
 * Bad input fails the step before the first request, naming the problem and never quoting a
 * value: one case end to end (the exit code, the ::error:: line the runner shows, empty outputs and a one-line summary,
 * nothing of the value in the log). Every rule of the inputs, with its message, is
 * __tests__/unit/'s (settings, secrets, select, patterns).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeAll(async () => {
  standIn = await CortexStandIn.start()
})
afterAll(async () => {
  await standIn.close()
})

const SECRET = 'hunter2-s3cr3t-value'

describe('bad input', () => {
  it('a YAML syntax error: exit 1, zero requests, a message naming the line and column, no value quoted', async () => {
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: `ok: ${SECRET}\nbad: "${SECRET}\n` }
    })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(0)
    expect(standIn.secrets.size).toBe(0)
    expect(run.stdout).toMatch(
      /^::error::Input "secrets" is not valid YAML or JSON: [a-z][^:]+ at line \d+, column \d+/m
    )
    // The outputs are still written, empty, and the summary says why in one line (issue 17, item 6).
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '[]' })
    expect(run.summary).toMatch(
      /^<h2>Cortex secrets: failed before any request<\/h2>\n<p>Input &quot;secrets&quot; is not valid YAML or JSON: [^<]+<\/p>\n$/
    )
    expectNoLeak(run, [SECRET])
  })
})
