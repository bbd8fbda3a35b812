/**
 * The README's Quick start, pasted as it is: its workflow read as GitHub reads it, its step's
 * `with:` evaluated with the repository's secrets, and the action bundled from src/ run through
 * the runner emulation. Nothing in the workflow is edited. It names no api-url, so the action
 * goes to https://api.getcortexapp.com, and only the runner's environment sends that to the
 * stand-in, as a self-hosted runner behind a company proxy would have it: HTTPS_PROXY names a
 * proxy that tunnels api.getcortexapp.com:443 to a local https stand-in, whose certificate for
 * that name a CA made for this file signed, trusted through NODE_EXTRA_CA_CERTS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { TestProxy } from '../../harness/http-proxy.ts'
import {
  DISPATCH_EVENT,
  EMULATED_GITHUB_TOKEN,
  RELEASE_EVENT,
  ROOT,
  runAction,
  type ActionRun
} from '../../harness/run-action.ts'
import { TestCertificateAuthority } from '../../harness/test-ca.ts'
import { evaluateStep, loadWorkflow, type Workflow } from '../../harness/workflow.ts'
import { expectNoLeak } from '../support/expectations.ts'
import { codeBlocks } from '../support/markdown.ts'

const CORTEX_HOST = 'api.getcortexapp.com'
/** A plain token, the kind the Quick start's inline form is for, with each character it allows. */
const TOKEN_VALUE = 'qs_Tok-9f2.Kx/7+Zp='

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const quickStart = codeBlocks(readme, 'yaml').find((block) => block.section === 'Quick start')

let workflow: Workflow
let standIn: CortexStandIn
let proxy: TestProxy
let caDir: string
/** The repository's secrets: the API key, and a value for the one other secret the workflow names. */
let secrets: Record<string, string>
let run: ActionRun

beforeAll(async () => {
  workflow = await loadWorkflow('README.md (Quick start)', quickStart?.content ?? '')
  const named = [...new Set([...(quickStart?.content ?? '').matchAll(/\bsecrets\.(\w+)/g)].map((m) => m[1] ?? ''))]
  secrets = Object.fromEntries(named.map((name) => [name, name === 'CORTEX_API_KEY' ? STAND_IN_API_KEY : TOKEN_VALUE]))

  const ca = TestCertificateAuthority.create()
  caDir = mkdtempSync(join(tmpdir(), 'cortex-quick-start-'))
  const caFile = join(caDir, 'ca.pem')
  writeFileSync(caFile, ca.certificatePem)
  standIn = await CortexStandIn.start({ tls: { ...ca.issue([CORTEX_HOST]), hostname: CORTEX_HOST } })
  proxy = await TestProxy.start({ tunnels: { [`${CORTEX_HOST}:443`]: `127.0.0.1:${new URL(standIn.url).port}` } })

  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
  const step = steps.find((s) => s.uses?.includes('/cortex-secrets-action@'))
  const contexts = {
    // The runner's secrets context always holds the job's token as github_token.
    secrets: { github_token: EMULATED_GITHUB_TOKEN, ...secrets },
    github: {},
    vars: {},
    inputs: {},
    env: {},
    runner: {},
    job: {},
    steps: {},
    matrix: {},
    strategy: {}
  }
  const given = step ? evaluateStep(step, contexts) : { with: {}, env: {} }
  run = await runAction({
    inputs: given.with,
    env: { ...given.env, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile },
    jobSecrets: Object.values(secrets),
    event: workflow.events.includes('workflow_dispatch') ? DISPATCH_EVENT : RELEASE_EVENT
  })
})

afterAll(async () => {
  await proxy?.close()
  await standIn?.close()
  if (caDir) rmSync(caDir, { recursive: true, force: true })
})

describe("the README's Quick start, as pasted", () => {
  it('is a workflow GitHub accepts, one job of one step that uses this action at v1, on an event it can run on', () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
    expect(steps.map((s) => s.uses)).toEqual([expect.stringMatching(/^[^/\s]+\/cortex-secrets-action@v1$/)])
    expect(workflow.events.some((event) => event === 'workflow_dispatch' || event === 'release')).toBe(true)
    expect(Object.keys(secrets)).toEqual(expect.arrayContaining(['CORTEX_API_KEY']))
    expect(Object.keys(secrets)).toHaveLength(2)
  })

  it('succeeds, creating its one secret byte for byte in Cortex at the default api-url', () => {
    expect([run.exitCode, run.stderr]).toEqual([0, ''])
    const created = JSON.parse(run.outputs.created ?? '[]') as string[]
    expect(created).toHaveLength(1)
    expect(standIn.values()).toEqual({ [created[0] ?? '']: TOKEN_VALUE })
    expect(run.outputs).toEqual({ created: JSON.stringify(created), updated: '[]', deleted: '[]', failed: '[]' })
    // Every request went through the tunnel to the default host: the workflow's own api-url.
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(new Set(proxy.seen)).toEqual(new Set([`CONNECT ${CORTEX_HOST}:443`]))
    expectNoLeak(run, [TOKEN_VALUE, STAND_IN_API_KEY])
  })
})
