/** Bad input fails the step before the first request, naming the problem and never quoting a value. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { runAction } from '../../harness/run-action.ts'
import { expectNoLeak } from '../support/expectations.ts'

/** The outputs of a run that stopped before any request (issue 17, item 6). */
const NOTHING_DONE = { created: '[]', updated: '[]', deleted: '[]', failed: '[]' }

let standIn: CortexStandIn
beforeAll(async () => {
  standIn = await CortexStandIn.start()
})
afterAll(async () => {
  await standIn.close()
})

const SECRET = 'hunter2-s3cr3t-value'

/** Runs the action with `text` as a dotenv secrets-file, which must be refused before any request with `message`. */
async function refusedDotenv(text: string, message: RegExp) {
  const file = join(mkdtempSync(join(tmpdir(), 'dotenv-')), 'x.env')
  writeFileSync(file, text)
  standIn.requests.length = 0
  const run = await runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, 'secrets-file': file } })
  expect(run.exitCode).toBe(1)
  expect(standIn.requests).toHaveLength(0)
  expect(standIn.secrets.size).toBe(0)
  expect(run.stdout).toMatch(message)
  expect(run.outputs).toEqual(NOTHING_DONE)
  expect(run.summary).toMatch(/^<h2>Cortex secrets: failed before any request<\/h2>\n<p>secrets-file line \d+/)
  return run
}

const cases: Array<[string, Record<string, string>, Record<string, string>, RegExp]> = [
  [
    'a YAML syntax error',
    { secrets: `ok: ${SECRET}\nbad: "${SECRET}\n` },
    {},
    /Input "secrets" is not valid YAML or JSON: [a-z][^:]+ at line \d+, column \d+/
  ],
  [
    'a tag with a dot',
    { secrets: `"bad.tag": ${SECRET}` },
    {},
    /Input "secrets", line 1, column 1: the key is not a valid Cortex tag/
  ],
  [
    'a duplicate tag',
    { secrets: `a: ${SECRET}\na: ${SECRET}-2` },
    {},
    /Tag "a" is defined twice: secrets line 1 and secrets line 2/
  ],
  [
    'an empty value',
    { secrets: `a: ${SECRET}\nmissing: ''` },
    {},
    /Tag "missing" \(secrets line 2\) has an empty value. A GitHub secret that does not exist/
  ],
  [
    'env: naming an unset variable',
    { secrets: `a:\n  env: NOT_SET` },
    {},
    /Tag "a" \(secrets line 1\): environment variable "NOT_SET" is unset, empty or only whitespace/
  ],
  [
    'an unknown key in the object form',
    { secrets: `a:\n  vaule: ${SECRET}` },
    {},
    /Tag "a" \(secrets line 1\): unknown key "vaule" at line 2, column 3 in the object form/
  ],
  [
    'a value YAML would change',
    { secrets: `a: &${SECRET}` },
    {},
    /Tag "a" \(secrets line 1\): "value" starts with a YAML tag \(!\) or anchor \(&\)/
  ],
  ['no secrets at all', { secrets: '' }, {}, /No secrets to push/],
  ['a missing api-key', { 'api-key': '', secrets: `a: ${SECRET}` }, {}, /Input "api-key" is required/],
  [
    'a prune-match exclusion with an unclosed brace',
    { prune: 'true', 'prune-match': 'ci_*,!ci_{keep', secrets: `ci_a: ${SECRET}` },
    {},
    /Input "prune-match": "!ci_\{keep" is not a valid pattern: "\{" is not closed\. A pattern is made of letters/
  ],
  [
    'a prune-match extglob',
    { prune: 'true', 'prune-match': '@(ci|cd)_*', secrets: `ci_a: ${SECRET}` },
    {},
    /Input "prune-match": "@\(ci\|cd\)_\*" is not a valid pattern: "@" is not allowed\./
  ],
  [
    'a prune-match with !!',
    { prune: 'true', 'prune-match': 'ci_*\n!!ci_keep_*', secrets: `ci_a: ${SECRET}` },
    {},
    /Input "prune-match": "!!ci_keep_\*" is not a valid pattern: "!" may only be the first character, once\./
  ],
  [
    'a name on two lines',
    { secrets: `a:\n  value: ${SECRET}\n  name: "first line\\n::warning::second line"` },
    {},
    /Tag "a" \(secrets line 1\): "name" holds a line break, a control or an invisible character; a name is one line of text\./
  ],
  [
    'a name holding 8 characters of a value',
    { secrets: `a:\n  value: ${SECRET}\n  name: "Uses ${SECRET.slice(4, 12)}"` },
    {},
    /Tag "a" \(secrets line 1\): "name" holds a secret value of this run \(or 8 or more characters of one\)/
  ],
  [
    'a missing secrets-file',
    { 'secrets-file': 'no/such/file.env', secrets: `a: ${SECRET}` },
    {},
    /Input "secrets-file": cannot read "no\/such\/file.env" \(ENOENT\)/
  ]
]

describe('bad input', () => {
  it('refuses a proxy variable that is not a URL, naming the variable and not its value', async () => {
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': 'https://cortex.example.invalid', secrets: `a: ${SECRET}` },
      env: { HTTPS_PROXY: 'proxy-user:pr0xy-pa55@proxy.internal:3128' }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /^::error::Environment variable HTTPS_PROXY is not a proxy URL: expected http:\/\/host:port/m
    )
    expect(run.stdout).not.toContain('pr0xy-pa55')
    expectNoLeak(run, [SECRET])
  })

  it.each(cases)('%s: exit 1, zero requests, a message naming it', async (_, inputs, env, message) => {
    standIn.requests.length = 0
    const run = await runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, ...inputs }, env })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(0)
    expect(standIn.secrets.size).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`^::error::${message.source}`, 'm'))
    expectNoLeak(run, [SECRET])
    expect(run.outputs).toEqual(NOTHING_DONE)
  })

  it('refuses a value over the 2 MB cap, naming the tag', async () => {
    // Too large for an environment variable: it comes from a secrets-file, as a fetched bundle would.
    const file = join(mkdtempSync(join(tmpdir(), 'huge-')), 'secrets.yml')
    writeFileSync(file, `small: ${SECRET}\nhuge: ${SECRET.repeat(100_000)}\n`)
    standIn.requests.length = 0
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, 'secrets-file': file }
    })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(0)
    expect(run.stdout).toMatch(
      /^::error::Tag "huge" \(secrets-file line 2\) is too large: its request body would exceed Cortex's 2 MB limit/m
    )
    expect(standIn.secrets.size).toBe(0)
    expect(run.outputs).toEqual(NOTHING_DONE)
    expectNoLeak(run, [SECRET])
  })

  it('refuses a dotenv value that dotenv would cut at "#", naming the line and saying quoting fixes it', async () => {
    const run = await refusedDotenv(
      `APP_TOKEN=${SECRET}\nDB_PASSWORD=abc#def\n`,
      /^::error::secrets-file line 2: dotenv would cut this value at "#", where an unquoted "#" starts a comment; put the value in quotes/m
    )
    expectNoLeak(run, [SECRET, 'abc#def', 'abc'])
  })

  it('refuses a dotenv "#" after a no-break space, U+2028 or a byte-order mark, which dotenv takes for a space and a shell does not', async () => {
    for (const space of ['\u00a0', '\u2028', '\ufeff']) {
      const run = await refusedDotenv(
        `APP_TOKEN=${SECRET}\nDB_PASSWORD=Tr0ub4dor${space}#3xyz\n`,
        /^::error::secrets-file line 2: dotenv would cut this value at "#", where an unquoted "#" starts a comment \(the character before it is whitespace that dotenv takes for a space and a shell does not: a comment starts after a space or a tab only\); put the value in quotes/m
      )
      expectNoLeak(run, [SECRET, `Tr0ub4dor${space}#3xyz`, 'Tr0ub4dor', '3xyz'])
    }
  })

  it('refuses a name holding a value, which the summary would show escaped and Cortex as it is', async () => {
    const value = "pa'ss&word<x>"
    standIn.requests.length = 0
    const run = await runAction({
      inputs: {
        'api-key': STAND_IN_API_KEY,
        'api-url': standIn.url,
        secrets: `app_token: ${SECRET}\ndb:\n  env: DB_PASSWORD\n  name: "Password ${value} for db"`
      },
      env: { DB_PASSWORD: value },
      jobSecrets: [SECRET, value]
    })
    expect(run.exitCode).toBe(1)
    expect(standIn.requests).toHaveLength(0)
    expect(standIn.secrets.size).toBe(0)
    expect(run.stdout).toMatch(
      /^::error::Tag "db" \(secrets line 2\): "name" holds a secret value of this run \(or 8 or more characters of one\), which Cortex would show/m
    )
    expect(run.summary).not.toContain('pa&#39;ss&amp;word')
    expect(run.outputs).toEqual(NOTHING_DONE)
    expectNoLeak(run, [SECRET, value])
  })

  it('refuses plain http to a host that is not loopback, before any request', async () => {
    const run = await runAction({
      inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': 'http://cortex.example.com', secrets: `a: ${SECRET}` }
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /^::error::Input "api-url" uses plain http:\/\/ for cortex.example.com; the API key is only sent over https:\/\//m
    )
    expect(run.outputs).toEqual(NOTHING_DONE)
    expectNoLeak(run, [SECRET, STAND_IN_API_KEY])
  })
})
