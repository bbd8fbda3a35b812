/**
 * Text from a hostile or careless Cortex, end to end against the action bundled from src/: error messages
 * that quote the request body, names and request ids that carry workflow commands, and
 * messages of megabytes. Nothing of a value is shown in any form, no command from server
 * text is executed, and what is shown stays small.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY, type InterceptReply } from '../../harness/cortex-stand-in.ts'
import { runAction, type ActionRun } from '../../harness/run-action.ts'
import { expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

function push(values: Record<string, string>, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const secrets = Object.entries(values)
    .map(([tag, value]) => `${tag}: ${JSON.stringify(value)}`)
    .join('\n')
  return runAction({ inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets, ...inputs }, debug: true })
}

/** Answers the create of `tag` with `reply`; everything else goes through. */
function refuseCreateOf(tag: string, reply: (rawBody: string) => InterceptReply): void {
  standIn.options.intercept = (r) =>
    r.method === 'POST' && (JSON.parse(r.rawBody) as { tag: string }).tag === tag ? reply(r.rawBody) : undefined
}

const badRequest = (message: string, requestId = 'req-400'): InterceptReply => ({
  status: 400,
  body: { type: 'BAD_REQUEST', message, httpStatus: 400, requestId }
})

/** The action's own workflow commands; any other line starting with `::` came from somewhere else. */
const OWN_COMMAND = /^::(add-mask|debug|warning|error)::/

/** Lines of stdout the runner would try as a command (`::` after leading white space, or `##[` anywhere). */
function commandLines(run: ActionRun): string[] {
  return run.stdout.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['))
}

describe('server text that quotes the request (items 4 and 5)', () => {
  it('a 400 quoting a prefix of the value, as a JSON parser does, shows no 8-character run of it', async () => {
    const values = { stripe_key: 'sk_live_AAAABBBBCCCCDDDDEEEEFFFF', other_key: 'other-value-1a2b3c' }
    // Jackson's message: the start of the request body, cut inside the value.
    refuseCreateOf('stripe_key', (body) =>
      badRequest(
        'JSON parse error: Unexpected end-of-input in VALUE_STRING\n at [Source: (String)' +
          `"${body.slice(0, body.indexOf('sk_live_') + 20)}"; line: 1, column: 61]`
      )
    )
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["stripe_key"]')
    expect(standIn.values()).toEqual({ other_key: values.other_key })
    const line = run.stdout.split('\n').find((l) => l.startsWith('✖ stripe_key: failed: '))
    expect(line).toBe(
      '✖ stripe_key: failed: create "stripe_key": HTTP 400 BAD_REQUEST: JSON parse error: Unexpected end-of-input in ' +
        'VALUE_STRING⏎ at [Source: (String)"{"name":"stripe_key","secret":"[redacted]"; line: 1, column: 61] ' +
        '(requestId req-400, 1 attempt)'
    )
    expect(run.summary).toContain('secret&quot;:&quot;[redacted]&quot;; line: 1')
    expectNoLeak(run, [...Object.values(values), STAND_IN_API_KEY])
    expectWithinContract(standIn)
  })

  it('a 400 quoting the API key shows no 8-character run of it', async () => {
    refuseCreateOf('only', () => badRequest(`token "Bearer ${STAND_IN_API_KEY.slice(0, 12)}" is not allowed here`))
    const run = await push({ only: 'only-value-5a5a' })
    expect(run.exitCode).toBe(1)
    expect(standIn.values()).toEqual({})
    expect(run.outputs.failed).toBe('["only"]')
    expect(run.stdout).toContain('HTTP 400 BAD_REQUEST: token "Bearer [redacted]" is not allowed here')
    expectNoLeak(run, ['only-value-5a5a', STAND_IN_API_KEY])
    expectWithinContract(standIn)
  })

  it('a value echoed raw or JSON-escaped is in no form in the log, ::error::, outputs or summary', async () => {
    const values = { quoted: `pa'ss&word-5e1f`, escaped: 'q"uo\\te\nnext-7a7a', fine: 'fine-value-3c3c' }
    standIn.options.intercept = (r) => {
      if (r.method !== 'POST') return undefined
      const { tag, secret } = JSON.parse(r.rawBody) as Record<string, string>
      // One server names the value as it is, the other quotes the body it was sent.
      if (tag === 'quoted') return badRequest(`Value ${secret} is not allowed`)
      if (tag === 'escaped') return badRequest(`Cannot deserialize ${r.rawBody}`)
      return undefined
    }
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["escaped","quoted"]')
    expect(standIn.values()).toEqual({ fine: values.fine })
    expect(run.stdout).toContain('- quoted: create "quoted": HTTP 400 BAD_REQUEST: Value [redacted] is not allowed')
    expect(run.stdout).toContain('- escaped: create "escaped": HTTP 400 BAD_REQUEST: Cannot deserialize')
    expect(run.summary).not.toContain('&#39;ss&amp;')
    expectNoLeak(run, Object.values(values))
    expectWithinContract(standIn)
  })
})

describe('server text that encodes what it quotes', () => {
  it('a 400 quoting the body in base64, or the value percent-encoded or as hex references, shows none of it', async () => {
    const values = {
      body_base64: 'sk_live_AAAABBBBCCCCDDDD',
      body_base64url: 'sk_test_EEEEFFFF?GGGG>>HHHH',
      percent: `it's "quoted" & <tagged> p@ss w0rd/é`,
      form: 'p q r s t u v w x y z',
      hex_refs: `a'b"c'd"e'f"g'h"i'j&k<l>m`,
      fine: 'fine-value-3c3c'
    }
    const lowerHex = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
    const hexReferences = (text: string) =>
      text.replace(/[&<>"']/g, (c) => `&#${c === "'" ? 'X' : 'x'}${c.charCodeAt(0).toString(16).toUpperCase()};`)
    standIn.options.intercept = (r) => {
      if (r.method !== 'POST') return undefined
      const { tag, secret } = JSON.parse(r.rawBody) as { tag: string; secret: string }
      const echoes: Record<string, string> = {
        body_base64: `cannot parse body (base64) ${Buffer.from(r.rawBody).toString('base64')}`,
        body_base64url: `cannot parse body ${Buffer.from(r.rawBody).toString('base64url')}`,
        percent: `Cannot parse secret ${lowerHex(encodeURIComponent(secret))}`,
        form: `Cannot parse ${new URLSearchParams({ secret }).toString()}`,
        hex_refs: `<p>Cannot parse secret ${hexReferences(secret)}</p>`
      }
      const echo = echoes[tag]
      return echo === undefined ? undefined : badRequest(echo)
    }
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["body_base64","body_base64url","form","hex_refs","percent"]')
    expect(standIn.values()).toEqual({ fine: values.fine })
    const failed = (tag: string) => run.stdout.split('\n').find((l) => l.startsWith(`✖ ${tag}: failed: `)) ?? ''
    // An echo found only once decoded is not cut out of the encoding: the whole message is withheld.
    for (const tag of ['body_base64', 'body_base64url', 'percent', 'form', 'hex_refs']) {
      expect(failed(tag)).toContain(
        'HTTP 400 BAD_REQUEST: [withheld: it quoted a secret] (requestId req-400, 1 attempt)'
      )
    }
    expectNoLeak(run, [...Object.values(values), STAND_IN_API_KEY])
    expectWithinContract(standIn)
  })
})

describe('workflow commands in server text (item 7)', () => {
  it('names from the list carrying commands are shown on one line; no command runs, later ones still do', async () => {
    standIn.seed([
      { tag: 'named_one', name: 'legit\n::set-output name=x::y', secret: 'old-one-value' },
      { tag: 'named_two', name: 'two ##[warning]forged warning', secret: 'old-two-value' },
      { tag: 'ci_gone', name: 'gone\r\n::error::forged error\u2028::add-mask::the', secret: 'old-gone-value' }
    ])
    const values = { named_one: 'new-one-value-6b6b', named_two: 'new-two-value-6b6b' }
    const run = await push(values, { prune: 'true', 'prune-match': 'ci_*' })

    expect(run.exitCode).toBe(0)
    expect(standIn.values()).toEqual(values)
    expect(run.outputs).toEqual({
      created: '[]',
      updated: '["named_one","named_two"]',
      deleted: '["ci_gone"]',
      failed: '[]'
    })
    expect(commandLines(run).filter((line) => !OWN_COMMAND.test(line))).toEqual([])
    expect(run.stdout).toContain('✔ named_one: updated (legit⏎::set-output name=x::y)')
    expect(run.stdout).toContain('✔ named_two: updated (two ##［warning]forged warning)')
    expect(run.stdout).toContain('✔ ci_gone: deleted (gone⏎::error::forged error⏎::add-mask::the)')
    // The runner ran nothing from the names: no annotation, no failed command, nothing masked by them.
    expect(run.log.filter((line) => /^##\[(error|warning)\]/.test(line))).toEqual([])
    expect(run.log.join('\n')).not.toContain('Unable to process command')
    expect(run.log).toContain('✔ ci_gone: deleted (gone⏎::error::forged error⏎::add-mask::the)')
    expectNoLeak(run, Object.values(values))
    expectWithinContract(standIn)
  })

  it('a requestId and message carrying stop-commands do not stop the action commands that follow', async () => {
    refuseCreateOf('refused', () =>
      badRequest('refused\n::warning::forged warning', 'req-1\n::stop-commands::zzz\r##[error]forged error')
    )
    const values = { refused: 'refused-value-8d8d', landed: 'landed-value-8d8d' }
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["refused"]')
    expect(standIn.values()).toEqual({ landed: values.landed })
    expect(commandLines(run).filter((line) => !OWN_COMMAND.test(line))).toEqual([])
    const failed =
      'HTTP 400 BAD_REQUEST: refused⏎::warning::forged warning (requestId req-1⏎::stop-commands::zzz⏎##［error]forged error, 1 attempt)'
    expect(run.stdout).toContain(`✖ refused: failed: create "refused": ${failed}`)
    // The action's own ::error:: (written last) was still taken as a command: commands were never stopped.
    const errors = run.log.filter((line) => line.startsWith('##[error]'))
    expect(errors).toEqual(['##[error]1 of 2 secrets failed:'])
    expect(run.log).toContain(`- refused: create "refused": ${failed}`)
    // Step debug echoes the action's own add-mask commands (masked); nothing else shows as a command.
    const shownCommands = run.log.filter((line) => line.startsWith('::') && line !== '::add-mask::***')
    expect([...shownCommands, ...run.log.filter((line) => line.startsWith('##[warning]'))]).toEqual([])
    expectNoLeak(run, Object.values(values))
    expectWithinContract(standIn)
  })
})

describe('server text of megabytes (item 12)', () => {
  it('a 5 MB error message for 3 secrets keeps stdout and the summary small', async () => {
    const values = { big_0: 'big-value-0-9e9e', big_1: 'big-value-1-9e9e', big_2: 'big-value-2-9e9e' }
    const huge = `${'Cortex says no. '.repeat(5 * 65536)}the end`
    standIn.options.intercept = (r) => (r.method === 'POST' ? badRequest(huge) : undefined)
    const run = await push(values)

    expect(run.exitCode).toBe(1)
    expect(run.outputs.failed).toBe('["big_0","big_1","big_2"]')
    expect(standIn.values()).toEqual({})
    expect(Buffer.byteLength(run.stdout)).toBeLessThan(20_000)
    expect(Buffer.byteLength(run.summary)).toBeLessThan(20_000)
    expect(run.stdout).toContain(`[cut: ${huge.length.toLocaleString('en-US')} characters in all]`)
    expect(run.stdout).not.toContain('the end')
    expectNoLeak(run, Object.values(values))
    expectWithinContract(standIn)
  })
})
