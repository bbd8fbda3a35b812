/** pushSecrets in this process against the stand-in: creates and updates that race another writer. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, type StandInOptions } from '../../harness/cortex-stand-in.ts'
import { createdTag, push, requestLines, settingsFor, tagOf } from '../support/engine.ts'

let standIn: CortexStandIn
const start = async (options: StandInOptions = {}) => (standIn = await CortexStandIn.start(options))
afterEach(async () => {
  await standIn.close()
})

describe('a create that finds the tag taken by another writer since the list', () => {
  it.each([409, 400] as const)('answered %i: reads the tag back, writes our value by an update', async (status) => {
    await start({ conflictStatus: status })
    let raced = false
    standIn.options.intercept = (r, s) => {
      // Another writer creates the tag just before our create arrives.
      if (r.method === 'POST' && !raced) {
        raced = true
        s.seed([{ tag: 'raced', name: 'Theirs', secret: 'their-value' }])
      }
      return undefined
    }
    const { result, reporter } = await push(settingsFor(standIn, { raced: 'our-value-9f9f', calm: 'calm-value-1a1a' }))

    expect(result.failure).toBeUndefined()
    expect(standIn.values()).toEqual({ raced: 'our-value-9f9f', calm: 'calm-value-1a1a' })
    expect(reporter.outcomes()).toEqual(['calm: created', 'raced: updated'])
    const forRaced = requestLines(standIn).filter((line) => line.endsWith(' raced'))
    expect(forRaced).toEqual(['POST raced', 'GET raced', 'PUT raced'])
    const conflict = standIn.requests.find((r) => r.method === 'POST' && createdTag(r.rawBody) === 'raced')
    expect(conflict?.status).toBe(status)
  })

  it('a 400 that is not about the tag (the tag is not there) fails with the create error itself', async () => {
    await start()
    standIn.options.intercept = (r) =>
      r.method === 'POST' && createdTag(r.rawBody) === 'bad'
        ? { status: 400, body: { type: 'BAD_REQUEST', message: 'Invalid name', requestId: 'req-400' } }
        : undefined
    const { result, reporter } = await push(settingsFor(standIn, { bad: 'bad-value-2b2b', good: 'good-value-3c3c' }))

    expect(reporter.outcomes()).toEqual(['bad: failed', 'good: created'])
    expect(result.failure).toBe(
      '1 of 2 secrets failed:\n- bad: create "bad": HTTP 400 BAD_REQUEST: Invalid name (requestId req-400, 1 attempt)'
    )
    expect(standIn.values()).toEqual({ good: 'good-value-3c3c' })
    expect(requestLines(standIn).filter((line) => line.endsWith(' bad'))).toEqual(['POST bad', 'GET bad'])
  })

  it('a tag that exists, then is gone before our update: fails, naming the other writer', async () => {
    await start()
    standIn.options.intercept = (r, s) => {
      if (r.method === 'POST') s.seed([{ tag: 'flaky', secret: 'their-value' }])
      if (r.method === 'PUT') s.secrets.delete('flaky')
      return undefined
    }
    const { result } = await push(settingsFor(standIn, { flaky: 'our-value-4d4d' }))
    expect(result.results.map((r) => r.outcome)).toEqual(['failed'])
    expect(result.failure).toContain(
      'update "flaky": Cortex said the tag exists, then that it does not: another writer is changing it'
    )
  })
})

describe('an update of a tag another writer deleted since the list', () => {
  it('becomes a create, reported created', async () => {
    await start()
    standIn.seed([
      { tag: 'vanishing', name: 'Old name', secret: 'old-value' },
      { tag: 'stays', secret: 'old-value' }
    ])
    standIn.options.intercept = (r, s) => {
      if (r.method === 'PUT' && tagOf(r.path) === 'vanishing') s.secrets.delete('vanishing')
      return undefined
    }
    const { result, reporter } = await push(
      settingsFor(standIn, { vanishing: 'new-value-5e5e', stays: 'new-value-6f6f' })
    )

    expect(result.failure).toBeUndefined()
    expect(reporter.outcomes()).toEqual(['stays: updated', 'vanishing: created'])
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
    await start()
    let dropped = false
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'POST' || dropped) return undefined
      // Cortex stores the secret, then the connection breaks before the answer.
      dropped = true
      const body = JSON.parse(r.rawBody) as { tag: string; name: string; secret: string }
      s.seed([{ tag: body.tag, name: body.name, secret: body.secret }])
      return { reset: true }
    }
    const { result, reporter } = await push(settingsFor(standIn, { landed: 'landed-value-7a7a' }, { maxRetries: 2 }))

    expect(result.failure).toBeUndefined()
    expect(reporter.outcomes()).toEqual(['landed: created'])
    expect(standIn.values()).toEqual({ landed: 'landed-value-7a7a' })
    expect(requestLines(standIn)).toEqual(['GET list page 0', 'POST landed', 'POST landed', 'GET landed', 'PUT landed'])
    // The retry is told, tallied, and counted against the secret.
    expect(reporter.retries).toEqual([expect.objectContaining({ operation: 'create', tag: 'landed', attempt: 1 })])
    expect(result.tally.retriesFor('landed')).toBe(1)
    expect(reporter.results[0]?.retries).toBe(1)
  })
})
