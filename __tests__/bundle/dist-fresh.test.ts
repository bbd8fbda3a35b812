/**
 * The runner executes the committed dist/; npm test runs the action bundled from the
 * current src/ (__tests__/setup/global-setup.ts). Unless the two are the same bytes, what
 * the tests passed is not what ships. The dist/ on disk is compared, so that a rebuilt but
 * not yet committed dist/ passes here; in CI's fresh clone the dist/ on disk is the committed one. This is
 * the one check of dist/: .ci/run and the CI workflow run it as part of npm test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { defaultActionDir, ROOT } from '../../harness/run-action.ts'
import { freshBuild } from './fresh-build.ts'

/** The files of either directory that the other lacks or holds with other bytes. */
function differingFiles(committed: string, built: string): string[] {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])
  const names = [...new Set([...list(committed), ...list(built)])].sort()
  const bytes = (file: string) => (existsSync(file) ? readFileSync(file) : undefined)
  return names.filter((name) => {
    const [a, b] = [bytes(join(committed, name)), bytes(join(built, name))]
    return a === undefined || b === undefined || !a.equals(b)
  })
}

/** An error Jest shows as its message alone: a 2 MB diff would bury the one thing to do. */
function oneLine(message: string): Error {
  const error = new Error(message)
  error.stack = message
  return error
}

describe('dist/', () => {
  it('is what the source builds', () => {
    const differing = differingFiles(join(ROOT, 'dist'), freshBuild().dist)
    if (differing.length > 0) {
      throw oneLine(
        `dist/ is not what the source builds: run npm run bundle and commit dist/ (differing: ${differing.join(', ')})`
      )
    }
  })
})

describe('the end-to-end tests', () => {
  it('run the action built from the current source, with the repository’s action.yml', () => {
    const build = freshBuild()
    expect(defaultActionDir()).toBe(build.dir)
    expect(readFileSync(build.manifest, 'utf8')).toBe(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  })
})
