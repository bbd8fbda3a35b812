/**
 * `npm run bench [-- --runs 3 --quick --process-only]`: the bundled action against the
 * hand-written loop and against the floor a rate limit allows, on the local
 * Cortex stand-in with a per-request latency. Prints a Markdown report; the
 * numbers in BENCHMARKS.md come from it. Timing, not a test: not in npm test.
 * Cases 5 to 7 measure the action's own process (CPU time, peak memory) with
 * large values and many entries; `--process-only` runs only them.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runBaselineLoop } from '../harness/baseline-loop.ts'
import { CortexStandIn, STAND_IN_API_KEY, type StandInOptions } from '../harness/cortex-stand-in.ts'
import { actionNodePath } from '../harness/node24.ts'
import { ROOT, runAction, type ActionRun } from '../harness/run-action.ts'
import { parseWorkflowCommand } from '../harness/workflow-commands.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    latency: { type: 'string', default: '50' },
    'process-only': { type: 'boolean', default: false }
  }
})
const RUNS = Number(args.runs)
const QUICK = args.quick ?? false
const LATENCY_MS = Number(args.latency)
/** Only cases 5 to 7, which measure the action's own process. */
const PROCESS_ONLY = args['process-only'] ?? false
const scale = (n: number) => (QUICK ? Math.max(5, Math.round(n / 10)) : n)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
/** a / b as `1.2×`, or `n/a` when b is not above 0 (a quick run's rate-limit floor can be 0). */
const ratio = (a: number, b: number, digits = 1) =>
  b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(digits)}×` : 'n/a'
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
if (!PROCESS_ONLY) {
  out()
  out(
    '| case | N | M | action: requests | action: wall | baseline: requests | baseline: wall | baseline / action | all applied |'
  )
  out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
}

// Case 1: new secrets, empty workspace.
if (!PROCESS_ONLY) {
  const n = scale(200)
  const secrets = values(n, 'new')
  const action = await repeat(() => measureAction({ latencyMs: LATENCY_MS }, {}, secrets))
  const baseline = await repeat(() => measureBaseline({ latencyMs: LATENCY_MS }, {}, secrets))
  out(
    `| 1. new secrets | ${n} | 0 | ${action.requests} | ${seconds(action.wallMs)} | ${baseline.requests} | ${seconds(baseline.wallMs)} | **${ratio(baseline.wallMs, action.wallMs)}** | ${action.applied && baseline.applied ? 'yes' : 'NO'} |`
  )
}

// Case 2: updates in a large workspace.
if (!PROCESS_ONLY) {
  const n = scale(50)
  const m = QUICK ? 1500 : 5000
  const seed = values(m, 'existing')
  // A value must not hold its tag: a listed tag that quotes 8 characters of a value fails the list.
  const secrets = Object.fromEntries(
    Object.keys(seed)
      .slice(0, n)
      .map((tag, i) => [tag, `bench-updated-value-${i}`])
  )
  const action = await repeat(() => measureAction({ latencyMs: LATENCY_MS }, seed, secrets))
  const baseline = await repeat(() => measureBaseline({ latencyMs: LATENCY_MS }, seed, secrets))
  out(
    `| 2. updates | ${n} | ${m} | ${action.requests} | ${seconds(action.wallMs)} | ${baseline.requests} | ${seconds(baseline.wallMs)} | **${ratio(baseline.wallMs, action.wallMs)}** | ${action.applied && baseline.applied ? 'yes' : 'NO'} |`
  )
  out()
  out(
    `Request bound N + max(1, ⌈M/1000⌉): case 1 ≤ ${scale(200) + 1}, case 2 ≤ ${n + Math.max(1, Math.ceil(m / 1000))}.`
  )
}

// Case 3: a token bucket, Cortex's 1000/minute scaled down to seconds.
if (!PROCESS_ONLY) {
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
    `| ${measured.requests} | ${accepted} | ${floorMs > 0 ? seconds(floorMs) : `none: ${accepted} ≤ the burst of ${bucket.burst}`} | ${seconds(measured.wallMs)} | **${ratio(measured.wallMs, floorMs, 2)}** | ${measured.applied ? 'yes' : 'NO'} |`
  )
}

// Case 4: start-up, side by side with a bare Node, alternated so that both see the same machine. The action
// is spawned directly (not through runAction, whose own set-up would be counted) with the runner's variables:
// once with no inputs (the fail-fast path: spawn to exit) and once with one secret (spawn to its first request).
if (!PROCESS_ONLY) {
  const node = actionNodePath()
  const event = join(mkdtempSync(join(tmpdir(), 'bench-event-')), 'event.json')
  writeFileSync(event, '{}')
  const spawnToExit = (args: string[], env: Record<string, string> = {}) =>
    new Promise<void>((done) =>
      spawn(node, args, { env: { PATH: process.env.PATH ?? '', ...env } }).on('close', () => done())
    )
  const bare: number[] = []
  const failFast: number[] = []
  const toFirstRequest: number[] = []
  const runs = QUICK ? 7 : Math.max(2 * RUNS + 1, 15)
  for (let i = 0; i < runs; i++) {
    let started = performance.now()
    await spawnToExit(['-e', '0'])
    bare.push(performance.now() - started)

    started = performance.now()
    await spawnToExit([join(ROOT, 'dist', 'index.js')], { GITHUB_EVENT_PATH: event })
    failFast.push(performance.now() - started)

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
  const files = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.js'))
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`
  const size = (f: string) => statSync(join(ROOT, 'dist', f)).size
  const ms = (xs: number[]) => `${Math.round(median(xs))} ms`
  const over = (xs: number[]) => `**+${Math.round(median(xs) - median(bare))} ms**`
  out()
  out(`Case 4, start-up: medians of ${runs} spawns each, alternated with a bare Node.`)
  out()
  out('| start-up | median | over `node -e 0` |')
  out('| --- | --- | --- |')
  out(`| \`node -e 0\` (spawn to exit) | ${ms(bare)} | |`)
  out(
    `| \`node dist/index.js\`, no inputs: spawn to exit (fails on the missing api-key) | ${ms(failFast)} | ${over(failFast)} |`
  )
  out(
    `| \`node dist/index.js\`, one secret: spawn to its first request | ${ms(toFirstRequest)} | ${over(toFirstRequest)} |`
  )
  out(
    `| dist/*.js | ${mib(files.reduce((sum, f) => sum + size(f), 0))} in ${files.length} files; dist/index.js ${mib(size('index.js'))} | |`
  )
}

// Concurrency sweep on case 1: what the default should be.
if (!PROCESS_ONLY) {
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
    out(`| ${c} | ${seconds(m.wallMs)} | ${ratio(one, m.wallMs)} |`)
  }
}

// The action's own process: CPU time and peak memory with large values and many entries.
// A preload (NODE_OPTIONS=--require, in the step's environment as a workflow's `env:` would set
// it) writes, as the process exits, its CPU time from process.resourceUsage() and its peak
// memory: VmHWM from /proc/self/status, not resourceUsage().maxRSS, which Linux carries over
// from the forked parent's memory across exec (a bare `node -e 0` spawned by a 630 MB process
// reported a max RSS of 590 MB and a VmHWM of 42 MB). The runner's log emulation is left out
// (stepLog: false): its masker's cost grows with masks × lines and is the harness's, not the
// action's.
const processDir = mkdtempSync(join(tmpdir(), 'bench-process-'))
const USAGE_PRELOAD = join(processDir, 'resource-usage.cjs')
writeFileSync(
  USAGE_PRELOAD,
  [
    "process.on('exit', () => {",
    "  const fs = require('node:fs')",
    '  let vmHWM = null',
    '  try {',
    "    vmHWM = Number(/^VmHWM:\\s*(\\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])",
    '  } catch {}',
    '  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage()',
    '  const usage = { userCPUTime, systemCPUTime, maxRSS, vmHWM }',
    '  fs.writeFileSync(process.env.BENCH_RESOURCE_USAGE, JSON.stringify(usage))',
    '})',
    ''
  ].join('\n')
)
/** What the preload writes: CPU times in µs, memory in KiB; vmHWM null where there is no /proc. */
interface UsageReport {
  userCPUTime: number
  systemCPUTime: number
  maxRSS: number
  vmHWM: number | null
}
const LARGE_VALUE_CHARS = 1_900_000
const TARGETS = { cpuMs: 3000, peakBytes: 400e6 }

interface ProcessRun {
  exitCode: number | null
  wallMs: number
  /** user + system CPU time of the action's process; undefined when it did not exit by itself. */
  cpuMs: number | undefined
  /** peak resident memory of the action's process (VmHWM), in bytes. */
  peakBytes: number | undefined
  /** No /proc: peakBytes is max RSS, which may count the parent's memory at fork. */
  peakIsMaxRss: boolean
  run: ActionRun
  standIn: CortexStandIn
}

interface ProcessSummary {
  runs: ProcessRun[]
  exitCodes: string
  wallMs: number
  cpuMs: number | undefined
  peakBytes: number | undefined
  peakIsMaxRss: boolean
}

/** Random base64 text of `chars` characters: no newline, nothing dotenv or YAML would read differently. */
const randomText = (chars: number) =>
  randomBytes(Math.ceil((chars * 3) / 4))
    .toString('base64')
    .slice(0, chars)

/** Writes `entries` as a dotenv file (KEY=value a line) and returns its path. */
function dotenvFile(name: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const path = join(processDir, name)
  writeFileSync(path, entries.map(([key, value]) => `${key}=${value}\n`).join(''))
  return path
}

let usageFiles = 0
/** Runs the bundled action once on a fresh stand-in with `secrets-file` and `inputs`; measures its process. */
async function measureProcess(
  secretsFile: string,
  inputs: Record<string, string>,
  latencyMs: number
): Promise<ProcessRun> {
  const usageFile = join(processDir, `usage-${++usageFiles}.json`)
  const standIn = await CortexStandIn.start({ latencyMs })
  let run: ActionRun
  try {
    run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, 'secrets-file': secretsFile, ...inputs },
      env: { NODE_OPTIONS: `--require ${JSON.stringify(USAGE_PRELOAD)}`, BENCH_RESOURCE_USAGE: usageFile },
      stepLog: false,
      timeoutMs: 600_000
    })
  } finally {
    await standIn.close()
  }
  const usage = existsSync(usageFile) ? (JSON.parse(readFileSync(usageFile, 'utf8')) as UsageReport) : undefined
  return {
    exitCode: run.exitCode,
    wallMs: run.wallMs,
    cpuMs: usage && (usage.userCPUTime + usage.systemCPUTime) / 1000,
    peakBytes: usage && (usage.vmHWM ?? usage.maxRSS) * 1024,
    peakIsMaxRss: usage?.vmHWM === null,
    run,
    standIn
  }
}

async function repeatProcess(
  secretsFile: string,
  inputs: Record<string, string>,
  latencyMs = LATENCY_MS
): Promise<ProcessSummary> {
  const runs: ProcessRun[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await measureProcess(secretsFile, inputs, latencyMs))
  const all = <T>(pick: (r: ProcessRun) => T | undefined) => {
    const picked = runs.map(pick)
    return picked.every((x) => x !== undefined) ? picked : undefined
  }
  const cpu = all((r) => r.cpuMs)
  const peak = all((r) => r.peakBytes)
  return {
    runs,
    exitCodes: [...new Set(runs.map((r) => String(r.exitCode)))].join(', '),
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: cpu && median(cpu),
    peakBytes: peak && median(peak),
    peakIsMaxRss: runs.some((r) => r.peakIsMaxRss)
  }
}

/** No report: the process was killed (the timeout, a signal, V8 out of memory) before its exit handlers ran. */
const cpuText = (m: ProcessSummary) => (m.cpuMs === undefined ? 'n/a (no exit report)' : seconds(m.cpuMs))
const peakText = (m: ProcessSummary) =>
  m.peakBytes === undefined
    ? 'n/a (no exit report)'
    : `${Math.round(m.peakBytes / 1e6).toLocaleString('en')} MB${m.peakIsMaxRss ? ' (max RSS: no /proc)' : ''}`
const count = (n: number) => n.toLocaleString('en')
/** Bytes (or characters of ASCII text) as `1.9 MB`, `100 KB`, `512 B` (powers of 10). */
const sizeText = (bytes: number) =>
  bytes >= 1e6 ? `${+(bytes / 1e6).toFixed(1)} MB` : bytes >= 1e3 ? `${+(bytes / 1e3).toFixed(1)} KB` : `${bytes} B`

/** Tags the stand-in holds with exactly the value written, in every run (the fewest of the runs). */
const byteExact = (m: ProcessSummary, secrets: ReadonlyArray<readonly [string, string]>) =>
  Math.min(
    ...m.runs.map((r) => {
      const stored = r.standIn.values()
      return secrets.filter(([tag, value]) => stored[tag] === value).length
    })
  )

/** The tags the `created` output lists (a dry run lists what a real run would create), fewest of the runs. */
const createdOutput = (m: ProcessSummary) =>
  Math.min(...m.runs.map((r) => (r.run.outputs.created ? (JSON.parse(r.run.outputs.created) as string[]).length : 0)))

/** The first line of the first `::error::` the action wrote, else the first stderr line that names an error. */
function firstErrorLine(run: ActionRun): string | undefined {
  for (const line of run.stdout.split(/\r?\n/)) {
    const command = parseWorkflowCommand(line, new Set(['error']))
    if (command?.name === 'error') return command.data.split(/\r?\n/)[0]
  }
  return run.stderr.split(/\r?\n/).find((line) => /error/i.test(line))
}

const cut = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max)}…` : text)
const cell = (text: string) => text.replace(/\|/g, '\\|')
const met = (ok: boolean) => (ok ? 'yes' : '**NO**')

const measuredGrowth = new Map<string, { n: number; chars: number; summary: ProcessSummary; done: number }>()

// Case 5: large values.
{
  const n = QUICK ? 4 : 16
  const secrets = Array.from({ length: n }, (_, i) => [`LARGE_${i}`, randomText(LARGE_VALUE_CHARS)] as const)
  const e2big = spawnSync(actionNodePath(), ['-e', '0'], {
    env: { PATH: process.env.PATH ?? '', INPUT_SECRETS: `${secrets[0]?.[0]}: ${secrets[0]?.[1]}` }
  }).error as NodeJS.ErrnoException | undefined
  const file = dotenvFile('large.env', secrets)
  const m = await repeatProcess(file, { 'max-retries': '0' })
  const exact = byteExact(m, secrets)
  const created = createdOutput(m)
  const largestBody = Math.max(
    ...m.runs.flatMap((r) => r.standIn.requests.map((request) => Buffer.byteLength(request.rawBody)))
  )
  measuredGrowth.set(`${n}×${LARGE_VALUE_CHARS}`, { n, chars: LARGE_VALUE_CHARS, summary: m, done: exact })
  out()
  out(
    `Case 5, large values: ${n} secrets of ${count(LARGE_VALUE_CHARS)} random base64 characters each, ` +
      `in a dotenv \`secrets-file\` (${sizeText(statSync(file).size)}), default inputs but \`max-retries: 0\`; ` +
      `median of ${RUNS} run(s). The \`secrets\` input cannot carry even one such value: the runner passes inputs as ` +
      `environment variables, and spawning with it as INPUT_SECRETS ${e2big ? `fails with ${e2big.code}` : 'did not fail here'} ` +
      `(Linux caps one environment string at 128 KiB).${QUICK ? ' Quick: the CPU and memory targets are for 16 values.' : ''}`
  )
  out()
  out('| measure | result | target | met |')
  out('| --- | --- | --- | --- |')
  const errors = [...new Set(m.runs.map((r) => firstErrorLine(r.run)).filter((e) => e !== undefined))]
  out(`| exit code | ${m.exitCodes} | 0 | ${met(m.exitCodes === '0')} |`)
  if (errors.length > 0)
    out(`| first error line | ${errors.map((e) => `\`${cell(cut(e))}\``).join('<br>')} | none | **NO** |`)
  out(
    `| created, byte-exact in the stand-in | ${exact} of ${n} (\`created\` output: ${created}) | ${n} | ${met(exact === n && created === n)} |`
  )
  out(
    `| CPU time, user + system | ${cpuText(m)} | ≤ 3 s | ${QUICK ? 'n/a (quick)' : met(m.cpuMs !== undefined && m.cpuMs <= TARGETS.cpuMs)} |`
  )
  out(
    `| peak memory (VmHWM) | ${peakText(m)} | ≤ 400 MB | ${QUICK ? 'n/a (quick)' : met(m.peakBytes !== undefined && m.peakBytes <= TARGETS.peakBytes)} |`
  )
  out(`| wall time, spawn to exit | ${seconds(m.wallMs)} | | |`)
  out(
    `| largest request body the stand-in received | ${count(largestBody)} bytes | < 2,000,000 | ${met(largestBody < 2e6)} |`
  )
}

// Case 6: many entries, dry run.
{
  const n = QUICK ? 20_000 : 200_000
  const file = dotenvFile(
    'many.env',
    Array.from({ length: n }, (_, i) => [`KEY_${i}`, `value_${i}`])
  )
  const m = await repeatProcess(file, { 'dry-run': 'true' })
  const error = firstErrorLine(m.runs[0]?.run as ActionRun)
  const planned = createdOutput(m)
  const verdict =
    m.exitCodes === '0' && planned === n
      ? `dry run: ${count(planned)} would be created`
      : m.exitCodes !== '0' && error && /call stack|recursion/i.test(error)
        ? '**NO: stack overflow**'
        : m.exitCodes !== '0' && error && /\blimits?\b|at most|too many|more than|exceed/i.test(error)
          ? 'refused, naming a limit'
          : `**NO**: exit ${m.exitCodes}, ${count(planned)} planned`
  out()
  out(
    `Case 6, many entries: a dotenv \`secrets-file\` of ${count(n)} entries \`KEY_i=value_i\` (${sizeText(statSync(file).size)}), \`dry-run: true\`, on an empty stand-in; median of ${RUNS} run(s). ` +
      'Expected: a dry run of every entry, or a refusal naming a limit; never a stack overflow.' +
      (QUICK ? ' Quick: 20,000 entries; the case is the full run’s 200,000.' : '')
  )
  out()
  out('| entries | exit code | result | CPU time | peak memory | wall | first error line |')
  out('| --- | --- | --- | --- | --- | --- | --- |')
  out(
    `| ${count(n)} | ${m.exitCodes} | ${verdict} | ${cpuText(m)} | ${peakText(m)} | ${seconds(m.wallMs)} | ${error === undefined ? 'none' : `\`${cell(cut(error))}\``} |`
  )
}

// Case 7: growth with the number and the size of the secrets.
{
  const counts = QUICK ? [1, 4] : [1, 4, 16]
  const smallCounts = QUICK ? [100, 1_000] : [1_000, 10_000]
  out()
  out(
    `Case 7, growth: real writes of N random values of each size (dotenv \`secrets-file\`, \`max-retries: 0\`), then N small ` +
      'values (`KEY_i=value_i`) twice: as a dry run (one list request), and as real writes with `rate-limit: 1000000` on a ' +
      'stand-in without latency (at the default `rate-limit` of 1,000 requests a minute, 10,000 writes would take 10 minutes ' +
      `of pacing, which measures the rate limit, not the action); median of ${RUNS} run(s).`
  )
  out()
  out('| N | value size | secrets-file | mode | exit code | applied | CPU time | peak memory | wall |')
  out('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const chars of [100_000, LARGE_VALUE_CHARS]) {
    for (const n of counts) {
      let row = measuredGrowth.get(`${n}×${chars}`)
      if (!row) {
        const secrets = Array.from({ length: n }, (_, i) => [`GROW_${i}`, randomText(chars)] as const)
        const summary = await repeatProcess(dotenvFile(`grow-${n}x${chars}.env`, secrets), { 'max-retries': '0' })
        row = { n, chars, summary, done: byteExact(summary, secrets) }
      }
      const m = row.summary
      out(
        `| ${count(n)} | ${sizeText(chars)} | ${sizeText(n * chars)} | write | ${m.exitCodes} | ${row.done} of ${n} byte-exact | ${cpuText(m)} | ${peakText(m)} | ${seconds(m.wallMs)} |`
      )
    }
  }
  for (const n of smallCounts) {
    const secrets = Array.from({ length: n }, (_, i) => [`KEY_${i}`, `value_${i}`] as const)
    const file = dotenvFile(`small-${n}.env`, secrets)
    const dry = await repeatProcess(file, { 'dry-run': 'true' })
    out(
      `| ${count(n)} | small | ${sizeText(statSync(file).size)} | dry run | ${dry.exitCodes} | ${count(createdOutput(dry))} of ${count(n)} planned | ${cpuText(dry)} | ${peakText(dry)} | ${seconds(dry.wallMs)} |`
    )
    const written = await repeatProcess(file, { 'rate-limit': '1000000' }, 0)
    out(
      `| ${count(n)} | small | ${sizeText(statSync(file).size)} | write, 0 ms latency | ${written.exitCodes} | ${count(byteExact(written, secrets))} of ${count(n)} byte-exact | ${cpuText(written)} | ${peakText(written)} | ${seconds(written.wallMs)} |`
    )
  }
}
rmSync(processDir, { recursive: true, force: true })
