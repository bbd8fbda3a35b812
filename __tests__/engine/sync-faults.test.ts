/**
 * syncSecrets in this process, over real HTTP to the stand-in, on a fake clock: Cortex failing one
 * secret, the list, or the key; retries and waits; and writes racing another writer.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, type InterceptReply } from '../../harness/cortex-stand-in.ts'
import { ApiKeyRefusedError, CortexApiError } from '../../src/domain/secret.ts'
import { FakeClock, ManualClock } from '../support/fake-clock.ts'
import {
  createdTag,
  failuresOf as failures,
  outcomesOf,
  requestLines,
  settingsFor,
  sync,
  tagOf
} from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const seed = (...tags: string[]) => standIn.seed(tags.map((tag) => ({ tag, secret: `old-${tag}` })))

const VALUES = {
  a_tag: 'value-a-1f1f',
  b_tag: 'value-b-2e2e',
  c_tag: 'value-c-3d3d',
  d_tag: 'value-d-4c4c',
  e_tag: 'value-e-5b5b'
}

describe('one secret failing', () => {
  it('does not stop the others; the failure names the tag with type, message and requestId', async () => {
    standIn.seed(Object.keys(VALUES).map((tag) => ({ tag, secret: 'old' })))
    standIn.options.intercept = (r) =>
      r.method === 'PUT' && tagOf(r.path) === 'c_tag'
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Name too long', requestId: 'req-c' } }
        : undefined
    const { report, recording } = await sync(settingsFor(standIn, VALUES))

    expect(failures(report)).toEqual([
      'c_tag: update "c_tag": HTTP 400 BAD_REQUEST: Name too long (requestId req-c, 1 attempt)'
    ])
    expect(standIn.values()).toEqual({ ...VALUES, c_tag: 'old' })
    expect(recording.outcomes()).toEqual([
      'a_tag: updated',
      'b_tag: updated',
      'c_tag: failed',
      'd_tag: updated',
      'e_tag: updated'
    ])
    const failed = report.results.find((r) => r.outcome === 'failed')
    expect(failed?.error).toBeInstanceOf(CortexApiError)
    expect((failed?.error as CortexApiError).details).toMatchObject({
      status: 400,
      type: 'BAD_REQUEST',
      requestId: 'req-c'
    })
  })
})

describe('a list that fails', () => {
  it.each<[string, InterceptReply, RegExp]>([
    ['500', { status: 500, body: { type: 'INTERNAL', message: 'Oops' } }, /^list: HTTP 500 INTERNAL: Oops/],
    ['400', { status: 400, body: { type: 'BAD_REQUEST', message: 'No' } }, /^list: HTTP 400 BAD_REQUEST: No/],
    ['401', { status: 401, body: { type: 'UNAUTHORIZED', message: 'Bad key' } }, /^Cortex refused the API key/],
    [
      'a body that does not match the API',
      { status: 200, body: { page: 0, total: 0, totalPages: 1 } },
      /^Cortex answered the list \(page 0\) with a body that does not match the API: secrets is missing, not an array/
    ]
  ])('with %s: every secret fails with its reason, nothing is written', async (_status, reply, reason) => {
    standIn.options.intercept = () => reply
    const { report, recording } = await sync(settingsFor(standIn, VALUES, { pruneMatch: '*', maxRetries: 0 }))

    expect(requestLines(standIn)).toEqual(['GET list page 0'])
    expect(standIn.values()).toEqual({})
    expect(report.results.map((r) => r.tag)).toEqual(Object.keys(VALUES))
    for (const r of report.results) {
      expect(r.outcome).toBe('failed')
      expect(r.error?.message).toMatch(reason)
    }
    expect(recording.results).toEqual(report.results)
    expect(report.pruneSkipped).toBeUndefined()
  })
})

describe('a list that fails', () => {
  it('with 503 on every attempt: retried max-retries times, then every secret fails; nothing is written or deleted', async () => {
    seed('ci_kept', 'ci_stale')
    standIn.options.intercept = (r) =>
      r.method === 'GET' && r.path === '/api/v1/secrets'
        ? { status: 503, body: { type: 'SERVICE_UNAVAILABLE', message: 'Try later', requestId: 'req-503' } }
        : undefined
    const { report, clock } = await sync(
      settingsFor(
        standIn,
        { ci_kept: 'kept-value-b0b0', ci_new: 'new-value-b0b0' },
        { pruneMatch: 'ci_*', maxRetries: 2 }
      )
    )

    expect(requestLines(standIn)).toEqual(['GET list page 0', 'GET list page 0', 'GET list page 0'])
    expect(clock.sleeps).toEqual([250, 500])
    const reason = 'list: HTTP 503 SERVICE_UNAVAILABLE: Try later (requestId req-503, 3 attempts)'
    expect(failures(report)).toEqual([`ci_kept: ${reason}`, `ci_new: ${reason}`])
    expect(standIn.values()).toEqual({ ci_kept: 'old-ci_kept', ci_stale: 'old-ci_stale' })
    expect(report.pruneSkipped).toBeUndefined()
  })
})

describe('a request that gets no answer', () => {
  it('is abandoned after timeoutMs, retried, then reported; the other secrets land', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && createdTag(r.rawBody) === 'stuck' ? { hang: true } : undefined
    const values = { a_tag: VALUES.a_tag, stuck: 'stuck-value-5e5e', b_tag: VALUES.b_tag }
    const { report, recording } = await sync(settingsFor(standIn, values, { timeoutMs: 200, maxRetries: 1 }))

    expect(failures(report)).toEqual([
      'stuck: create "stuck": no response TIMEOUT: no response within 0.2 s; it may have been applied (2 attempts)'
    ])
    expect(recording.retries).toEqual([
      { attempt: 1, reason: 'TIMEOUT', delayMs: 250, operation: 'create', tag: 'stuck' }
    ])
    expect(requestLines(standIn).filter((line) => line === 'POST stuck')).toHaveLength(2)
    expect(standIn.values()).toEqual({ a_tag: VALUES.a_tag, b_tag: VALUES.b_tag })
  })
})

describe('a key refused in the middle of the run', () => {
  it('401 on the third write: no request starts after it, every secret left fails with it', async () => {
    let writes = 0
    standIn.options.intercept = (r) =>
      r.method === 'POST' && ++writes === 3
        ? { status: 401, body: { type: 'UNAUTHORIZED', message: 'Key revoked', requestId: 'req-401' } }
        : undefined
    seed('z_old')
    const { report, recording } = await sync(settingsFor(standIn, VALUES, { concurrency: 1, pruneMatch: '*' }))

    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST a_tag', 'POST b_tag', 'POST c_tag'])
    expect(standIn.values()).toEqual({ a_tag: VALUES.a_tag, b_tag: VALUES.b_tag, z_old: 'old-z_old' })
    expect(recording.outcomes()).toEqual([
      'a_tag: created',
      'b_tag: created',
      'c_tag: failed',
      'd_tag: failed',
      'e_tag: failed'
    ])
    const refused = report.results.filter((r) => r.outcome === 'failed').map((r) => r.error)
    expect(refused[0]).toBeInstanceOf(ApiKeyRefusedError)
    expect(refused[0]?.message).toBe(
      'Cortex refused the API key with HTTP 401: the key is invalid or expired (requestId req-401). The run stopped.'
    )
    // One refusal, told once: every secret left fails with that very error.
    expect(new Set(refused).size).toBe(1)
    // The prune it planned was not made.
    expect(report.pruneSkipped).toEqual({
      reason: '3 creates or updates failed, so nothing was deleted',
      tags: ['z_old']
    })
  })

  it.each<[string, InterceptReply]>([
    [
      'a 429 pause of the whole run',
      { status: 429, headers: { 'retry-after': '120' }, body: { title: 'Too Many Requests', retryAfter: 120 } }
    ],
    ['the backoff of one request', { status: 503, headers: { 'retry-after': '120' }, body: '<html>busy</html>' }]
  ])('401 during %s of 120 s: the run stops waiting at once', async (_, wait) => {
    // Sleeps on this clock end only when the test moves time on, which it never does: a run that
    // waits out the 120 s never ends, and only the stop can wake the request that waits.
    const clock = new ManualClock()
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    standIn.options.intercept = async (r) => {
      if (r.method !== 'POST') return undefined
      // The wait is asked for once both creates are sent; the key is refused once a request waits.
      if (createdTag(r.rawBody) === 'waits') return (await until(() => standIn.requestsWith('POST').length === 2), wait)
      await until(() => clock.sleeping > 0)
      return { status: 401, body: { type: 'UNCATEGORIZED', message: 'Invalid API key', requestId: 'req-401' } }
    }
    const values = { waits: 'waits-value-1d1d', refused: 'refused-value-2e2e', queued: 'queued-value-3f3f' }
    const { report } = await sync(settingsFor(standIn, values, { concurrency: 2 }), clock)

    const refused =
      'Cortex refused the API key with HTTP 401: the key is invalid or expired (requestId req-401). The run stopped.'
    expect(failures(report).sort()).toEqual([`queued: ${refused}`, `refused: ${refused}`, `waits: ${refused}`])
    expect(clock.sleeping).toBe(0)
    expect(clock.time).toBe(new ManualClock().time)
    // Nothing starts after the 401: the third secret is never sent.
    expect(requestLines(standIn).sort()).toEqual(['GET list page 0', 'POST refused', 'POST waits'])
    expect(standIn.values()).toEqual({})
  })

  it('403 on a deletion: the deletions left are not made and fail with it', async () => {
    seed('old_a', 'old_b', 'old_c')
    standIn.options.intercept = (r) =>
      r.method === 'DELETE' ? { status: 403, body: { type: 'FORBIDDEN', message: 'No' } } : undefined
    const { report } = await sync(
      settingsFor(standIn, { kept: 'kept-value-6a6a' }, { concurrency: 1, pruneMatch: '*' })
    )

    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST kept', 'DELETE old_a'])
    expect(outcomesOf(report)).toEqual(['kept: created', 'old_a: failed', 'old_b: failed', 'old_c: failed'])
    const refused = report.results.filter((r) => r.outcome === 'failed').map((r) => r.error)
    expect(new Set(refused).size).toBe(1)
    expect(refused[0]).toBeInstanceOf(ApiKeyRefusedError)
    expect(refused[0]?.message).toBe(
      'Cortex refused the API key with HTTP 403: the key lacks the "Create secrets" permission (list and get need it too). The run stopped.'
    )
    expect(standIn.values()).toEqual({
      kept: 'kept-value-6a6a',
      old_a: 'old-old_a',
      old_b: 'old-old_b',
      old_c: 'old-old_c'
    })
  })
})

describe('retries and waits', () => {
  it('a 429 pauses the run for its Retry-After; a 503 backs off; both are told', async () => {
    const answered = new Set<string>()
    standIn.options.intercept = (r) => {
      const tag = r.method === 'POST' ? createdTag(r.rawBody) : undefined
      if (tag === undefined || answered.has(tag)) return undefined
      answered.add(tag)
      if (tag === 'limited') return { status: 429, headers: { 'retry-after': '7' }, body: { message: 'Slow down' } }
      if (tag === 'flaky') return { status: 503, body: { message: 'Busy' } }
      return undefined
    }
    const clock = new FakeClock()
    const { report, recording } = await sync(
      settingsFor(standIn, { limited: 'limited-value-1e1e', flaky: 'flaky-value-2f2f' }, { concurrency: 1 }),
      clock
    )

    expect(outcomesOf(report)).toEqual(['flaky: created', 'limited: created'])
    expect(standIn.values()).toEqual({ limited: 'limited-value-1e1e', flaky: 'flaky-value-2f2f' })
    expect(requestLines(standIn)).toEqual([
      'GET list page 0',
      'POST limited',
      'POST limited',
      'POST flaky',
      'POST flaky'
    ])
    expect(recording.retries).toEqual([
      { attempt: 1, reason: 'HTTP 429', delayMs: 7000, pause: 'new', operation: 'create', tag: 'limited' },
      // random() is 0.5: half of the first backoff ceiling (500 ms).
      { attempt: 1, reason: 'HTTP 503', delayMs: 250, operation: 'create', tag: 'flaky' }
    ])
    // The 429's pause is waited at the gate; the 503's backoff by the request itself.
    expect(recording.waits).toEqual([{ ms: 7000, reason: 'rate-limited' }])
    expect(clock.sleeps).toEqual([7000, 250])
    // Every attempt is told as one line: method, path and query, status, milliseconds.
    expect(recording.requests.map((line) => line.replace(/ \d+ ms$/, ''))).toEqual([
      'GET /api/v1/secrets?page=0&pageSize=1000 200',
      'POST /api/v1/secrets 429',
      'POST /api/v1/secrets 200',
      'POST /api/v1/secrets 503',
      'POST /api/v1/secrets 200'
    ])
  })

  it('paces the run to its request budget: waits are told as paced', async () => {
    const { report, recording, clock } = await sync(
      settingsFor(standIn, { a: 'value-a-3a3a', b: 'value-b-4b4b', c: 'value-c-5c5c' }, { rateLimitPerMinute: 2 })
    )
    expect(failures(report)).toEqual([])
    expect(standIn.requests).toHaveLength(4)
    expect(recording.waits.length).toBeGreaterThan(0)
    expect(recording.waits.every((w) => w.reason === 'paced')).toBe(true)
    expect(recording.waits.reduce((ms, w) => ms + w.ms, 0)).toBeGreaterThanOrEqual(60_000)
    expect(clock.sleeps.reduce((ms, w) => ms + w, 0)).toBeGreaterThanOrEqual(60_000)
  })

  it('fails a secret whose retries run out, with the attempts it made', async () => {
    standIn.options.intercept = (r) => (r.method === 'POST' ? { status: 503, body: { message: 'Busy' } } : undefined)
    const { report, recording, clock } = await sync(
      settingsFor(standIn, { busy: 'busy-value-6d6d' }, { maxRetries: 2 })
    )
    expect(failures(report)).toEqual(['busy: create "busy": HTTP 503: Busy (3 attempts)'])
    expect(recording.retries.map((r) => [r.tag, r.attempt, r.delayMs])).toEqual([
      ['busy', 1, 250],
      ['busy', 2, 500]
    ])
    expect(clock.sleeps).toEqual([250, 500])
  })
})

describe('a create that finds the tag taken by another writer since the list', () => {
  it.each([409, 400] as const)('answered %i: reads the tag back, writes our value by an update', async (status) => {
    await standIn.close()
    standIn = await CortexStandIn.start({ conflictStatus: status })
    let raced = false
    standIn.options.intercept = (r, s) => {
      // Another writer creates the tag just before our create arrives.
      if (r.method === 'POST' && !raced) {
        raced = true
        s.seed([{ tag: 'raced', name: 'Theirs', secret: 'their-value' }])
      }
      return undefined
    }
    const { report, recording } = await sync(settingsFor(standIn, { raced: 'our-value-9f9f', calm: 'calm-value-1a1a' }))

    expect(failures(report)).toEqual([])
    expect(standIn.values()).toEqual({ raced: 'our-value-9f9f', calm: 'calm-value-1a1a' })
    expect(recording.outcomes()).toEqual(['calm: created', 'raced: updated'])
    const forRaced = requestLines(standIn).filter((line) => line.endsWith(' raced'))
    expect(forRaced).toEqual(['POST raced', 'GET raced', 'PUT raced'])
    const conflict = standIn.requests.find((r) => r.method === 'POST' && createdTag(r.rawBody) === 'raced')
    expect(conflict?.status).toBe(status)
    // Without a name in the input, the update leaves the other writer's name.
    expect(standIn.secrets.get('raced')?.name).toBe('Theirs')
  })

  it('a 400 that is not about the tag (the tag is not there) fails with the create error itself', async () => {
    standIn.options.intercept = (r) =>
      r.method === 'POST' && createdTag(r.rawBody) === 'bad'
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Invalid name', requestId: 'req-400' } }
        : undefined
    const { report, recording } = await sync(settingsFor(standIn, { bad: 'bad-value-2b2b', good: 'good-value-3c3c' }))

    expect(recording.outcomes()).toEqual(['bad: failed', 'good: created'])
    expect(failures(report)).toEqual([
      'bad: create "bad": HTTP 400 BAD_REQUEST: Invalid name (requestId req-400, 1 attempt)'
    ])
    expect(standIn.values()).toEqual({ good: 'good-value-3c3c' })
    expect(requestLines(standIn).filter((line) => line.endsWith(' bad'))).toEqual(['POST bad', 'GET bad'])
  })

  it('a tag that exists, then is gone before our update: fails, naming the other writer', async () => {
    standIn.options.intercept = (r, s) => {
      if (r.method === 'POST') s.seed([{ tag: 'flaky', secret: 'their-value' }])
      if (r.method === 'PUT') s.secrets.delete('flaky')
      return undefined
    }
    const { report } = await sync(settingsFor(standIn, { flaky: 'our-value-4d4d' }))
    expect(failures(report)).toEqual([
      'flaky: update "flaky": Cortex said the tag exists, then that it does not: another writer is changing it'
    ])
  })
})

describe('an update of a tag another writer deleted since the list', () => {
  it('becomes a create, reported created', async () => {
    standIn.seed([
      { tag: 'vanishing', name: 'Old name', secret: 'old-value' },
      { tag: 'stays', secret: 'old-value' }
    ])
    standIn.options.intercept = (r, s) => {
      if (r.method === 'PUT' && tagOf(r.path) === 'vanishing') s.secrets.delete('vanishing')
      return undefined
    }
    const { report, recording } = await sync(
      settingsFor(standIn, { vanishing: 'new-value-5e5e', stays: 'new-value-6f6f' })
    )

    expect(failures(report)).toEqual([])
    expect(recording.outcomes()).toEqual(['stays: updated', 'vanishing: created'])
    expect(standIn.values()).toEqual({ vanishing: 'new-value-5e5e', stays: 'new-value-6f6f' })
    // Created without a name in the input: Cortex gets the tag as the name.
    expect(standIn.secrets.get('vanishing')?.name).toBe('vanishing')
    expect(requestLines(standIn).filter((line) => line.endsWith(' vanishing'))).toEqual([
      'PUT vanishing',
      'POST vanishing'
    ])
  })
})

describe('a create that landed before its connection dropped', () => {
  it('is retried, found by its tag, written by an update and reported created', async () => {
    let dropped = false
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'POST' || dropped) return undefined
      // Cortex stores the secret, then the connection breaks before the answer.
      dropped = true
      const body = JSON.parse(r.rawBody) as { tag: string; name: string; secret: string }
      s.seed([{ tag: body.tag, name: body.name, secret: body.secret }])
      return { reset: true }
    }
    const { report, recording } = await sync(settingsFor(standIn, { landed: 'landed-value-7a7a' }, { maxRetries: 2 }))

    expect(failures(report)).toEqual([])
    expect(recording.outcomes()).toEqual(['landed: created'])
    expect(standIn.values()).toEqual({ landed: 'landed-value-7a7a' })
    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST landed', 'POST landed', 'GET landed', 'PUT landed'])
    // The retry is told, for this very secret.
    expect(recording.retries).toEqual([expect.objectContaining({ operation: 'create', tag: 'landed', attempt: 1 })])
  })
})
