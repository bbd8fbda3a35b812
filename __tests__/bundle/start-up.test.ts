/**
 * What the start of a run compiles and evaluates: dist/index.js and the chunks it imports statically. The
 * HTTP stack (undici, the Cortex client) and @actions/github (Octokit) are loaded by dynamic import once
 * they are needed; a static import of any of them would bring back ~100 ms of start-up (BENCHMARKS.md,
 * case 4). Read from esbuild's metafile of the build npm test's globalSetup made.
 */
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from '@jest/globals'
import { freshBuild } from './fresh-build.ts'

interface Output {
  entryPoint?: string
  imports: { path: string; kind: string; external?: boolean }[]
  inputs: Record<string, { bytesInOutput: number }>
}

let outputs: Record<string, Output>
let entry: string

beforeAll(() => {
  outputs = (JSON.parse(readFileSync(freshBuild().metafile, 'utf8')) as { outputs: Record<string, Output> }).outputs
  entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === 'src/index.ts') as string
})

/** The outputs loaded with `path`: itself and, transitively, what it imports with an import statement. */
function loadedWith(path: string, found = new Set<string>()): Set<string> {
  if (found.has(path)) return found
  found.add(path)
  for (const { path: imported, kind, external } of outputs[path]?.imports ?? []) {
    if (kind === 'import-statement' && !external) loadedWith(imported, found)
  }
  return found
}

/** The source files with code in the given outputs. */
const sourcesIn = (paths: Set<string>) =>
  [...paths].flatMap((path) =>
    Object.entries(outputs[path]?.inputs ?? {}).flatMap(([input, { bytesInOutput }]) =>
      bytesInOutput > 0 ? [input] : []
    )
  )

describe('the start of a run', () => {
  it('loads no HTTP stack and no Octokit: those come by dynamic import when needed', () => {
    const atStart = sourcesIn(loadedWith(entry))
    expect(atStart).toContain('src/main.ts')
    expect(
      atStart.filter((file) => /node_modules\/(undici|@octokit|@actions\/(github|http-client))\//.test(file))
    ).toEqual([])
    expect(atStart).not.toContain('src/cortex/client.ts')
  })

  it('has them in the chunks it imports dynamically', () => {
    const later = (outputs[entry]?.imports ?? []).filter((i) => i.kind === 'dynamic-import').map((i) => i.path)
    const loadedLater = sourcesIn(new Set(later.flatMap((path) => [...loadedWith(path)])))
    expect(loadedLater).toEqual(expect.arrayContaining(['src/cortex/client.ts', 'node_modules/undici/index.js']))
    expect(loadedLater.some((file) => file.startsWith('node_modules/@octokit/'))).toBe(true)
  })
})
