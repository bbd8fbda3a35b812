/**
 * `npm run demo`: runs the bundled action against the local Cortex stand-in
 * with a few example secrets (no credentials needed) and prints the step's
 * log and the job summary it wrote.
 */
import { CortexStandIn, STAND_IN_API_KEY } from '../harness/cortex-stand-in.ts'
import { RELEASE_EVENT, runAction } from '../harness/run-action.ts'

const standIn = await CortexStandIn.start()
standIn.seed([{ tag: 'datadog_api_key', name: 'Datadog API key', secret: 'old-datadog-key' }])

const secrets = `
pagerduty_token: demo-pagerduty-token
datadog_api_key:
  value: demo-datadog-key
  name: Datadog API key (rotated)
tls_key:
  env: TLS_KEY
`
const run = await runAction({
  inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets },
  env: { TLS_KEY: '-----BEGIN PRIVATE KEY-----\nZGVtbyBrZXkgb25seQ==\n-----END PRIVATE KEY-----\n' },
  event: RELEASE_EVENT,
  debug: true
})
await standIn.close()

const rule = (title: string) => `\n── ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}\n`
process.stdout.write(rule('step log (stdout)') + run.stdout)
if (run.stderr) process.stdout.write(rule('stderr') + run.stderr)
process.stdout.write(
  rule('outputs') +
    Object.entries(run.outputs)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n'
)
process.stdout.write(rule('job summary (GITHUB_STEP_SUMMARY)') + run.summary)
process.stdout.write(
  rule('stand-in') +
    `${standIn.requests.length} requests: ${standIn.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')}\n`
)
process.stdout.write(`exit code ${run.exitCode}\n`)
process.exitCode = run.exitCode ?? 1
