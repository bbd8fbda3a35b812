/**
 * `npm run demo [-- --debug]`: runs the bundled action as a GitHub runner
 * would for one workflow step, against the local Cortex stand-in (no
 * credentials needed), and prints what a user sees: the step log as GitHub
 * shows it (workflow commands applied, secrets masked), the outputs and the
 * job summary. `--debug` runs it as with step debug logging on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CortexStandIn, STAND_IN_API_KEY } from '../harness/cortex-stand-in.ts'
import { jobSummaryPage, jobSummaryText } from '../harness/job-summary.ts'
import { RELEASE_EVENT, runAction } from '../harness/run-action.ts'
import { webConsoleLines } from '../harness/step-log.ts'

const { values: args } = parseArgs({ options: { debug: { type: 'boolean', default: false } } })

/** The repository secrets of the simulated workflow. */
const repositorySecrets: Record<string, string> = {
  CORTEX_API_KEY: STAND_IN_API_KEY,
  PAGERDUTY_TOKEN: 'demo-pagerduty-token',
  DATADOG_API_KEY: 'demo-datadog-key',
  TLS_KEY: '-----BEGIN PRIVATE KEY-----\nZGVtbyBrZXkgb25seQ==\n-----END PRIVATE KEY-----\n'
}

const step = {
  env: { TLS_KEY: '${{ secrets.TLS_KEY }}' },
  with: {
    'api-key': '${{ secrets.CORTEX_API_KEY }}',
    secrets: [
      'pagerduty_token: ${{ secrets.PAGERDUTY_TOKEN }}',
      'datadog_api_key:',
      '  value: ${{ secrets.DATADOG_API_KEY }}',
      '  name: Datadog API key (rotated)',
      'tls_key:',
      '  env: TLS_KEY',
      ''
    ].join('\n')
  }
}

/** What the runner does with `${{ secrets.NAME }}` in `with:` and `env:`: the value, which it also masks. */
function withSecrets(text: string): string {
  return text.replace(/\$\{\{ secrets\.(\w+) \}\}/g, (_, name: string) => repositorySecrets[name] ?? '')
}
const mapValues = (record: Record<string, string>, f: (v: string) => string) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]))

const standIn = await CortexStandIn.start()
standIn.seed([{ tag: 'datadog_api_key', name: 'Datadog API key', secret: 'old-datadog-key' }])
const run = await runAction({
  inputs: { ...mapValues(step.with, withSecrets), 'api-url': standIn.url },
  env: mapValues(step.env, withSecrets),
  jobSecrets: Object.values(repositorySecrets),
  event: RELEASE_EVENT,
  debug: args.debug
})
await standIn.close()

const summaryDir = mkdtempSync(join(tmpdir(), 'cortex-demo-'))
const summaryFile = join(summaryDir, 'summary.html')
writeFileSync(summaryFile, jobSummaryPage(run.publishedSummary, 'Cortex secrets: job summary'))

const rule = (title: string) => `\n── ${title} ${'─'.repeat(Math.max(0, 70 - title.length))}\n`
const indent = (text: string) => text.replace(/^(?=.)/gm, '  ')
const stepYaml = [
  '- uses: ./',
  '  env:',
  ...Object.entries(step.env).map(([k, v]) => `    ${k}: ${v}`),
  '  with:',
  ...Object.entries(step.with).map(([k, v]) =>
    v.includes('\n') ? `    ${k}: |\n${v.trimEnd().replace(/^/gm, '      ')}` : `    ${k}: ${v}`
  ),
  `    api-url: ${standIn.url}   # the local stand-in`
].join('\n')
const log = webConsoleLines(run.log).join('\n')
const outputs = Object.entries(run.outputs)
  .map(([name, value]) => `${name} = ${value}`)
  .join('\n')
const summary = jobSummaryText(run.publishedSummary)

process.stdout.write(
  [
    'Simulated: a GitHub Actions job on a `release: published` event (tag v1.4.0) runs this step;',
    'the runner is emulated (harness/), the Cortex API is a local stand-in, the secrets are demo values.',
    `Step debug logging is ${args.debug ? 'on' : 'off (npm run demo -- --debug turns it on)'}.`,
    rule('workflow step'),
    indent(stepYaml),
    rule('step log, as GitHub shows it'),
    indent(log),
    rule('step outputs'),
    indent(outputs),
    rule('job summary'),
    indent(summary),
    `  (as a page: ${summaryFile})`,
    rule('what the Cortex stand-in received'),
    indent(standIn.requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join('\n')),
    ''
  ].join('\n')
)

// A value or any line of one, visible above, would contradict the point of the demo.
const shown = [log, outputs, summary, run.publishedSummary].join('\n')
const fragments = Object.values(repositorySecrets).flatMap((v) => [v, ...v.split('\n').filter((l) => l.trim())])
const leaked = fragments.filter((fragment) => shown.includes(fragment))
process.stdout.write(
  leaked.length === 0
    ? `\n✔ Exit code ${run.exitCode}; no secret value, nor any line of one, appears above.\n`
    : `\n✘ Exit code ${run.exitCode}; ${leaked.length} secret fragment(s) appear above.\n`
)
process.exitCode = run.exitCode === 0 && leaked.length === 0 ? 0 : 1
