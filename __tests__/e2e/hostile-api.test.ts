/**
 * A server that answers 200 with bodies the API does not describe, page counts
 * it cannot mean, duplicate or inconsistent list items, and "exists" for the
 * wrong secret, against the action bundled from src/. Every secret is applied or
 * listed as failed with a clear reason, the outputs and the summary are written
 * on every path, nothing wrong is deleted, and nothing leaks.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  CortexStandIn,
  STAND_IN_API_KEY,
  type InterceptReply,
  type RecordedRequest
} from '../../harness/cortex-stand-in.ts'
import { OpenApiContract } from '../../harness/openapi-contract.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

const contract = new OpenApiContract()

/** The server misbehaves here, not the action: only what the action sent is held to the contract. */
function expectRequestsWithinContract(): void {
  expect(standIn.requests.flatMap((r) => contract.requestProblems(r))).toEqual([])
}

function push(values: Record<string, string>, inputs: Record<string, string> = {}) {
  const secrets = Object.entries(values)
    .map(([tag, value]) => `${tag}: ${value}`)
    .join('\n')
  return runAction({
    inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, ...inputs },
    timeoutMs: 45_000
  })
}

const isList = (r: RecordedRequest) => r.method === 'GET' && r.path === '/api/v1/secrets'
const json = (text: string | undefined): string[] => JSON.parse(text ?? 'null') as string[]
const errorLine = (stdout: string) => stdout.split('\n').find((l) => l.startsWith('::error::')) ?? ''
const methods = () => standIn.requests.map((r) => r.method)

/** The stand-in's own answer to a list request, as a body a test can change. */
function realListPage(page: number): { page: number; secrets: Record<string, unknown>[]; total: number } {
  const all = [...standIn.secrets.values()].map(({ id, tag, name }) => ({ id, tag, name }))
  return { page, secrets: all.slice(page * 1000, (page + 1) * 1000), total: all.length }
}

/** Answers list requests with `answer(page)`; everything else is handled normally. */
function interceptList(answer: (page: number) => unknown): void {
  standIn.options.intercept = (r) => (isList(r) ? { status: 200, body: answer(Number(r.query.page)) } : undefined)
}

const VALUES = { ci_new: 'ci-new-value-a1b2', ci_kept: 'ci-kept-value-c3d4' }

describe('a list body that does not match the API (item 10)', () => {
  const id = 'se0123456789abcdef'
  it.each<[string, (page: ReturnType<typeof realListPage>) => unknown, string]>([
    ['without secrets', ({ page, total }) => ({ page, total, totalPages: 1 }), 'secrets is missing, not an array'],
    [
      'with a null item among good ones',
      (p) => ({ ...p, secrets: [...p.secrets, null], totalPages: 1 }),
      'secrets[2] is null, not an object'
    ],
    [
      'with a numeric tag',
      (p) => ({ ...p, secrets: [{ id, tag: 42 }, ...p.secrets], totalPages: 1 }),
      'secrets[0].tag is a number, not a string'
    ],
    [
      'with a tag outside the tag rule that carries a workflow command',
      (p) => ({ ...p, secrets: [...p.secrets, { id, tag: 'ci_x\n::set-output name=injected::yes' }], totalPages: 1 }),
      'secrets[2].tag is not a tag (letters, digits, "_" and "-" only)'
    ],
    [
      'with an item without an id',
      (p) => ({ ...p, secrets: [{ tag: 'ci_orphan' }, ...p.secrets], totalPages: 1 }),
      'secrets[0].id is missing, not a string'
    ],
    [
      'with a fractional page count',
      (p) => ({ ...p, totalPages: 1.5 }),
      'totalPages is 1.5, not a whole number of 0 or more'
    ],
    [
      'with a negative total',
      (p) => ({ ...p, total: -1, totalPages: 1 }),
      'total is -1, not a whole number of 0 or more'
    ],
    ['with a total as text', (p) => ({ ...p, total: '2', totalPages: 1 }), 'total is a string, not a number'],
    ['that is an array', (p) => [p], 'the body is an array, not an object'],
    ['for another page than asked', (p) => ({ ...p, page: 1, totalPages: 1 }), 'page is 1, not the page asked (0)']
  ])('%s: every secret fails with the reason, nothing is written or deleted', async (_, hostile, problem) => {
    standIn.seed([
      { tag: 'ci_kept', secret: 'old-kept' },
      { tag: 'ci_stale', secret: 'old-stale' }
    ])
    interceptList((page) => hostile(realListPage(page)))
    const run = await push(VALUES, { prune: 'true', 'prune-match': 'ci_*' })

    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['GET'])
    expect(standIn.values()).toEqual({ ci_kept: 'old-kept', ci_stale: 'old-stale' })
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["ci_kept","ci_new"]' })
    expect(errorLine(run.stdout)).toContain(
      `- ci_new: Cortex answered the list (page 0) with a body that does not match the API: ${problem} (HTTP 200, 1 attempt)`
    )
    expect(run.summary).toContain('<td><code>ci_new</code></td>')
    expect(run.summary).toContain('does not match the API')
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/TypeError|^::set-output/m)
    expectRequestsWithinContract()
    expectNoLeak(run, Object.values(VALUES))
  })
})

describe('a write answered with a body that does not match the API (item 10)', () => {
  const plain = 'plain-value-e5f6'
  it.each<[string, (r: RecordedRequest) => InterceptReply | undefined, string, Record<string, string>]>([
    [
      'a create answered with another tag',
      (r) =>
        r.method === 'POST' && r.rawBody.includes('"ci_new"')
          ? { status: 200, body: { id: 'se0123456789abcdef', tag: 'ci_other', name: 'ci_other' } }
          : undefined,
      'Cortex answered create "ci_new" with a body that does not match the API: tag is not the tag asked (HTTP 200, 1 attempt)',
      // The stand-in never saw the create: the intercept answered it.
      { ci_kept: VALUES.ci_kept, plain }
    ],
    [
      'an update answered with null',
      (r) => (r.method === 'PUT' ? { status: 200, body: 'null' } : undefined),
      'Cortex answered update "ci_kept" with a body that does not match the API: the body is null, not an object (HTTP 200, 1 attempt)',
      { ci_kept: 'old-kept', ci_new: VALUES.ci_new, plain }
    ]
  ])('%s: that secret fails with the reason, the others land', async (_, hostile, message, after) => {
    standIn.seed([{ tag: 'ci_kept', secret: 'old-kept' }])
    standIn.options.intercept = hostile
    const values = { ...VALUES, plain }
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    const failedTag = message.includes('create') ? 'ci_new' : 'ci_kept'
    expect(run.outputs.failed).toBe(JSON.stringify([failedTag]))
    expect(standIn.values()).toEqual(after)
    expect(errorLine(run.stdout)).toContain(`%0A- ${failedTag}: ${message}`)
    expect(run.summary).toContain('does not match the API')
    expectRequestsWithinContract()
    expectNoLeak(run, [...Object.values(values), 'old-kept'])
  })
})

describe('page counts Cortex cannot mean (item 9)', () => {
  it('totalPages 1000000 with total 0: one list request, the run goes on', async () => {
    interceptList((page) => ({ page, secrets: [], total: 0, totalPages: 1_000_000 }))
    const run = await push(VALUES)
    expect(run.exitCode).toBe(0)
    expect(standIn.requests.filter(isList)).toHaveLength(1)
    expect(standIn.values()).toEqual(VALUES)
    expect(json(run.outputs.created)).toEqual(['ci_kept', 'ci_new'])
    expectRequestsWithinContract()
    expectNoLeak(run, Object.values(VALUES))
  })

  it('totalPages 4294967296: bounded by total, no crash', async () => {
    standIn.seed([{ tag: 'ci_kept', secret: 'old-kept' }])
    interceptList((page) => ({ ...realListPage(page), totalPages: 4_294_967_296 }))
    const run = await push(VALUES)
    expect(run.exitCode).toBe(0)
    expect(standIn.requests.filter(isList)).toHaveLength(1)
    expect(standIn.values()).toEqual(VALUES)
    expect(run.outputs).toEqual({ created: '["ci_new"]', updated: '["ci_kept"]', deleted: '[]', failed: '[]' })
    expect(run.summary).toContain('1 created, 1 updated')
    expectRequestsWithinContract()
    expectNoLeak(run, [...Object.values(VALUES), 'old-kept'])
  })

  it('stops at the first empty page, fetching pages `concurrency` at a time', async () => {
    standIn.seed([{ tag: 'ci_kept', secret: 'old-kept' }])
    // Claims 100 full pages; the stand-in's own pages 1.. are empty.
    interceptList((page) => ({ ...realListPage(page), total: 100_000, totalPages: 100 }))
    const run = await push(VALUES, { concurrency: '4' })
    expect(run.exitCode).toBe(0)
    const pages = standIn.requests.filter(isList).map((r) => Number(r.query.page))
    expect(pages[0]).toBe(0)
    expect(pages).toContain(1)
    // Page 0, then at most one round of `concurrency` pages: page 1 comes back empty.
    expect(pages.length).toBeLessThanOrEqual(1 + 4)
    expect(standIn.values()).toEqual(VALUES)
    expect(run.outputs.updated).toBe('["ci_kept"]')
    expectRequestsWithinContract()
    expectNoLeak(run, [...Object.values(VALUES), 'old-kept'])
  })

  it('past the ceiling (1,000 pages): one list request, every secret fails clearly, outputs and summary written', async () => {
    standIn.seed([
      { tag: 'ci_kept', secret: 'old-kept' },
      { tag: 'ci_stale', secret: 'old-stale' }
    ])
    interceptList((page) => ({ ...realListPage(page), total: 2_000_000_000, totalPages: 2_000_000 }))
    const run = await push(VALUES, { prune: 'true', 'prune-match': 'ci_*' })
    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['GET'])
    expect(standIn.values()).toEqual({ ci_kept: 'old-kept', ci_stale: 'old-stale' })
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["ci_kept","ci_new"]' })
    expect(errorLine(run.stdout)).toContain(
      '- ci_new: Cortex answered the list (page 0) with 2000000000 secrets in 2000000 pages: more than the 1000 pages of 1000 this action reads (HTTP 200, 1 attempt)'
    )
    expect(run.summary).toContain('<td><code>ci_new</code></td>')
    expectNoLeak(run, Object.values(VALUES))
  })
})

describe('the same secret on two list pages (item 3)', () => {
  type Item = { id: string; tag: string; name: string }
  const item = (tag: string): Item => {
    const s = standIn.secrets.get(tag) as Item
    return { id: s.id, tag: s.tag, name: s.name }
  }
  beforeEach(() => {
    standIn.seed(['ci_a', 'ci_b', 'ci_c', 'ci_kept'].map((tag) => ({ tag, secret: `old-${tag}` })))
  })

  it('is deleted once and counted once', async () => {
    // An insertion between the two page requests shifts ci_b onto page 1 as well. The total
    // claims two pages' worth, so that page 1 is read.
    interceptList((page) =>
      page === 0
        ? { page, secrets: [item('ci_kept'), item('ci_a'), item('ci_b')], total: 1001, totalPages: 2 }
        : { page, secrets: [item('ci_b'), item('ci_c')], total: 1001, totalPages: 2 }
    )
    const run = await push({ ci_kept: 'kept-value-0a0a' }, { prune: 'true', 'prune-match': 'ci_*' })
    expect(run.exitCode).toBe(0)
    expect(
      standIn
        .requestsWith('DELETE')
        .map((r) => r.path)
        .sort()
    ).toEqual(['/api/v1/secrets/ci_a', '/api/v1/secrets/ci_b', '/api/v1/secrets/ci_c'])
    expect(run.outputs.deleted).toBe('["ci_a","ci_b","ci_c"]')
    expect(run.summary).toContain('0 created, 1 updated, 3 deleted, 0 failed')
    expect(standIn.values()).toEqual({ ci_kept: 'kept-value-0a0a' })
    expectRequestsWithinContract()
    expectNoLeak(run, ['kept-value-0a0a'])
  })

  it('under two different ids: the list is refused, nothing is written or deleted', async () => {
    interceptList((page) =>
      page === 0
        ? { page, secrets: [item('ci_kept'), item('ci_a'), item('ci_b')], total: 1001, totalPages: 2 }
        : { page, secrets: [{ ...item('ci_b'), id: 'se00000000000000ff' }, item('ci_c')], total: 1001, totalPages: 2 }
    )
    const run = await push({ ci_kept: 'kept-value-0a0a' }, { prune: 'true', 'prune-match': 'ci_*' })
    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['GET', 'GET'])
    expect(Object.keys(standIn.values()).sort()).toEqual(['ci_a', 'ci_b', 'ci_c', 'ci_kept'])
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["ci_kept"]' })
    expect(errorLine(run.stdout)).toContain(
      '- ci_kept: Cortex answered the list with the tag "ci_b" under two different ids: the list cannot be trusted'
    )
    expect(run.summary).toContain('under two different ids')
    expectNoLeak(run, ['kept-value-0a0a'])
  })

  it('one id under two tags: the list is refused, nothing is written or deleted', async () => {
    // Two DELETEs for one secret, and "2 deleted", if the list were believed.
    interceptList((page) =>
      page === 0
        ? { page, secrets: [item('ci_kept'), item('ci_a')], total: 1001, totalPages: 2 }
        : { page, secrets: [{ ...item('ci_a'), tag: 'ci_a2' }, item('ci_c')], total: 1001, totalPages: 2 }
    )
    const run = await push({ ci_kept: 'kept-value-0a0a' }, { prune: 'true', 'prune-match': 'ci_*' })
    expect(run.exitCode).toBe(1)
    expect(methods()).toEqual(['GET', 'GET'])
    expect(Object.keys(standIn.values()).sort()).toEqual(['ci_a', 'ci_b', 'ci_c', 'ci_kept'])
    expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: '["ci_kept"]' })
    expect(errorLine(run.stdout)).toContain(
      '- ci_kept: Cortex answered the list with the tags "ci_a" and "ci_a2" under one id: the list cannot be trusted'
    )
    expectNoLeak(run, ['kept-value-0a0a'])
  })
})

describe('a create answered "exists" (item 2, second half)', () => {
  it.each([
    // Cortex looks a secret up by tag or id: a tag that is another secret's id finds that secret.
    ['another secret, whose id is the tag asked', 'se2da8159dbeefb974', 'ci_other'],
    // If Cortex compared tags ignoring case (the docs do not say), the lookup would find this.
    ['the tag in another case', 'Payments_DB', 'payments_db']
  ])(
    'when the confirming GET returns %s, the create error is reported and nothing is updated',
    async (_, asked, answered) => {
      // Another writer creates it after the list: a listed id equal to the tag would have the plan refuse it.
      const theirs = { id: asked.startsWith('se') ? asked : 'se00000000000000aa' }
      standIn.options.intercept = (r, s) => {
        if (r.method === 'POST') {
          s.seed([{ tag: answered, secret: 'their-value' }])
          ;(s.secrets.get(answered) as { id: string }).id = theirs.id
          return { status: 409, body: { type: 'CONFLICT', message: 'Secret already exists', requestId: 'req-409' } }
        }
        if (r.method === 'GET' && r.path === `/api/v1/secrets/${asked}`)
          return { status: 200, body: { id: theirs.id, tag: answered, name: answered } }
        return undefined
      }
      const run = await push({ [asked]: 'our-value-1f1f' })
      expect(run.exitCode).toBe(1)
      expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 409', 'GET 200'])
      expect(standIn.values()).toEqual({ [answered]: 'their-value' })
      expect(run.outputs).toEqual({ created: '[]', updated: '[]', deleted: '[]', failed: JSON.stringify([asked]) })
      expect(errorLine(run.stdout)).toContain(
        `- ${asked}: create "${asked}": HTTP 409 CONFLICT: Secret already exists (requestId req-409, 1 attempt)`
      )
      expectNoLeak(run, ['our-value-1f1f', 'their-value'])
    }
  )
})

describe('a create that landed before its connection dropped (item 16, third part)', () => {
  it('is reported created, and the value is ours', async () => {
    let dropped = false
    standIn.options.intercept = (r, s) => {
      if (r.method !== 'POST' || dropped) return undefined
      // Cortex stores the secret, then the connection is reset before the answer.
      dropped = true
      const { tag, name, secret } = JSON.parse(r.rawBody) as Record<string, string>
      s.seed([{ tag: tag as string, name, secret: secret as string }])
      return { reset: true }
    }
    const run = await push({ ci_new: 'ci-new-value-a1b2' })
    expect(run.exitCode).toBe(0)
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'POST 0',
      'POST 409',
      'GET 200',
      'PUT 200'
    ])
    expect(run.outputs).toEqual({ created: '["ci_new"]', updated: '[]', deleted: '[]', failed: '[]' })
    expect(standIn.values()).toEqual({ ci_new: 'ci-new-value-a1b2' })
    expect(run.summary).toContain('<td>ci_new</td><td>created (1 retry)</td>')
    expectRequestsWithinContract()
    expectNoLeak(run, ['ci-new-value-a1b2'])
  })
})
