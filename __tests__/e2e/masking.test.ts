/** What the action hands to the runner's masker, end to end against the stand-in. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

/** A JSON credential as a vault or sops would write it: its brace lines are not secrets. */
const JSON_VALUE = '{\n  "user": "svc-reader",\n  "password": "c0rr3ct-h0rse-b4ttery",\n  "ids": [\n    7\n  ]\n}'

const addMaskLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length))

describe('masks', () => {
  it('registers the long lines of a multi-line value, never a line under 4 characters or only punctuation', async () => {
    // From a secrets-file (a step's output), so that no job secret has registered anything before the action.
    const file = join(mkdtempSync(join(tmpdir(), 'masks-')), 'secrets.yml')
    writeFileSync(file, `db_credentials: ${JSON.stringify(JSON_VALUE)}\n`)
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, 'secrets-file': file }
    })
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual({ db_credentials: JSON_VALUE })

    const masks = addMaskLines(run.stdout)
    for (const tiny of ['{', '}', ']', '7']) expect(masks.map((mask) => mask.trim())).not.toContain(tiny)
    expect(masks.filter((mask) => [...mask.trim()].length < 4 || /^[\p{P}\p{S}\s]*$/u.test(mask))).toEqual([])
    // The runner splits add-mask data into lines: no mask may hold a tiny line either.
    const registered = masks.flatMap((mask) => mask.split('%0A').map((line) => line.trim()))
    expect(registered.filter((line) => [...line].length < 4 || /^[\p{P}\p{S}\s]*$/u.test(line))).toEqual([])
    expect(masks).toContain('"user": "svc-reader",')
    expect(masks).toContain('"password": "c0rr3ct-h0rse-b4ttery",')
    expect(masks).toContain('"ids": [')
    expectWithinContract(standIn)
    expectNoLeak(run, [JSON_VALUE, STAND_IN_API_KEY])
  })
})
