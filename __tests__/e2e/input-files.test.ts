/**
 * What only the action's own process shows: a secrets-file that is no file (a FIFO, which would
 * hang the step, or a link to the process's own environment, which holds the API key), and `env:`
 * references to the runner's variables. Each fails the step before any request, naming the cause.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction, type ActionRun } from '../../harness/run-action.ts'
import { expectNoLeak } from '../support/expectations.ts'

let standIn: CortexStandIn
const dir = mkdtempSync(join(tmpdir(), 'input-files-'))
beforeAll(async () => {
  standIn = await CortexStandIn.start()
})
afterAll(async () => {
  await standIn.close()
  rmSync(dir, { recursive: true, force: true })
})

const RUNTIME_TOKEN = 'actions-runtime-token-5e6f7a8b9c'

/** Runs the action with `secrets-file`: it must exit 1 having sent nothing, and show no key or token. */
async function refusedFile(file: string, env: Record<string, string> = {}): Promise<ActionRun> {
  standIn.requests.length = 0
  // A hang is a failure of its own: the run is killed after 15 s.
  const run = await runAction({
    inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, 'secrets-file': file },
    env,
    timeoutMs: 15_000
  })
  expect(run.exitCode).toBe(1)
  expect(standIn.requests).toHaveLength(0)
  expect(standIn.secrets.size).toBe(0)
  expectNoLeak(run, [STAND_IN_API_KEY, RUNTIME_TOKEN])
  return run
}

describe('a secrets-file that is not a regular file', () => {
  it('a FIFO with no writer: refused at once, not waited on', async () => {
    const fifo = join(dir, 'cortex.env')
    execFileSync('mkfifo', [fifo])
    const run = await refusedFile(fifo)
    expect(run.stdout).toMatch(
      /^::error::Input "secrets-file": "[^"]+\/cortex\.env" is a FIFO \(named pipe\), not a regular file; only a regular file is read \(a link to one is followed\)\./m
    )
    expect(run.wallMs).toBeLessThan(10_000)
  })

  it("a link to /proc/self/environ, the action's own environment with the API key in it: refused for its NUL bytes", async () => {
    const link = join(dir, 'environ.env')
    symlinkSync('/proc/self/environ', link)
    const run = await refusedFile(link, { ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN })
    expect(run.stdout).toMatch(
      /^::error::Input "secrets-file": "[^"]+\/environ\.env" holds a NUL byte \(line 1\), which no YAML, JSON or dotenv file holds/m
    )
    expect(run.stdout).not.toMatch(/PATH|INPUT_|created/)
  })
})

describe('env: naming a runner variable', () => {
  it('refuses INPUT_API-KEY and ACTIONS_RUNTIME_TOKEN in a secrets-file, naming the tag and the variable', async () => {
    const file = join(dir, 'secrets.yaml')
    writeFileSync(file, 'harmless_looking: {env: INPUT_API-KEY}\nalso_harmless: {env: ACTIONS_RUNTIME_TOKEN}\n')
    const run = await refusedFile(file, { ACTIONS_RUNTIME_TOKEN: RUNTIME_TOKEN })
    expect(run.stdout).toMatch(
      /^::error::Tag "harmless_looking" \(secrets-file line 1\): "env" names the runner's variable "INPUT_API-KEY" \(INPUT_\*, ACTIONS_\*, RUNNER_\*, GITHUB_TOKEN: [^)]+\); it is never pushed\./m
    )
  })
})
