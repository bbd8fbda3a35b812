/** pushSecrets in this process against the stand-in: one secret failing, a list failing, a key refused mid-run. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, type InterceptReply } from '../../harness/cortex-stand-in.ts'
import { ApiKeyRefusedError, CortexApiError } from '../../src/cortex/cortex-api-error.ts'
import { push, requestLines, settingsFor, tagOf } from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

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
    const { result, reporter } = await push(settingsFor(standIn, VALUES))

    expect(result.failure).toBe(
      '1 of 5 secrets failed:\n- c_tag: update "c_tag": HTTP 400 BAD_REQUEST: Name too long (requestId req-c, 1 attempt)'
    )
    expect(standIn.values()).toEqual({ ...VALUES, c_tag: 'old' })
    expect(reporter.outcomes()).toEqual([
      'a_tag: updated',
      'b_tag: updated',
      'c_tag: failed',
      'd_tag: updated',
      'e_tag: updated'
    ])
    const failed = result.results.find((r) => r.outcome === 'failed')
    expect(failed?.error).toBeInstanceOf(CortexApiError)
    expect(failed?.error).toMatchObject({ status: 400, type: 'BAD_REQUEST', requestId: 'req-c' })
  })
})

describe('a list that fails', () => {
  it.each<[string, InterceptReply, RegExp]>([
    ['500', { status: 500, body: { type: 'INTERNAL', message: 'Oops' } }, /^list: HTTP 500 INTERNAL: Oops/],
    ['400', { status: 400, body: { type: 'BAD_REQUEST', message: 'No' } }, /^list: HTTP 400 BAD_REQUEST: No/],
    ['401', { status: 401, body: { type: 'UNAUTHORIZED', message: 'Bad key' } }, /^Cortex refused the API key/]
  ])('with %s: every secret fails with its reason, nothing is written', async (_status, reply, reason) => {
    standIn.options.intercept = () => reply
    const { result, reporter } = await push(settingsFor(standIn, VALUES, { pruneMatch: '*' }))

    expect(requestLines(standIn)).toEqual(['GET list page 0'])
    expect(standIn.values()).toEqual({})
    expect(result.results).toHaveLength(5)
    for (const r of result.results) {
      expect(r.outcome).toBe('failed')
      expect(r.error?.message).toMatch(reason)
    }
    expect(reporter.results).toHaveLength(5)
    expect(result.failure).toBeDefined()
  })
})

describe('a key refused in the middle of the run', () => {
  it('401 on the third write: no request starts after it, every secret left is failed, reported once', async () => {
    let writes = 0
    standIn.options.intercept = (r) =>
      r.method === 'POST' && ++writes === 3
        ? { status: 401, body: { type: 'UNAUTHORIZED', message: 'Key revoked', requestId: 'req-401' } }
        : undefined
    standIn.seed([{ tag: 'z_old', secret: 'old' }])
    const { result, reporter } = await push(settingsFor(standIn, VALUES, { concurrency: 1, pruneMatch: '*' }))

    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST a_tag', 'POST b_tag', 'POST c_tag'])
    expect(standIn.values()).toEqual({ a_tag: VALUES.a_tag, b_tag: VALUES.b_tag, z_old: 'old' })
    expect(reporter.outcomes()).toEqual([
      'a_tag: created',
      'b_tag: created',
      'c_tag: failed',
      'd_tag: failed',
      'e_tag: failed'
    ])
    for (const r of result.results.filter((r) => r.outcome === 'failed')) {
      expect(r.error).toBeInstanceOf(ApiKeyRefusedError)
    }
    expect(result.failure?.split('\n')).toEqual([
      'Cortex refused the API key with HTTP 401: the key is invalid or expired (requestId req-401). The run stopped.',
      'Not pushed (3): c_tag, d_tag, e_tag'
    ])
    // The prune it planned was not made.
    expect(result.pruneSkipped?.tags).toEqual(['z_old'])
  })

  it('403 on a deletion: the deletions left are not made and are named as not deleted', async () => {
    standIn.seed(['old_a', 'old_b', 'old_c'].map((tag) => ({ tag, secret: 'old' })))
    standIn.options.intercept = (r) =>
      r.method === 'DELETE' ? { status: 403, body: { type: 'FORBIDDEN', message: 'No' } } : undefined
    const { result } = await push(
      settingsFor(standIn, { kept: 'kept-value-6a6a' }, { concurrency: 1, pruneMatch: '*' })
    )

    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST kept', 'DELETE old_a'])
    expect(result.failure?.split('\n')).toEqual([
      'Cortex refused the API key with HTTP 403: the key lacks the "Create secrets" permission (list and get need it too). The run stopped.',
      'Not deleted (3): old_a, old_b, old_c'
    ])
  })
})
