/**
 * dist/licenses.txt must name every package bundled into dist/ with its licence
 * text. Which packages are bundled comes from webpack's own record of the
 * build: the stats ncc writes with --stats-out for a build of src/ like
 * `npm run bundle`'s (CI checks that dist/ is exactly that build).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { ROOT } from '../../harness/run-action.ts'

interface StatsModule {
  name?: string
  /** The modules webpack concatenated into this one. */
  modules?: StatsModule[]
}

/** The package each bundled module comes from: `./node_modules/@a/b/node_modules/c/x.js` → `c`. */
function packagesIn(modules: StatsModule[] = [], found = new Set<string>()): Set<string> {
  for (const module of modules) {
    const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module.name ?? '')
    if (match?.[1]) found.add(match[1])
    packagesIn(module.modules, found)
  }
  return found
}

/**
 * The packages licenses.txt lists with a licence id and text. Its entries are
 * `name`, `licence id`, then the text, separated by blank lines that the texts
 * contain too: an entry runs to the next line that names a package in `names`.
 */
function licensed(text: string, names: Set<string>): string[] {
  const lines = text.split('\n')
  const starts = lines.flatMap((line, i) => (names.has(line) && (i === 0 || lines[i - 1] === '') ? [i] : []))
  return starts.flatMap((start, k) => {
    const [name = '', id = '', ...licence] = lines.slice(start, starts[k + 1] ?? lines.length)
    return id.trim() && /copyright|licen[cs]e/i.test(licence.join('\n')) ? [name] : []
  })
}

let out: string
let bundled: Set<string>

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'bundle-stats-'))
  const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js')
  const stats = join(out, 'stats.json')
  await promisify(execFile)(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt', '--stats-out', stats, '--quiet'],
    { cwd: ROOT }
  )
  bundled = packagesIn((JSON.parse(readFileSync(stats, 'utf8')) as { modules: StatsModule[] }).modules)
})

afterAll(() => {
  rmSync(out, { recursive: true, force: true })
})

describe('dist/licenses.txt', () => {
  it('lists every bundled package with its licence text', () => {
    // The action's own dependencies are bundled, so the stats are read right.
    expect([...bundled]).toEqual(expect.arrayContaining(['@actions/core', '@actions/github', 'undici', 'yaml']))
    const listed = licensed(readFileSync(join(ROOT, 'dist', 'licenses.txt'), 'utf8'), bundled)
    expect([...bundled].filter((name) => !listed.includes(name)).sort()).toEqual([])
  })
})
