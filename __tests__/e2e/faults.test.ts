/**
 * Faults a real API has, injected into the stand-in, against the action bundled
 * from src/: nothing is lost (every secret applied or listed in `failed`), nothing leaks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  CortexStandIn,
  STAND_IN_API_KEY,
  type InterceptReply,
  type StandInOptions
} from '../../harness/cortex-stand-in.ts'
import { TestProxy } from '../../harness/http-proxy.ts'
import { TestCertificateAuthority } from '../../harness/test-ca.ts'
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

const statuses = () => standIn.requests.map((r) => r.status)

describe('rate limit (token bucket, 429 with Retry-After)', () => {
  it('completes with every secret applied, waiting as Cortex asks instead of hammering it', async () => {
    await restart({ rateLimit: { burst: 10, perSecond: 10 } })
    const values = secretsOf(40)
    const run = await push(values)
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    const limited = statuses().filter((s) => s === 429).length
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

describe('a Retry-After that asks for no wait, or for an endless one', () => {
  const tooManyRequests = (retryAfter: string): InterceptReply => ({
    status: 429,
    headers: { 'retry-after': retryAfter, 'content-type': 'application/problem+json' },
    body: { type: 'about:blank', title: 'Too Many Requests', status: 429, retryAfter: 0 }
  })

  it.each(['0', '-1', 'soon', 'Thu, 01 Jan 1970 00:00:00 GMT'])(
    'spaces the retries by the backoff when a 429 says Retry-After: %s',
    async (retryAfter) => {
      let refused = 0
      standIn.options.intercept = (r) =>
        r.method === 'POST' && refused < 3 ? (refused++, tooManyRequests(retryAfter)) : undefined
      const values = { storm: 'storm-value-3a3a' }
      const run = await push(values)
      expect(run.exitCode).toBe(0)
      expect(standIn.values()).toEqual(values)
      expect(standIn.requestsWith('POST')).toHaveLength(4)
      const waits = [...run.stdout.matchAll(/^::debug::retry (\d+) of create "storm" in (\d+) ms after HTTP 429$/gm)]
      expect(waits.map((m) => Number(m[1]))).toEqual([1, 2, 3])
      // Full jitter below 0.5 s, 1 s, 2 s: any one may be 0, all three at once practically never.
      const ms = waits.map((m) => Number(m[2]))
      ms.forEach((wait, retry) => expect(wait).toBeLessThan(500 * 2 ** retry))
      expect(ms.reduce((a, b) => a + b)).toBeGreaterThan(0)
      expectNoLeak(run, Object.values(values))
    }
  )

  it.each(['99999999999', '1e308'])('gives up at once on Retry-After: %s, longer than the run waits', async (value) => {
    standIn.options.intercept = (r) => (r.method === 'POST' ? tooManyRequests(value) : undefined)
    const run = await push({ huge: 'huge-value-6b6b' }, {}, { timeoutMs: 20_000 })
    expect(run.exitCode).toBe(1)
    expect(standIn.requestsWith('POST')).toHaveLength(1)
    expect(standIn.values()).toEqual({})
    expect(run.outputs.failed).toBe('["huge"]')
    expect(run.stdout).toMatch(
      /^✖ huge: failed: create "huge": HTTP 429 about:blank: Cortex asked to wait (99999999999|more than 9007199254740991) s, longer than this run waits \(1 attempt\)$/m
    )
    expect(run.stderr).not.toContain('TimeoutOverflowWarning')
    expectNoLeak(run, ['huge-value-6b6b'])
  })
})

describe('transient faults', () => {
  it('retries every third request answering 503 and connections reset mid-request', async () => {
    // Every third request answers 503 and every seventh has its connection reset; a retry of a
    // request already faulted goes through, so that the test is about recovery, not luck.
    let count = 0
    const faulted = new Set<string>()
    standIn.options.intercept = (r, s) => {
      const key = `${r.method} ${r.path} ${r.rawBody}`
      if (faulted.has(key)) return undefined
      count++
      faulted.add(key)
      if (count % 3 === 0)
        return { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' }
      if (count % 7 === 0) return { reset: true }
      // A create that lands and then loses its connection: the retry is told "already exists".
      if (count % 11 === 0 && r.method === 'POST') {
        const { tag, name, secret } = JSON.parse(r.rawBody) as Record<string, string>
        s.seed([{ tag: tag as string, name, secret: secret as string }])
        return { reset: true }
      }
      faulted.delete(key)
      return undefined
    }
    const values = secretsOf(24)
    const run = await push(values)
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    expect(JSON.parse(run.outputs.failed ?? '')).toEqual([])
    expect([...JSON.parse(run.outputs.created ?? ''), ...JSON.parse(run.outputs.updated ?? '')].sort()).toEqual(
      Object.keys(values).sort()
    )
    expect(statuses().filter((s) => s === 503).length).toBeGreaterThan(0)
    expect(run.stdout).toMatch(/after HTTP 503$/m)
    expect(run.stdout).toMatch(/after (ECONNRESET|UND_ERR_SOCKET)$/m)
    expect(run.stdout).toMatch(/^::debug::svc_\d+: \d+ retr(y|ies)$/m)
    expect(run.summary).toMatch(/\(\d+ retr(y|ies)\)<\/td>/)
    expectNoLeak(run, Object.values(values))
  })

  it('reports a 503 that never clears with status and body length, not the body', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST'
        ? { status: 503, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' }
        : undefined
    const run = await push({ only: 'only-value-9d9d' }, { 'max-retries': '2' })
    expect(run.exitCode).toBe(1)
    expect(standIn.requestsWith('POST')).toHaveLength(3)
    expect(standIn.values()).toEqual({})
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["only"]' })
    expect(run.stdout).toContain(
      '- only: create "only": HTTP 503: a 24-byte body that is not a Cortex error (3 attempts)'
    )
    expect(run.stdout).not.toContain('maintenance')
    expectNoLeak(run, ['only-value-9d9d'])
  })

  it('abandons a response that never comes after timeout-seconds, and still lands the others', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && JSON.parse(r.rawBody).tag === 'stuck' ? { hang: true } : undefined
    const values = { ...secretsOf(5), stuck: 'stuck-value-5e5e' }
    const run = await push(values, { 'timeout-seconds': '1', 'max-retries': '1' }, { timeoutMs: 30_000 })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["stuck"]')
    const { stuck, ...landed } = values
    expect(standIn.values()).toEqual(landed)
    expect(standIn.requestsWith('POST').filter((r) => r.rawBody.includes('"stuck"'))).toHaveLength(2)
    expect(run.stdout).toContain(
      '- stuck: create "stuck": no response TIMEOUT: no response within 1 s; it may have been applied (2 attempts)'
    )
    expectNoLeak(run, Object.values(values).concat(stuck))
  })

  it('sends a permanent 400 once, reports that tag, and lands the rest', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && JSON.parse(r.rawBody).tag === 'rejected'
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Secret value rejected', requestId: 'req-400' } }
        : undefined
    // The value shares no 8-character run with Cortex's message: such a run would be shown as [redacted].
    const values = { ...secretsOf(4), rejected: 'refused-value-4f4f' }
    const run = await push(values)
    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["rejected"]')
    expect(Object.keys(standIn.values()).sort()).toEqual(Object.keys(secretsOf(4)).sort())
    expect(standIn.requestsWith('POST').filter((r) => r.rawBody.includes('"rejected"'))).toHaveLength(1)
    expect(run.stdout).toContain(
      '- rejected: create "rejected": HTTP 400 BAD_REQUEST: Secret value rejected (requestId req-400, 1 attempt)'
    )
    expectNoLeak(run, Object.values(values))
  })
})

describe('a list that fails', () => {
  // With prune on and owned tags in the workspace: a run that went on without the list would delete them.
  const SEEDED = { ci_kept: 'old-kept-value', ci_stale: 'old-stale-value' }
  const values = { ci_kept: 'kept-value-b0b0', ci_new: 'new-value-b0b0' }
  const isList = (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/api/v1/secrets'

  it.each<[string, InterceptReply, string[], string]>([
    [
      // The README: 429, 502, 503 and 504 are retried; any other status is an answer.
      '500 (not retried)',
      { status: 500, body: { type: 'INTERNAL_SERVER_ERROR', message: 'Database unavailable', requestId: 'req-500' } },
      ['GET 500'],
      'list: HTTP 500 INTERNAL_SERVER_ERROR: Database unavailable (requestId req-500, 1 attempt)'
    ],
    [
      '503 on every attempt, after max-retries',
      { status: 503, body: { type: 'SERVICE_UNAVAILABLE', message: 'Try later', requestId: 'req-503' } },
      ['GET 503', 'GET 503', 'GET 503'],
      'list: HTTP 503 SERVICE_UNAVAILABLE: Try later (requestId req-503, 3 attempts)'
    ],
    [
      '400 (not retried)',
      { status: 400, body: { type: 'BAD_REQUEST', message: 'Invalid page size', requestId: 'req-400' } },
      ['GET 400'],
      'list: HTTP 400 BAD_REQUEST: Invalid page size (requestId req-400, 1 attempt)'
    ]
  ])('%s: every input secret fails with the reason; nothing is written or deleted', async (_, reply, seen, reason) => {
    standIn.seed(Object.entries(SEEDED).map(([tag, secret]) => ({ tag, secret })))
    standIn.options.intercept = (r) => (isList(r) ? reply : undefined)
    const run = await push(values, { prune: 'true', 'prune-match': 'ci_*', 'max-retries': '2' })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual(seen)
    expect(standIn.values()).toEqual(SEEDED)
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["ci_kept","ci_new"]' })
    expect(run.stdout).toMatch(/^::error::2 of 2 secrets failed:/m)
    for (const tag of Object.keys(values)) {
      expect(run.stdout).toContain(`%0A- ${tag}: ${reason}`)
      expect(run.summary).toContain(`<tr><td><code>${tag}</code></td><td>${tag}</td><td>failed: ${reason}</td></tr>`)
    }
    expectNoLeak(run, [...Object.values(values), STAND_IN_API_KEY])
  })
})

describe('a refused API key', () => {
  it('401: one request, one clear message, exit 1, every tag listed as failed', async () => {
    const values = secretsOf(6)
    const run = await push(values, { 'api-key': 'expired-key-0000' })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(1)
    expect(standIn.values()).toEqual({})
    expect(run.outputs).toEqual({
      created: '[]',
      updated: '[]',
      deleted: '[]',
      failed: JSON.stringify(Object.keys(values).sort())
    })
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^::error::Cortex refused the API key with HTTP 401: the key is invalid or expired \(requestId [0-9a-f]+\)\. The run stopped\.%0ANot pushed \(6\): svc_0, svc_1/
    )
    expectNoLeak(run, [...Object.values(values), 'expired-key-0000'])
  })

  it.each([
    [
      'a 429 pause of the whole run',
      {
        status: 429,
        headers: { 'retry-after': '120', 'content-type': 'application/problem+json' },
        body: { type: 'about:blank', title: 'Too Many Requests', status: 429, retryAfter: 120 }
      }
    ],
    ['the backoff of one request', { status: 503, headers: { 'retry-after': '120' }, body: '<html>busy</html>' }]
  ])('401 during %s of 120 s: the run stops waiting at once', async (_, wait: InterceptReply) => {
    let waitSent!: () => void
    const waitAnswered = new Promise<void>((resolve) => (waitSent = resolve))
    standIn.options.intercept = async (r) => {
      if (r.method !== 'POST') return undefined
      if (r.rawBody.includes('"waits"')) return (waitSent(), wait)
      // The 401 comes once the action has had the wait in hand for a while, not before it.
      await waitAnswered
      await delay(1000)
      return { status: 401, body: { type: 'UNCATEGORIZED', message: 'Invalid API key', requestId: 'req-401' } }
    }
    const values = { waits: 'waits-value-1d1d', refused: 'refused-value-2e2e', queued: 'queued-value-3f3f' }
    // Far below the 120 s: a run that sits out the wait is killed and fails here.
    const run = await push(values, { concurrency: '2' }, { timeoutMs: 20_000 })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^::error::Cortex refused the API key with HTTP 401: the key is invalid or expired/m)
    expect(run.outputs.failed).toBe(JSON.stringify(Object.keys(values).sort()))
    expect(standIn.values()).toEqual({})
    expect(standIn.requestsWith('POST')).toHaveLength(2)
    expectNoLeak(run, Object.values(values))
  })

  it('401 while another create gets no answer: the run abandons it at once, saying it may have landed', async () => {
    let hangingSent!: () => void
    const hanging = new Promise<void>((resolve) => (hangingSent = resolve))
    standIn.options.intercept = async (r) => {
      if (r.method !== 'POST') return undefined
      if (r.rawBody.includes('"in_flight"')) return (hangingSent(), { hang: true })
      // The key is refused while the other create waits for its answer.
      await hanging
      return { status: 401, body: { type: 'UNCATEGORIZED', message: 'Invalid API key', requestId: 'req-401' } }
    }
    const values = { in_flight: 'in-flight-value-4a4a', refused: 'refused-value-5b5b', queued: 'queued-value-6c6c' }
    // Far below timeout-seconds: a run that waits for the answer that never comes is killed and fails here.
    const run = await push(values, { concurrency: '2', 'timeout-seconds': '600' }, { timeoutMs: 20_000 })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe(JSON.stringify(Object.keys(values).sort()))
    // The abandoned create is not retried, and nothing starts after the 401.
    expect(standIn.requestsWith('POST')).toHaveLength(2)
    const refused =
      'Cortex refused the API key with HTTP 401: the key is invalid or expired (requestId req-401). The run stopped.'
    expect(run.stdout).toContain(
      `✖ in_flight: failed: create "in_flight": the run stopped while this request was in flight; it may have been applied. ${refused}\n`
    )
    expect(run.stdout).toContain(`✖ queued: failed: ${refused}\n`)
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error::'))
    expect(errors).toEqual([`::error::${refused}%0ANot pushed (3): in_flight, queued, refused`])
    expect(run.summary).toContain('the run stopped while this request was in flight; it may have been applied.')
    expectNoLeak(run, Object.values(values))
  })

  it('403 on the writes: no request starts after the first 403 answer', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST'
        ? { status: 403, body: { type: 'FORBIDDEN', message: 'Missing permission', requestId: 'req-403' } }
        : undefined
    const values = secretsOf(20)
    const run = await push(values, { concurrency: '4' })
    expect(run.exitCode).toBe(1)
    // Only the creates already in flight when the first 403 came back (at most `concurrency`);
    // without the stop all 20 would be sent.
    const posts = standIn.requestsWith('POST')
    expect(posts.length).toBeGreaterThanOrEqual(1)
    expect(posts.length).toBeLessThanOrEqual(4)
    expect(standIn.values()).toEqual({})
    expect(run.outputs.failed).toBe(JSON.stringify(Object.keys(values).sort()))
    expect(run.stdout).toMatch(
      /^::error::Cortex refused the API key with HTTP 403: the key lacks the "Create secrets" permission/m
    )
    expectNoLeak(run, Object.values(values))
  })
})

describe('proxies and redirects', () => {
  // The stand-in serves https as cortex.test, a name only the proxy resolves (to 127.0.0.1), with a
  // certificate from a CA made for this file and handed to the action as NODE_EXTRA_CA_CERTS.
  const CORTEX_HOST = 'cortex.test'
  let ca: TestCertificateAuthority
  let caDir: string
  let caFile: string
  let proxy: TestProxy
  beforeAll(() => {
    ca = TestCertificateAuthority.create()
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

  const restartOverHttps = () => restart({ tls: { ...ca.issue([CORTEX_HOST]), hostname: CORTEX_HOST } })

  it.each(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])(
    'reaches Cortex over https through %s, at a host only the proxy resolves',
    async (variable) => {
      await restartOverHttps()
      const values = secretsOf(3)
      const run = await push(values, {}, { env: { [variable]: proxy.url, NODE_EXTRA_CA_CERTS: caFile } })
      expect(run.exitCode).toBe(0)
      expect(standIn.values()).toEqual(values)
      expect(proxy.seen.length).toBeGreaterThan(0)
      expect(proxy.seen.every((line) => line === `CONNECT ${CORTEX_HOST}:${new URL(standIn.url).port}`)).toBe(true)
      expectNoLeak(run, Object.values(values))
    }
  )

  it.each([
    ['HTTP_PROXY', ['HTTP_PROXY']],
    ['http_proxy', ['http_proxy']],
    ['all four proxy variables', ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']]
  ])('never sends a loopback http:// api-url through a proxy (%s)', async (_, variables) => {
    const values = secretsOf(3)
    const env = Object.fromEntries(variables.map((name) => [name, proxy.url]))
    const run = await push(values, {}, { env })
    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    // The key and the values would have crossed the proxy in clear text.
    expect(proxy.seen).toEqual([])
    expectNoLeak(run, Object.values(values))
  })

  it.each([
    ['NO_PROXY', CORTEX_HOST],
    ['no_proxy', '.test']
  ])('still bypasses the proxy for a host in %s=%s', async (variable, hosts) => {
    await restartOverHttps()
    const values = secretsOf(3)
    const env = { HTTPS_PROXY: proxy.url, [variable]: hosts, NODE_EXTRA_CA_CERTS: caFile }
    const run = await push(values, { 'max-retries': '0' }, { env })
    // Straight to cortex.test, which only the proxy resolves: the lookup fails and nothing arrives.
    expect(run.exitCode).toBe(1)
    expect(proxy.seen).toEqual([])
    expect(standIn.requests).toEqual([])
    expect(standIn.values()).toEqual({})
    expect(run.stdout).toMatch(/^✖ svc_0: failed: list: no response (ENOTFOUND|EAI_AGAIN): /m)
    expect(run.outputs).toEqual({
      created: '[]',
      updated: '[]',
      deleted: '[]',
      failed: JSON.stringify(Object.keys(values).sort())
    })
    expect(run.summary).toMatch(/<tr><td><code>svc_0<\/code><\/td><td>svc_0<\/td><td>failed: list: no response /)
    expectNoLeak(run, [...Object.values(values), STAND_IN_API_KEY])
  })

  it('says the proxy refused its credentials (407), naming the variable, never quoting it (issue 17, item 7)', async () => {
    await proxy.close()
    proxy = await TestProxy.start({ hosts: { [CORTEX_HOST]: '127.0.0.1' }, credentials: 'ci:right-pass' })
    await restartOverHttps()
    const wrong = `http://ci:wrong-pass-4f4f@${new URL(proxy.url).host}`
    const run = await push(
      { svc_0: 'proxied-value-4f4f' },
      { 'max-retries': '0' },
      { env: { HTTPS_PROXY: wrong, NODE_EXTRA_CA_CERTS: caFile } }
    )
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toEqual([])
    expect(run.stdout).toContain(
      '✖ svc_0: failed: list: no response PROXY_REFUSED: the proxy named by HTTPS_PROXY refused the tunnel to Cortex ' +
        'with HTTP 407: it refused the credentials in HTTPS_PROXY (1 attempt)'
    )
    expectNoLeak(run, ['proxied-value-4f4f', 'wrong-pass-4f4f', STAND_IN_API_KEY])
  })

  it('does not follow a redirect to another origin, so the key never reaches it', async () => {
    const elsewhere: string[] = []
    const other: Server = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.end('{}')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v1/secrets`
    standIn.options.intercept = (r) => (r.method === 'POST' ? { status: 307, headers: { location } } : undefined)
    const run = await push({ moved: 'moved-value-7c7c' }).finally(() => other.close().closeAllConnections())
    expect(run.exitCode).toBe(1)
    expect(elsewhere).toEqual([])
    expect(standIn.values()).toEqual({})
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["moved"]' })
    expect(run.stdout).toContain(
      '- moved: create "moved": HTTP 307: a redirect, which the action never follows (the API key would go along): ' +
        'set api-url to the final URL (1 attempt)'
    )
    expectNoLeak(run, ['moved-value-7c7c', STAND_IN_API_KEY])
  })
})
