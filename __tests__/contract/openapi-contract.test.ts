/**
 * The stand-in and the action's client against the vendor's OpenAPI text:
 * every request the client sends and every answer the stand-in gives must be
 * one the contract describes.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { Agent, request } from 'undici'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { OpenApiContract } from '../../harness/openapi-contract.ts'
import { ApiKeyRefusedError, CortexApiError } from '../../src/domain/secret.ts'
import { run } from '../../src/main.ts'
import { ACTION_VERSION } from '../../src/version.ts'
import { clientFor } from '../support/client.ts'

const contract = new OpenApiContract()
let standIn: CortexStandIn

beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

function expectAllWithinContract(): void {
  expect(standIn.requests.length).toBeGreaterThan(0)
  for (const r of standIn.requests) {
    expect({
      request: `${r.method} ${r.path}`,
      problems: [...contract.requestProblems(r), ...contract.responseProblems(r)]
    }).toEqual({
      request: `${r.method} ${r.path}`,
      problems: []
    })
  }
}

describe('the contract checker', () => {
  it('catches what breaks the contract', () => {
    const base = { headers: { 'content-type': 'application/json' }, query: {}, rawBody: '', responseBody: '' }
    expect(
      contract.requestProblems({ ...base, method: 'GET', path: '/api/v1/secrets', status: 200, query: { page: '0' } })
    ).toEqual(['listAllSecrets: required query parameter pageSize missing'])
    expect(
      contract.requestProblems({
        ...base,
        method: 'POST',
        path: '/api/v1/secrets',
        status: 200,
        rawBody: '{"tag":"a","name":"a","value":"x"}'
      })
    ).toEqual(expect.arrayContaining(["createSecret request body: / must have required property 'secret'"]))
    expect(contract.responseProblems({ ...base, method: 'POST', path: '/api/v1/secrets', status: 201 })).toEqual([
      'createSecret 201: status not documented'
    ])
    expect(
      contract.responseProblems({
        ...base,
        method: 'GET',
        path: '/api/v1/secrets/x',
        status: 200,
        responseContentType: 'application/json',
        responseBody: '{"tag":"x"}'
      })
    ).toEqual(["getSecret 200 body: / must have required property 'id'"])
  })
})

describe('stand-in and client, within the contract', () => {
  it('create, get, list, update, delete, and their documented errors', async () => {
    const client = clientFor(standIn)
    expect(await client.create({ tag: 'ci_token', name: 'CI token', value: 'v1' })).toEqual({ outcome: 'created' })
    const created = standIn.secrets.get('ci_token')
    expect(created).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{18}$/),
      tag: 'ci_token',
      name: 'CI token',
      secret: 'v1'
    })
    expect(await client.exists('ci_token')).toBe(true)
    // Cortex finds a secret by tag or id: looked up by its id, it is not a secret with that tag.
    expect(await client.exists(created?.id ?? '')).toBe(false)
    expect(standIn.requests.at(-1)?.status).toBe(200)
    expect(await client.exists('absent')).toBe(false)
    await client.update('ci_token', { value: 'v2' })
    expect(standIn.secrets.get('ci_token')).toMatchObject({ name: 'CI token', secret: 'v2' })
    await client.update('ci_token', { value: 'v3', name: 'Renamed' })
    expect(standIn.secrets.get('ci_token')).toMatchObject({ name: 'Renamed', secret: 'v3' })
    expect(await client.update('absent', { value: 'x' })).toBe('absent')
    expect(standIn.requests.at(-1)?.responseBody).toMatch(/"type":"NOT_FOUND"/)
    await expect(client.create({ tag: 'bad.tag', name: 'x', value: 'x' })).rejects.toMatchObject({
      status: 400,
      details: { status: 400, type: 'BAD_REQUEST' }
    })
    expect(await client.delete('ci_token')).toBe('deleted')
    expect(await client.delete('ci_token')).toBe('absent')
    expect(standIn.requests.at(-1)?.status).toBe(404)
    expect(await client.listAll()).toEqual([])
    expectAllWithinContract()
  })

  it('pages the list with pageSize 1000 from page 0, following totalPages', async () => {
    standIn.seed(Array.from({ length: 2500 }, (_, i) => ({ tag: `t${i}`, secret: 'x' })))
    const all = await clientFor(standIn).listAll()
    expect(all.map((s) => s.tag)).toEqual(Array.from({ length: 2500 }, (_, i) => `t${i}`))
    expect(standIn.requests.map((r) => r.query).sort((a, b) => Number(a.page) - Number(b.page))).toEqual([
      { page: '0', pageSize: '1000' },
      { page: '1', pageSize: '1000' },
      { page: '2', pageSize: '1000' }
    ])
    expectAllWithinContract()
  })

  it('answers a list without page or pageSize, or with pageSize over 1000, with 400', async () => {
    const auth = { authorization: `Bearer ${STAND_IN_API_KEY}` }
    for (const query of ['', '?page=0', '?page=0&pageSize=1001']) {
      const res = await request(`${standIn.url}/api/v1/secrets${query}`, { headers: auth })
      expect(res.statusCode).toBe(400)
      await res.body.text()
    }
    for (const r of standIn.requests) expect(contract.responseProblems(r)).toEqual([])
  })

  it('refuses a create of an existing tag with 409 CONFLICT, or 400 when so configured', async () => {
    standIn.seed([{ tag: 'taken', secret: 'x' }])
    const exists = { outcome: 'exists', earlierAttemptMayHaveLanded: false }
    expect(await clientFor(standIn).create({ tag: 'taken', name: 'n', value: 'y' })).toEqual(exists)
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 409', 'GET 200'])
    expect(standIn.requests[0]?.responseBody).toMatch(/"type":"CONFLICT"/)
    await standIn.close()
    standIn = await CortexStandIn.start({ conflictStatus: 400 })
    standIn.seed([{ tag: 'taken', secret: 'x' }])
    expect(await clientFor(standIn).create({ tag: 'taken', name: 'n', value: 'y' })).toEqual(exists)
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['POST 400', 'GET 200'])
    expect(standIn.requests[0]?.responseBody).toMatch(/"type":"BAD_REQUEST"/)
    expect(standIn.secrets.get('taken')?.secret).toBe('x')
  })

  it('answers a wrong key with 401, which the client reports as a refused key', async () => {
    const error = await clientFor(standIn, 'wrong')
      .listPage(0)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiKeyRefusedError)
    expect((error as Error).message).toMatch(
      /^Cortex refused the API key with HTTP 401: the key is invalid or expired \(requestId [0-9a-f]{16}\)\. The run stopped\.$/
    )
    expect((error as Error).cause).toBeInstanceOf(CortexApiError)
  })

  it('sends the headers the contract and the issue ask for, from the action itself', async () => {
    // The action as the runner starts it: main.ts builds the client, user agent included.
    const env = {
      'INPUT_API-KEY': STAND_IN_API_KEY,
      'INPUT_API-URL': standIn.url,
      INPUT_SECRETS: 'h: value-h-1a2b'
    }
    const names = [...Object.keys(env), 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY']
    const saved = names.map((name) => [name, process.env[name]] as const)
    for (const name of names) delete process.env[name]
    Object.assign(process.env, env)
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const dispatcher = new Agent()
    try {
      await run({ dispatcher })
      expect(process.exitCode).toBeUndefined()
    } finally {
      stdout.mockRestore()
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
      process.exitCode = undefined
      await dispatcher.close()
    }
    expect(standIn.requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'POST 200'])
    for (const r of standIn.requests) {
      expect(r.headers).toMatchObject({
        authorization: `Bearer ${STAND_IN_API_KEY}`,
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': `cortex-secrets-action/${ACTION_VERSION}`
      })
    }
    expectAllWithinContract()
  })
})
