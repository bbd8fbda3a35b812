/**
 * `npm run bench [-- --runs 3 --quick]`: the bundled action against the
 * hand-written loop and against the floor a rate limit allows, on the local
 * Cortex stand-in with a per-request latency. Prints a Markdown report; the
 * numbers in BENCHMARKS.md come from it. Timing, not a test: not in npm test.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runBaselineLoop } from '../harness/baseline-loop.ts'
import { CortexStandIn, STAND_IN_API_KEY, type StandInOptions } from '../harness/cortex-stand-in.ts'
import { actionNodePath } from '../harness/node24.ts'
import { ROOT, runAction, type ActionRun } from '../harness/run-action.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    latency: { type: 'string', default: '50' }
  }
})
const RUNS = Number(args.runs)
const QUICK = args.quick ?? false
const LATENCY_MS = Number(args.latency)
const scale = (n: number) => (QUICK ? Math.max(5, Math.round(n / 10)) : n)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const values = (n: number, prefix: string) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}_${i}`, `bench-${prefix}-value-${i}`]))

interface Measured {
  wallMs: number
  requests: number
  applied: boolean
}

/** Runs the bundled action once against a fresh stand-in. */
async function measureAction(
  options: StandInOptions,
  seed: Record<string, string>,
  secrets: Record<string, string>,
  inputs: Record<string, string> = {}
): Promise<Measured & { run: ActionRun; standIn: CortexStandIn }> {
  const standIn = await CortexStandIn.start(options)
  standIn.seed(Object.entries(seed).map(([tag, secret]) => ({ tag, secret })))
  const text = Object.entries(secrets)
    .map(([tag, value]) => `${tag}: ${value}`)
    .join('\n')
  const run = await runAction({
    inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: text, ...inputs },
    timeoutMs: 600_000
  })
  await standIn.close()
  const stored = standIn.values()
  const applied = run.exitCode === 0 && Object.entries(secrets).every(([tag, value]) => stored[tag] === value)
  return { wallMs: run.wallMs, requests: standIn.requests.length, applied, run, standIn }
}

/** Runs the sequential loop once against a fresh stand-in. */
async function measureBaseline(
  options: StandInOptions,
  seed: Record<string, string>,
  secrets: Record<string, string>
): Promise<Measured> {
  const standIn = await CortexStandIn.start(options)
  standIn.seed(Object.entries(seed).map(([tag, secret]) => ({ tag, secret })))
  const started = performance.now()
  const result = await runBaselineLoop(standIn.url, STAND_IN_API_KEY, secrets)
  const wallMs = performance.now() - started
  await standIn.close()
  const stored = standIn.values()
  return {
    wallMs,
    requests: standIn.requests.length,
    applied: result.failures.length === 0 && Object.entries(secrets).every(([t, v]) => stored[t] === v)
  }
}

async function repeat<T extends Measured>(
  measure: () => Promise<T>
): Promise<{ wallMs: number; requests: number; applied: boolean; all: number[] }> {
  const runs: T[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await measure())
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    requests: median(runs.map((r) => r.requests)),
    applied: runs.every((r) => r.applied),
    all: runs.map((r) => r.wallMs)
  }
}

const lines: string[] = []
const out = (line = '') => {
  lines.push(line)
  process.stdout.write(`${line}\n`)
}

out(
  `Stand-in latency ${LATENCY_MS} ms per request; median of ${RUNS} run(s)${QUICK ? '; quick (smaller N)' : ''}. Node ${process.versions.node}, ${(await import('node:os')).cpus().length} cores.`
)
out()
out(
  '| case | N | M | action: requests | action: wall | baseline: requests | baseline: wall | baseline / action | all applied |'
)
out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')

// Case 1: new secrets, empty workspace.
{
  const n = scale(200)
  const secrets = values(n, 'new')
  const action = await repeat(() => measureAction({ latencyMs: LATENCY_MS }, {}, secrets))
  const baseline = await repeat(() => measureBaseline({ latencyMs: LATENCY_MS }, {}, secrets))
  out(
    `| 1. new secrets | ${n} | 0 | ${action.requests} | ${seconds(action.wallMs)} | ${baseline.requests} | ${seconds(baseline.wallMs)} | **${(baseline.wallMs / action.wallMs).toFixed(1)}×** | ${action.applied && baseline.applied ? 'yes' : 'NO'} |`
  )
}

// Case 2: updates in a large workspace.
{
  const n = scale(50)
  const m = QUICK ? 1500 : 5000
  const seed = values(m, 'existing')
  const secrets = Object.fromEntries(
    Object.keys(seed)
      .slice(0, n)
      .map((tag) => [tag, `updated-${tag}`])
  )
  const action = await repeat(() => measureAction({ latencyMs: LATENCY_MS }, seed, secrets))
  const baseline = await repeat(() => measureBaseline({ latencyMs: LATENCY_MS }, seed, secrets))
  out(
    `| 2. updates | ${n} | ${m} | ${action.requests} | ${seconds(action.wallMs)} | ${baseline.requests} | ${seconds(baseline.wallMs)} | **${(baseline.wallMs / action.wallMs).toFixed(1)}×** | ${action.applied && baseline.applied ? 'yes' : 'NO'} |`
  )
  out()
  out(
    `Request bound N + max(1, ⌈M/1000⌉): case 1 ≤ ${scale(200) + 1}, case 2 ≤ ${n + Math.max(1, Math.ceil(m / 1000))}.`
  )
}

// Case 3: a token bucket, Cortex's 1000/minute scaled down to seconds.
{
  const n = scale(300)
  const bucket = { burst: 50, perSecond: 50 }
  const secrets = values(n, 'limited')
  const measured = await repeat(() =>
    measureAction({ latencyMs: LATENCY_MS, rateLimit: bucket }, {}, secrets, {
      'rate-limit': String(bucket.perSecond * 60)
    })
  )
  const accepted = n + 1
  const floorMs = (Math.max(0, accepted - bucket.burst) / bucket.perSecond) * 1000
  out()
  out(
    `Case 3, rate limit: N=${n} new secrets through a token bucket of ${bucket.burst} requests, refilled at ${bucket.perSecond}/s (Retry-After in whole seconds), action input rate-limit=${bucket.perSecond * 60}.`
  )
  out()
  out(
    '| requests made (incl. 429s) | 2xx requests | floor the bucket allows | action wall (median) | action / floor | all applied |'
  )
  out('| --- | --- | --- | --- | --- | --- |')
  out(
    `| ${measured.requests} | ${accepted} | ${seconds(floorMs)} | ${seconds(measured.wallMs)} | **${(measured.wallMs / floorMs).toFixed(2)}×** | ${measured.applied ? 'yes' : 'NO'} |`
  )
}

// Case 4: cold start, and the bundle's size. The action is spawned directly (not
// through runAction, whose own set-up would be counted) with the runner's variables.
{
  const node = actionNodePath()
  const event = join(mkdtempSync(join(tmpdir(), 'bench-event-')), 'event.json')
  writeFileSync(event, '{}')
  const spawnToExit = (args: string[], env: Record<string, string> = {}) =>
    new Promise<void>((done) =>
      spawn(node, args, { env: { PATH: process.env.PATH ?? '', ...env } }).on('close', () => done())
    )
  const bare: number[] = []
  const toFirstRequest: number[] = []
  for (let i = 0; i < Math.max(2 * RUNS + 1, 7); i++) {
    let started = performance.now()
    await spawnToExit(['-e', '0'])
    bare.push(performance.now() - started)

    let first = 0
    const standIn = await CortexStandIn.start({ intercept: () => ((first ||= performance.now()), undefined) })
    started = performance.now()
    await spawnToExit([join(ROOT, 'dist', 'index.js')], {
      GITHUB_EVENT_PATH: event,
      'INPUT_API-KEY': STAND_IN_API_KEY,
      'INPUT_API-URL': standIn.url,
      INPUT_SECRETS: 'cold: start'
    })
    await standIn.close()
    toFirstRequest.push(first - started)
  }
  const size = readdirSync(join(ROOT, 'dist'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => statSync(join(ROOT, 'dist', f)).size)
  out()
  out('| cold start | median |')
  out('| --- | --- |')
  out(`| \`node -e 0\` (spawn to exit) | ${Math.round(median(bare))} ms |`)
  out(`| \`node dist/index.js\`: spawn to its first request | ${Math.round(median(toFirstRequest))} ms |`)
  out(`| start-up cost of the bundle over a bare node | **${Math.round(median(toFirstRequest) - median(bare))} ms** |`)
  out(`| dist/*.js size | ${(size.reduce((a, b) => a + b, 0) / 1024 / 1024).toFixed(2)} MiB (${size.length} files) |`)
}

// Concurrency sweep on case 1: what the default should be.
{
  const n = scale(200)
  const secrets = values(n, 'sweep')
  out()
  out(`Concurrency sweep: case 1 (N=${n} new, ${LATENCY_MS} ms latency), median wall time.`)
  out()
  out('| concurrency | wall | speed-up over concurrency 1 |')
  out('| --- | --- | --- |')
  let one = 0
  for (const c of [1, 2, 4, 8, 16, 32]) {
    const m = await repeat(() => measureAction({ latencyMs: LATENCY_MS }, {}, secrets, { concurrency: String(c) }))
    one ||= m.wallMs
    out(`| ${c} | ${seconds(m.wallMs)} | ${(one / m.wallMs).toFixed(1)}× |`)
  }
}
