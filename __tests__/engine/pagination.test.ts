/** pushSecrets in this process against the stand-in: a workspace over several list pages. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { push, requestLines, settingsFor } from '../support/engine.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

describe('a workspace of three list pages', () => {
  it('reads every page once, updates what any page holds, and prunes what every page holds', async () => {
    // Page 0: keep_0..keep_999; pages 1 and 2: old_0..old_1499 (the stand-in lists in insertion order).
    const keep = Array.from({ length: 1000 }, (_, i) => `keep_${i}`)
    const old = Array.from({ length: 1500 }, (_, i) => `old_${i}`)
    standIn.seed([...keep, ...old].map((tag) => ({ tag, secret: `was-${tag}` })))
    const input = { keep_0: 'keep-value-1a1a', old_1499: 'last-page-value-2b2b', brand_new: 'new-value-3c3c' }

    const { result, reporter } = await push(
      settingsFor(standIn, input, { pruneMatch: 'old_*', concurrency: 8, rateLimitPerMinute: 100_000 })
    )

    expect(result.failure).toBeUndefined()
    const lines = requestLines(standIn)
    expect(lines.filter((line) => line.startsWith('GET')).sort()).toEqual([
      'GET list page 0',
      'GET list page 1',
      'GET list page 2'
    ])
    // old_1499 is on the last page: found there, it is updated, never created.
    expect(lines.filter((line) => !line.startsWith('GET') && !line.startsWith('DELETE')).sort()).toEqual([
      'POST brand_new',
      'PUT keep_0',
      'PUT old_1499'
    ])
    expect(lines.filter((line) => line.startsWith('DELETE'))).toHaveLength(1499)
    expect(standIn.values()).toEqual({
      ...Object.fromEntries(keep.map((tag) => [tag, `was-${tag}`])),
      ...input
    })
    const counts = { created: 0, updated: 0, deleted: 0, failed: 0 }
    for (const r of result.results) counts[r.outcome]++
    expect(counts).toEqual({ created: 1, updated: 2, deleted: 1499, failed: 0 })
    expect(reporter.results).toHaveLength(1502)
  })

  it('goes by the pages the list holds when the first page claims more', async () => {
    standIn.seed([{ tag: 'only', secret: 'was' }])
    standIn.options.intercept = (r) => {
      if (r.method !== 'GET' || r.query.page === undefined) return undefined
      const page = Number(r.query.page)
      // The first page claims 3,000 secrets in 3 pages; page 1 is empty.
      const secrets = page === 0 ? [{ id: 'se0000000000000001', tag: 'only', name: 'only' }] : []
      return { status: 200, body: { page, secrets, total: 3000, totalPages: 3 } }
    }
    const { result } = await push(settingsFor(standIn, { only: 'new-value-4d4d' }, { concurrency: 1 }))

    expect(result.failure).toBeUndefined()
    expect(requestLines(standIn)).toEqual(['GET list page 0', 'GET list page 1', 'PUT only'])
  })
})
