/**
 * The benchmark's baseline (the hand-written GET-then-POST-or-PUT loop) must
 * be correct for the comparison to mean anything: it applies every secret and
 * makes exactly two requests per secret. No timing here: that is the benchmark.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { runBaselineLoop } from '../../harness/baseline-loop.ts'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

describe('the benchmark baseline loop', () => {
  it('creates new and updates existing secrets, two requests each, one at a time', async () => {
    standIn.seed([{ tag: 'old', secret: 'before' }])
    const secrets = { old: 'after', fresh_1: 'one', fresh_2: 'two' }
    const result = await runBaselineLoop(standIn.url, STAND_IN_API_KEY, secrets)
    expect(result).toEqual({ requests: 6, failures: [] })
    expect(standIn.values()).toEqual(secrets)
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/secrets/old',
      'PUT /api/v1/secrets/old',
      'GET /api/v1/secrets/fresh_1',
      'POST /api/v1/secrets',
      'GET /api/v1/secrets/fresh_2',
      'POST /api/v1/secrets'
    ])
  })
})
