/**
 * `select`, `strip-prefix` and `tag-case` end to end: `secrets` is what the runner makes of
 * `${{ toJSON(secrets) }}` (harness/to-json.ts) for a job with 30 secrets, and the action
 * bundled from src/ pushes exactly the selected ones to the stand-in, byte for byte, naming
 * no other key anywhere. What select refuses, and select with prune and dry run, are
 * __tests__/unit/select.test.ts's, settings.test.ts's and __tests__/engine/sync.test.ts's.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CortexStandIn, STAND_IN_API_KEY } from '../../harness/cortex-stand-in.ts'
import { EMULATED_GITHUB_TOKEN, runAction, type ActionRun } from '../../harness/run-action.ts'
import { secretsContextToJson } from '../../harness/to-json.ts'
import { expectMasked, expectNoLeak, expectWithinContract } from '../support/expectations.ts'

let standIn: CortexStandIn
beforeEach(async () => {
  standIn = await CortexStandIn.start()
})
afterEach(async () => {
  await standIn.close()
})

/** A deterministic 600-byte binary blob, as a base64 secret (one long line). */
const BASE64_BLOB = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 11) % 256)).toString('base64')

/** The CORTEX_* secrets `CORTEX_*` selects: key, the tag strip-prefix CORTEX_ and tag-case lower make, value. */
const SELECTED: Array<[key: string, tag: string, value: string]> = [
  [
    'CORTEX_TLS_KEY',
    'tls_key',
    '-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7sel3ct\r\n' +
      'q7n1Xb0JcDqQ4Y2mZ8uX3kLwR5tPz9aHc2VvN0e4QWx1sel3ct\r\n-----END PRIVATE KEY-----\r\n'
  ],
  ['CORTEX_PAGERDUTY_TOKEN', 'pagerduty_token', 'pd-u+7Qk2mZ9xW4vR1s-sel01'],
  ['CORTEX_UNICODE', 'unicode', 'pässwörd-🔑-密码-𝄞-Ωmega-sel02'],
  ['CORTEX_SEPARATORS', 'separators', 'line\u2028sep\u2029para\u0085nel-sel03'],
  ['CORTEX_QUOTES', 'quotes', `"double" 'single' \\back\\slash \\n-not-a-newline-sel04`],
  ['CORTEX_JSON_TEXT', 'json_text', '{"user": "svc-sel05", "password": "p@ss\\"w0rd", "ports": [5432, 6432]}'],
  ['CORTEX_COLONS', 'colons', 'host::port::sel06::end'],
  ['CORTEX_PADDED', 'padded', '  padded value sel07  '],
  ['CORTEX_TABS', 'tabs', '\tcolumn1\tcolumn2\u0001ctl-sel08'],
  ['CORTEX_DB_URL', 'db_url', 'postgres://svc:p%40ss%0Aw0rd@db.internal:5432/app?sslmode=require&sel=09'],
  [
    'CORTEX_SSH_KEY',
    'ssh_key',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl sel10\nsecond-line-of-key-sel10'
  ],
  ['CORTEX_YAML_LOOKING', 'yaml_looking', 'key: value # not a remark\n- item-sel11\n&anchor *alias !tag-sel11'],
  ['CORTEX_EXPRESSION', 'expression', '${{ vars.OTHER_SEL12 }}-%0A-%25-sel12'],
  ['CORTEX_HTML', 'html', '<script>alert("sel13")</script>&amp;'],
  ['CORTEX_BACKSLASH_U', 'backslash_u', 'literal \\u0041 and \\\\ stay-sel14'],
  ['CORTEX_BASE64', 'base64', BASE64_BLOB],
  ['CORTEX_CORTEX_NESTED', 'cortex_nested', 'prefix-stripped-once-sel15'],
  ['CORTEX_MixedCase', 'mixedcase', 'mixed-case-key-sel16'],
  ['CORTEX_DIGITS_2024', 'digits_2024', 'digits-in-key-sel17'],
  ['CORTEX_WINDOWS_PATH', 'windows_path', 'C:\\Users\\svc\\key.pem;sel18'],
  // Characters Newtonsoft.Json leaves unescaped that YAML calls non-printable, and a byte-order mark.
  ['CORTEX_INVISIBLE', 'invisible', '\ufeffbom\u007fdel\u0080c1\u00a0nbsp\u200bzwsp-sel20'],
  ['CORTEX_TRAILING_NL', 'trailing_nl', 'ends-with-a-newline-sel19\n']
]

/** Keys no `select` of these tests picks: near misses of CORTEX_* and other secrets of the job. */
const DECOYS: Record<string, string> = {
  MY_CORTEX_X: 'decoy-embedded-prefix-d01',
  cortex_lower: 'decoy-lowercase-prefix-d02',
  CORTEXX: 'decoy-no-underscore-d03',
  XCORTEX_Y: 'decoy-letter-before-d04',
  NPM_TOKEN: 'npm_DecoyToken7f3e9a2b1c-d05',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYdecoy-d06'
}

/** The job's secrets in the order the context holds them: github_token first, decoys in between. */
const SECRETS: Record<string, string> = Object.fromEntries([
  ['github_token', EMULATED_GITHUB_TOKEN],
  ...SELECTED.slice(0, 5).map(([key, , value]) => [key, value]),
  ['MY_CORTEX_X', DECOYS.MY_CORTEX_X],
  ['CORTEX_API_KEY', STAND_IN_API_KEY],
  ['cortex_lower', DECOYS.cortex_lower],
  ...SELECTED.slice(5, 12).map(([key, , value]) => [key, value]),
  ['CORTEXX', DECOYS.CORTEXX],
  ['NPM_TOKEN', DECOYS.NPM_TOKEN],
  ...SELECTED.slice(12).map(([key, , value]) => [key, value]),
  ['XCORTEX_Y', DECOYS.XCORTEX_Y],
  ['AWS_SECRET_ACCESS_KEY', DECOYS.AWS_SECRET_ACCESS_KEY]
])

const SELECTED_KEYS = SELECTED.map(([key]) => key)
const SELECTED_VALUES = SELECTED.map(([, , value]) => value)
/** What the stand-in holds after a push: exactly the selected tags. */
const PUSHED: Record<string, string> = Object.fromEntries(SELECTED.map(([, tag, value]) => [tag, value]))
/** Every key a run must never name: all but the selected ones (CORTEX_API_KEY is named only when select matches it). */
const UNSELECTED_KEYS = Object.keys(SECRETS).filter((key) => !SELECTED_KEYS.includes(key))
const UNSELECTED_VALUES = UNSELECTED_KEYS.map((key) => SECRETS[key] as string)

const SELECT_INPUTS = { 'strip-prefix': 'CORTEX_', 'tag-case': 'lower' }
const sorted = (tags: string[]) => JSON.stringify([...tags].sort())

function runWith(inputs: Record<string, string>, secrets: Record<string, string> = SECRETS, debug = false) {
  return runAction({
    inputs: { 'api-key': STAND_IN_API_KEY, 'api-url': standIn.url, secrets: secretsContextToJson(secrets), ...inputs },
    // The runner masks every secret of the job from its start (Worker.cs), whether a step uses it or not.
    jobSecrets: Object.values(secrets),
    debug
  })
}

/** Where the action writes what a reader sees: its raw output, the log after the runner's step header, the summary and the outputs. */
function shownTexts(run: ActionRun): Record<string, string> {
  return {
    stdout: run.stdout,
    stderr: run.stderr,
    'rendered log': run.log.slice(run.log.indexOf('##[endgroup]') + 1).join('\n'),
    summary: run.summary,
    'published summary': run.publishedSummary,
    outputs: JSON.stringify(run.outputs)
  }
}

/** `keys` (and each as tag-case lower would write it) appear nowhere a reader sees. */
function expectNotNamed(run: ActionRun, keys: string[]): void {
  const named: string[] = []
  for (const [place, text] of Object.entries(shownTexts(run))) {
    for (const key of keys) if (text.toLowerCase().includes(key.toLowerCase())) named.push(`${place} names ${key}`)
  }
  expect(named).toEqual([])
}

/** No request's path, query or body names an unselected key, the tag it would make, or its value. */
function expectNoRequestFor(keys: string[]): void {
  const found: string[] = []
  for (const r of standIn.requests) {
    const text = `${r.path}?${JSON.stringify(r.query)} ${r.rawBody}`
    const headers = JSON.stringify(r.headers)
    for (const key of keys) {
      const value = SECRETS[key] as string
      const wouldBeTag = key.replace(/^CORTEX_/, '').toLowerCase()
      if (text.toLowerCase().includes(key.toLowerCase())) found.push(`${r.method} ${r.path} names ${key}`)
      if (text.toLowerCase().includes(wouldBeTag)) found.push(`${r.method} ${r.path} names the tag ${wouldBeTag}`)
      if (text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)))
        found.push(`${r.method} ${r.path} carries the value of ${key}`)
    }
    if (headers.includes(EMULATED_GITHUB_TOKEN)) found.push(`${r.method} ${r.path} sends the GITHUB_TOKEN`)
  }
  expect(found).toEqual([])
}

describe('toJSON(secrets) with select', () => {
  it('the emulated input has 30 keys, github_token and the api-key among them', () => {
    expect(Object.keys(SECRETS)).toHaveLength(30)
    expect(SECRETS.github_token).toBe(EMULATED_GITHUB_TOKEN)
    expect(SECRETS.CORTEX_API_KEY).toBe(STAND_IN_API_KEY)
    expect(Object.keys(SECRETS).filter((key) => key.startsWith('CORTEX_'))).toHaveLength(SELECTED.length + 1)
  })

  it('select CORTEX_* and !CORTEX_API_KEY (as docs/patterns.md writes it) pushes exactly the selected tags byte for byte and names no other key', async () => {
    const run = await runWith({ select: 'CORTEX_*\n!CORTEX_API_KEY', ...SELECT_INPUTS }, SECRETS, true)
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)

    // Cortex ends with exactly the selected tags, each value byte for byte, each named by its tag.
    expect(standIn.values()).toEqual(PUSHED)
    expect([...standIn.secrets.values()].every((s) => s.name === s.tag)).toBe(true)
    expect(standIn.requests.map((r) => r.method)).toEqual(['GET', ...SELECTED.map(() => 'POST')])
    expect(run.outputs).toEqual({ created: sorted(Object.keys(PUSHED)), updated: '[]', deleted: '[]', failed: '[]' })

    // The log and the summary show `key → tag` for each.
    const host = new URL(standIn.url).host
    expect(run.stdout).toMatch(
      new RegExp(`^Pushing ${SELECTED.length} secrets \\(selected from 30 keys\\) to ${host}$`, 'm')
    )
    for (const [key, tag] of SELECTED) {
      expect(run.stdout).toContain(`\n✔ ${key} → ${tag}: created (${tag})\n`)
      expect(run.summary).toContain(`<tr><td><code>${key}</code> → <code>${tag}</code></td><td>${tag}</td>`)
    }

    // CORTEX_API_KEY, excluded by !CORTEX_API_KEY, is never named; nor is any other key not selected.
    expectNotNamed(run, UNSELECTED_KEYS)
    expect(run.summary).toContain(`<li>Selected by <code>select</code>: ${SELECTED.length} of 30 keys</li>`)
    expectNoRequestFor(UNSELECTED_KEYS)

    expectMasked(run, SELECTED_VALUES)
    expectNoLeak(run, SELECTED_VALUES)
    expectNoLeak(run, UNSELECTED_VALUES)
    expectWithinContract(standIn)
  })
})
