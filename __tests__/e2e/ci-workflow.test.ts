/**
 * The CI workflow's job that runs the action with `uses: ./` against the
 * stand-in, replayed here: same seeds, same inputs and env, same expected
 * outputs, so that the workflow's checks are known to hold before it runs.
 * `uses: ./` runs the repository's action.yml and committed dist/, and so does
 * the replay (not the build of src/ the other e2e tests run).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { ROOT, runAction } from '../../harness/run-action.ts'
import { expectNoLeak } from '../support/expectations.ts'

interface Step {
  uses?: string
  run?: string
  with?: Record<string, string | boolean>
  env?: Record<string, string>
}

const workflow = parseYaml(readFileSync(join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8')) as {
  jobs: { action: { steps: Step[] } }
}
const steps = workflow.jobs.action.steps

describe('the CI job that runs the action from the working tree', () => {
  it('gets exactly the outputs its check step expects', async () => {
    const start = steps.find((s) => s.run?.includes('npm run stand-in'))
    const seeds = [...(start?.run ?? '').matchAll(/--seed (\S+)=(\S+)/g)].map((m) => ({
      tag: m[1] ?? '',
      secret: m[2] ?? ''
    }))
    const step = steps.find((s) => s.uses === './')
    const check = steps.find((s) => s.run?.includes('test "$CREATED"'))
    expect(seeds.length).toBeGreaterThan(0)
    expect(step?.with?.['api-url']).toBe('http://127.0.0.1:8787')

    const standIn = await CortexStandIn.start()
    standIn.seed(seeds)
    const inputs = Object.fromEntries(Object.entries(step?.with ?? {}).map(([k, v]) => [k, String(v)]))
    const run = await runAction({
      inputs: { ...inputs, 'api-url': standIn.url },
      env: step?.env,
      actionDir: ROOT
    }).finally(() => standIn.close())

    expect(run.exitCode).toBe(0)
    const expected = Object.fromEntries(
      [...(check?.run ?? '').matchAll(/test "\$(\w+)" = '([^']*)'/g)].map((m) => [(m[1] ?? '').toLowerCase(), m[2]])
    )
    expect(Object.keys(expected).sort()).toEqual(['created', 'deleted', 'failed', 'updated'])
    expect(run.outputs).toEqual(expected)
    expectNoLeak(run, Object.values(step?.env ?? {}))
  })
})
