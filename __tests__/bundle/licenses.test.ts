/**
 * dist/licenses.txt must name every package bundled into dist/ with its licence
 * text. Which packages are bundled comes from esbuild's own record of the build:
 * the metafile of the build of src/ that npm test's globalSetup made with
 * `npm run bundle`'s script. That build's licenses.txt is checked here;
 * dist-fresh.test.ts checks that the committed one is the same.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { freshBuild } from './fresh-build.ts'

/** The packages the outputs hold a byte of: `node_modules/@a/b/node_modules/c/x.js` → `c`. */
function packagesIn(metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }) {
  const found = new Set<string>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)
      if (match?.[1] && bytesInOutput > 0) found.add(match[1])
    }
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

const build = freshBuild()
let bundled: Set<string>

beforeAll(() => {
  bundled = packagesIn(JSON.parse(readFileSync(build.metafile, 'utf8')))
})

describe('dist/licenses.txt', () => {
  it('lists every bundled package with its licence text', () => {
    // The action's own dependencies are bundled, so the stats are read right.
    expect([...bundled]).toEqual(expect.arrayContaining(['@actions/core', '@actions/github', 'undici', 'yaml']))
    const listed = licensed(readFileSync(join(build.dist, 'licenses.txt'), 'utf8'), bundled)
    expect([...bundled].filter((name) => !listed.includes(name)).sort()).toEqual([])
  })
})
