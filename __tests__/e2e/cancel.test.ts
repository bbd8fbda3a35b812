/**
 * A cancelled job (issue 17, item 3), as the runner cancels one: SIGINT, SIGTERM 7.5 s later. Only a
 * real process shows how it ends: its exit code, the ::error:: it leaves, the output and summary
 * files, and how long it takes after the signal.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  // Every write takes 300 ms: the signal finds some in flight, some done, most not started.
  standIn = await CortexStandIn.start({
    intercept: async (r) => (r.method === 'GET' ? undefined : (await delay(300), undefined))
  })
})
afterEach(async () => {
  await standIn.close()
})

const json = (text: string | undefined) => JSON.parse(text ?? 'null') as string[]
const valueOf = (tag: string) => `value-of-${tag}-7e7e`

function push(tags: string[], cancelAfterMs?: number) {
  const secrets = tags.map((tag) => `${tag}: ${valueOf(tag)}`).join('\n')
  return runAction({
    inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, prune: 'true', 'prune-match': 'ci_*' },
    ...(cancelAfterMs === undefined ? {} : { cancelAfterMs }),
    timeoutMs: 120_000
  })
}

/** The tags the ::error:: names as in flight, from `Cancelled: N applied; K in flight may have been applied: a, b.` */
function cancelledLine(stdout: string): { applied: number; inFlight: string[] } {
  const match =
    /^::error::Cancelled: (\d+) applied; (\d+) in flight may have been applied(?:: ([^.]*))?\. The job was cancelled \(SIGINT\)\./m.exec(
      stdout
    )
  expect(match).not.toBeNull()
  const inFlight = match?.[3] ? match[3].split(', ') : []
  expect(inFlight).toHaveLength(Number(match?.[2]))
  return { applied: Number(match?.[1]), inFlight }
}

describe('a cancelled job', () => {
  it('stops writing within 2 s of SIGINT, says what was applied and what may have been, writes outputs and summary, exits 1; a next run repairs', async () => {
    const tags = Array.from({ length: 200 }, (_, i) => `ci_${String(i).padStart(3, '0')}`)
    standIn.seed([{ tag: 'ci_stale', secret: 'stale' }])
    const run = await push(tags, 1500)

    expect(run.exitCode).toBe(1)
    expect(run.cancelledForMs).toBeLessThan(2000)
    const created = json(run.outputs.created)
    const failed = json(run.outputs.failed)
    expect([...created, ...failed].sort()).toEqual(tags)
    expect(json(run.outputs.deleted)).toEqual([])
    const { applied, inFlight } = cancelledLine(run.stdout)
    expect(applied).toBe(created.length)
    expect(created.length).toBeGreaterThan(0)
    expect(failed.length).toBeGreaterThan(inFlight.length)
    // What the outputs call created is stored; whatever else is stored was in flight, and said so.
    const stored = standIn.values()
    for (const tag of created) expect(stored[tag]).toBe(valueOf(tag))
    const unreported = Object.keys(stored).filter((tag) => tag !== 'ci_stale' && !created.includes(tag))
    expect(unreported.filter((tag) => !inFlight.includes(tag))).toEqual([])
    // Nothing is deleted once a write failed: the stale secret is still there.
    expect(stored.ci_stale).toBe('stale')
    expect(run.stdout).toMatch(/^::warning::Prune skipped: /m)
    expect(run.summary).toContain('<h2>Cortex secrets: ')
    for (const tag of inFlight) {
      expect(run.summary).toContain(`the run stopped while this request was in flight; it may have been applied.`)
      expect(run.stdout).toContain(
        `✖ ${tag}: failed: create "${tag}": the run stopped while this request was in flight`
      )
    }
    expectNoLeak(run, [...tags.map(valueOf), STAND_IN_API_KEY])

    const again = await push(tags)
    expect(again.exitCode).toBe(0)
    expect(standIn.values()).toEqual(Object.fromEntries(tags.map((tag) => [tag, valueOf(tag)])))
  })

  it('stops deleting within 2 s of SIGINT: what it reports deleted is gone, the rest is there or was in flight', async () => {
    const stale = Array.from({ length: 200 }, (_, i) => `ci_old_${String(i).padStart(3, '0')}`)
    standIn.seed(stale.map((tag) => ({ tag, secret: `old-${tag}` })))
    const run = await push(['ci_kept'], 1500)

    expect(run.exitCode).toBe(1)
    expect(run.cancelledForMs).toBeLessThan(2000)
    const deleted = json(run.outputs.deleted)
    const failed = json(run.outputs.failed)
    expect(json(run.outputs.created)).toEqual(['ci_kept'])
    expect([...deleted, ...failed].sort()).toEqual(stale)
    const { applied, inFlight } = cancelledLine(run.stdout)
    expect(applied).toBe(1 + deleted.length)
    const stored = standIn.values()
    for (const tag of deleted) expect(stored[tag]).toBeUndefined()
    expect(
      stale.filter((tag) => stored[tag] === undefined && !deleted.includes(tag) && !inFlight.includes(tag))
    ).toEqual([])
    expect(run.stdout).toMatch(/^::error::Cancelled: .*%0ANot deleted \(\d+\): ci_old_/m)
  })
})
