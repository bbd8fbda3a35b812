/**
 * What only the action's own process shows of the network, against the action bundled from src/:
 * Cortex's rate limit waited out in real time, with the runner's warnings; https through a proxy
 * named in the step's environment, to a Cortex trusted through NODE_EXTRA_CA_CERTS; and a loopback
 * api-url never sent through a proxy. Every other fault (statuses, resets, timeouts, refused keys,
 * races, redirects) is the engine's: __tests__/engine/sync-faults.test.ts and client.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY, type StandInOptions } from '../../harness/cortex-stand-in.ts'
import { TestProxy } from '../../harness/http-proxy.ts'
import { TestCertificateAuthority, type IssuedCertificate } from '../../harness/test-ca.ts'
import { runAction, type RunActionOptions } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

async function restart(options: StandInOptions): Promise<void> {
  await standIn.close()
  standIn = await CortexStandIn.start(options)
}

function secretsOf(count: number, prefix = 'svc'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}_${i}`, `${prefix}-value-${i}-c0ffee`]))
}

function push(
  values: Record<string, string>,
  inputs: Record<string, string> = {},
  extra: Partial<RunActionOptions> = {}
) {
  const secrets = Object.entries(values)
    .map(([tag, value]) => `${tag}: ${value}`)
    .join('\n')
  return runAction({
    inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, ...inputs },
    debug: true,
    ...extra
  })
}

describe('rate limit (token bucket, 429 with Retry-After)', () => {
  it('completes with every secret applied, waiting as Cortex asks instead of hammering it', async () => {
    await restart({ rateLimit: { burst: 10, perSecond: 10 } })
    const values = secretsOf(20)
    const run = await push(values)
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    const limited = standIn.requests.filter((r) => r.status === 429).length
    expect(limited).toBeGreaterThan(0)
    // After a 429 every request waits for the pause: at most `concurrency` (16) are refused per pause.
    const pauses = (
      run.stdout.match(/^::warning::Cortex rate limit reached \(HTTP 429\): all requests wait 1 s\.$/gm) ?? []
    ).length
    expect(pauses).toBeGreaterThan(0)
    expect(limited).toBeLessThanOrEqual(pauses * 16)
    expect(run.stdout).toMatch(/^::debug::retry 1 of create "svc_\d+" in 1000 ms after HTTP 429$/m)
    expect(run.summary).toMatch(
      /<li>Retries and waits: \d+ requests retried; waited \d+(\.\d+)? s on Cortex&#39;s rate limit \(\d+ × HTTP 429\)(; paced \d+(\.\d+)? s to stay within rate-limit)?\.<\/li>/
    )
    expectWithinContract(standIn)
    expectNoLeak(run, Object.values(values))
  })
})

describe('proxies', () => {
  // The stand-in serves https as cortex.test, a name only the proxy resolves (to 127.0.0.1), with a
  // certificate from a CA made for this file and handed to the action as NODE_EXTRA_CA_CERTS.
  // Which variables undici reads, and NO_PROXY: __tests__/engine/client.test.ts.
  const CORTEX_HOST = 'cortex.test'
  let certificate: IssuedCertificate
  let caDir: string
  let caFile: string
  let proxy: TestProxy
  beforeAll(() => {
    const ca = TestCertificateAuthority.create()
    certificate = ca.issue([CORTEX_HOST])
    caDir = mkdtempSync(join(tmpdir(), 'cortex-test-ca-'))
    caFile = join(caDir, 'ca.pem')
    writeFileSync(caFile, ca.certificatePem)
  })
  afterAll(() => {
    rmSync(caDir, { recursive: true, force: true })
  })
  beforeEach(async () => {
    proxy = await TestProxy.start({ hosts: { [CORTEX_HOST]: '127.0.0.1' } })
  })
  afterEach(async () => {
    await proxy.close()
  })

  it('reaches Cortex over https through HTTPS_PROXY, at a host only the proxy resolves', async () => {
    await restart({ tls: { ...certificate, hostname: CORTEX_HOST } })
    const values = secretsOf(3)
    const run = await push(values, {}, { env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: caFile } })
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    expect(proxy.seen.length).toBeGreaterThan(0)
    expect(proxy.seen.every((line) => line === `CONNECT ${CORTEX_HOST}:${new URL(standIn.url).port}`)).toBe(true)
    expectNoLeak(run, Object.values(values))
  })

  // An https api-url takes HTTP_PROXY when HTTPS_PROXY is unset, as undici reads them: the message names the one used.
  it.each(['HTTPS_PROXY', 'HTTP_PROXY'])(
    'says the proxy in %s refused its credentials (407), never quoting them (issue 17, item 7)',
    async (variable) => {
      await proxy.close()
      proxy = await TestProxy.start({ hosts: { [CORTEX_HOST]: '127.0.0.1' }, credentials: 'ci:right-pass' })
      await restart({ tls: { ...certificate, hostname: CORTEX_HOST } })
      const wrong = `http://ci:wrong-pass-4f4f@${new URL(proxy.url).host}`
      const env = { [variable]: wrong, NODE_EXTRA_CA_CERTS: caFile }
      const run = await push({ svc_0: 'proxied-value-4f4f' }, { 'max-retries': '0' }, { env })
      expect(run.exitCode).toBe(1)
      expect(standIn.requests).toEqual([])
      expect(run.stdout).toContain(
        `✖ svc_0: failed: list: no response PROXY_REFUSED: the proxy named by ${variable} refused the tunnel to Cortex ` +
          `with HTTP 407: it refused the credentials in ${variable} (1 attempt)`
      )
      expectNoLeak(run, ['proxied-value-4f4f', 'wrong-pass-4f4f', STAND_IN_API_KEY])
    }
  )

  it('never sends a loopback http:// api-url through a proxy, whichever of the four variables names one', async () => {
    const values = secretsOf(3)
    const env = Object.fromEntries(
      ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'].map((n) => [n, proxy.url])
    )
    const run = await push(values, {}, { env })
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    // The key and the values would have crossed the proxy in clear text.
    expect(proxy.seen).toEqual([])
    expectNoLeak(run, Object.values(values))
  })
})
