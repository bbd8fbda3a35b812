/**
 * The Release workflow, run against a throwaway repository. A bare `origin` on a fake GitHub
 * (harness/fake-github.ts: git over HTTP and the releases endpoint, both taking only the job's
 * token) holds this repository's files as an earlier release, tagged v<version> and v<major>,
 * then a commit that bumps the patch version as a maintainer would (`npm version`, a CHANGELOG
 * entry, `npm run bundle`). The steps of .github/workflows/release.yml then run as
 * the runner runs them (harness/workflow.ts): checkout is a clone of origin, setup-node does
 * nothing, and `npm ci` is replaced by a hard-linked copy of this repository's node_modules, moved
 * into each job's workspace (a real directory, so that esbuild builds there exactly what it builds
 * here; through a symlink it would name the files by their real paths). Only the release run builds dist/ for real: the run
 * that must refuse a dirty dist/ gets a `bundle` script that alters dist/, and the re-runs have
 * no tag left to write, so they build nothing.
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { FakeGitHub } from '../../harness/fake-github.ts'
import { actionNodePath } from '../../harness/node24.ts'
import { ROOT } from '../../harness/run-action.ts'
import { checkoutAction, runJob, type JobRun } from '../../harness/workflow.ts'

const OWNER = 'acme'
const REPOSITORY = `${OWNER}/cortex-secrets-action`
const RELEASED = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
const [MAJOR, MINOR, PATCH] = RELEASED.split('.').map(Number) as [number, number, number]
const VERSION = `${MAJOR}.${MINOR}.${PATCH + 1}`
const TODAY = new Date().toISOString().slice(0, 10)
const NOTES = '### Fixed\n\n- A fix.'

/** git for the test's own commits: no global or system configuration (signing, hooks), a fixed author. */
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Maintainer',
  GIT_AUTHOR_EMAIL: 'maintainer@example.invalid',
  GIT_COMMITTER_NAME: 'Maintainer',
  GIT_COMMITTER_EMAIL: 'maintainer@example.invalid'
}
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

/**
 * A copy of a directory tree whose files are hard links (copies across file systems): fast, and a
 * real directory. The jobs only read it: a write through a link would change this repository's file.
 */
function linkTree(from: string, to: string): void {
  mkdirSync(to)
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)]
    if (entry.isDirectory()) linkTree(source, target)
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target)
    else {
      try {
        linkSync(source, target)
      } catch {
        cpSync(source, target)
      }
    }
  }
}

let dir: string
let github: FakeGitHub
let origin: string
let maintainer: string
/** Where the copy of node_modules is now: it moves into each job's workspace. */
let nodeModules: string
let runs = 0

/** The peeled commit of each tag on origin. */
function originTags(): Record<string, string> {
  const lines = git(origin, 'for-each-ref', '--format=%(refname:strip=2) %(*objectname) %(objectname)', 'refs/tags')
  return Object.fromEntries(
    lines
      .split('\n')
      .map((line) => line.split(' '))
      .map(([name, peeled, id]) => [name, peeled || id])
  )
}

/** Commits what the maintainer's clone holds, pushes main (and `refs`) to origin, and returns the commit. */
function commitAndPush(message: string, ...refs: string[]): string {
  git(maintainer, 'add', '--all')
  git(maintainer, 'commit', '--quiet', '--message', message)
  git(maintainer, 'push', '--quiet', 'origin', 'main', ...refs)
  return git(maintainer, 'rev-parse', 'HEAD')
}

/** The Release workflow's job, dispatched with the version on `ref` at `sha`. */
function dispatch(sha: string, ref = 'refs/heads/main'): Promise<JobRun> {
  runs += 1
  return runJob({
    workflowFile: join(ROOT, '.github', 'workflows', 'release.yml'),
    job: 'release',
    inputs: { version: VERSION },
    repository: REPOSITORY,
    serverUrl: github.url,
    apiUrl: github.apiUrl,
    ref,
    sha,
    issueToken: (contents) => github.issueToken(contents),
    dir: join(dir, `run-${runs}`),
    uses: { 'actions/checkout': checkoutAction, 'actions/setup-node': () => undefined },
    runs: {
      'npm ci': ({ workspace }) => {
        renameSync(nodeModules, join(workspace, 'node_modules'))
        nodeModules = join(workspace, 'node_modules')
      }
    }
  })
}

const outcomes = (run: JobRun) => run.steps.map((step) => step.outcome)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'release-workflow-'))
  github = await FakeGitHub.start(join(dir, 'github'))
  origin = join(github.root, REPOSITORY)
  mkdirSync(origin, { recursive: true })
  git(origin, 'init', '--quiet', '--bare', '--initial-branch=main')

  // The earlier release: this repository's files (tracked, or new and not ignored) as they are.
  maintainer = join(dir, 'maintainer')
  mkdirSync(maintainer)
  git(maintainer, 'init', '--quiet', '--initial-branch=main')
  git(maintainer, 'remote', 'add', 'origin', origin)
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0')
  for (const file of files.filter((f) => f && existsSync(join(ROOT, f)))) {
    mkdirSync(dirname(join(maintainer, file)), { recursive: true })
    cpSync(join(ROOT, file), join(maintainer, file))
  }
  git(maintainer, 'add', '--all')
  git(maintainer, 'commit', '--quiet', '--message', `Release ${RELEASED}`)
  git(maintainer, 'tag', '--annotate', '--message', `v${RELEASED}`, `v${RELEASED}`)
  git(maintainer, 'tag', '--annotate', '--message', `v${MAJOR}`, `v${MAJOR}`)
  git(maintainer, 'push', '--quiet', 'origin', 'main', `v${RELEASED}`, `v${MAJOR}`)

  // The next patch, prepared as CONTRIBUTING.md says; dist/ differs from the earlier one only by the version.
  execFileSync('npm', ['version', VERSION, '--no-git-tag-version'], { cwd: maintainer, stdio: 'ignore' })
  const changelog = readFileSync(join(maintainer, 'CHANGELOG.md'), 'utf8')
  writeFileSync(
    join(maintainer, 'CHANGELOG.md'),
    changelog.replace('## [Unreleased]\n', `## [Unreleased]\n\n## [${VERSION}] - ${TODAY}\n\n${NOTES}\n`)
  )
  // npm run bundle, on a copy of node_modules that then moves into each job's workspace.
  nodeModules = join(maintainer, 'node_modules')
  linkTree(join(ROOT, 'node_modules'), nodeModules)
  execFileSync(actionNodePath(), ['scripts/bundle.ts'], { cwd: maintainer, stdio: 'ignore' })
  commitAndPush(`${VERSION}`)
})

afterAll(async () => {
  await github?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the Release workflow against a throwaway repository', () => {
  it('refuses while package.json names the placeholder owner, before any tag or request', async () => {
    const before = originTags()
    const run = await dispatch(git(maintainer, 'rev-parse', 'HEAD'))

    expect(outcomes(run)).toEqual(['emulated', 'emulated', 'emulated', 'failure'])
    expect(run.log).toContain(
      "package.json's repository names the placeholder owner OWNER: run 'npm run set-owner -- <owner>'"
    )
    expect(run.log).toContain('nothing was tagged or published')
    expect(originTags()).toEqual(before)
    expect(github.requests).toEqual([])
  })

  it('refuses a dist/ that is not what npm run bundle builds, before any tag or request', async () => {
    const ownerSet = execFileSync('npm', ['run', '--silent', 'set-owner', '--', OWNER], {
      cwd: maintainer,
      env: { ...gitEnv, PATH: `${dirname(actionNodePath())}:${process.env.PATH}` },
      encoding: 'utf8'
    })
    expect(ownerSet).toMatch(/^The owner is acme: rewrote package\.json, .*README\.md/)
    commitAndPush(`Set the owner: ${OWNER}`)
    // A build that does not give back the committed dist/, without the seconds of a real one.
    const packageJson = JSON.parse(readFileSync(join(maintainer, 'package.json'), 'utf8'))
    packageJson.scripts.bundle = `node -e "fs.appendFileSync('dist/index.js', '// rebuilt\\n')"`
    writeFileSync(join(maintainer, 'package.json'), JSON.stringify(packageJson, null, 2) + '\n')
    const before = originTags()
    const run = await dispatch(commitAndPush('A bundle script that changes dist/'))

    expect(outcomes(run)).toEqual(['emulated', 'emulated', 'emulated', 'failure'])
    expect(run.log).toContain("dist/ is not what 'npm run bundle' builds from this commit")
    expect(run.log).toContain(' M dist/index.js')
    expect(originTags()).toEqual(before)
    expect(github.requests).toEqual([])
    git(maintainer, 'revert', '--no-edit', 'HEAD')
    git(maintainer, 'push', '--quiet', 'origin', 'main')
  })

  it('refuses a run dispatched from a branch other than main', async () => {
    const sha = git(maintainer, 'rev-parse', 'HEAD')
    git(maintainer, 'push', '--quiet', 'origin', 'HEAD:refs/heads/feature')
    const before = originTags()
    const run = await dispatch(sha, 'refs/heads/feature')

    expect(outcomes(run)).toEqual(['emulated', 'emulated', 'emulated', 'failure'])
    expect(run.log).toContain('the Release workflow runs from main only, not refs/heads/feature')
    expect(originTags()).toEqual(before)
    expect(github.requests).toEqual([])
  })

  it('tags, moves the major tag and publishes the CHANGELOG entry; re-runs after GitHub failed finish the job', async () => {
    const sha = git(maintainer, 'rev-parse', 'HEAD')
    const earlier = originTags()[`v${RELEASED}`]
    github.failNextRelease = 502

    const first = await dispatch(sha)
    expect(outcomes(first)).toEqual(['emulated', 'emulated', 'emulated', 'failure'])
    expect(first.log).toContain('ok  the committed dist/ is what npm run bundle builds')
    expect(first.log).toContain(`GitHub did not create the release of v${VERSION}: 502 Server Error`)
    expect(first.log).toContain('The tags are pushed: re-run this job to publish the release.')
    expect(originTags()).toMatchObject({ [`v${VERSION}`]: sha, [`v${MAJOR}`]: sha, [`v${RELEASED}`]: earlier })
    expect(git(origin, 'cat-file', '-t', `v${VERSION}`)).toBe('tag')
    expect(git(origin, 'for-each-ref', '--format=%(taggername)', `refs/tags/v${VERSION}`)).toBe('github-actions[bot]')
    expect(github.releases).toEqual([])
    const tagObjects = git(origin, 'rev-parse', `v${VERSION}`, `v${MAJOR}`)

    const second = await dispatch(sha)
    expect(outcomes(second)).toEqual(['emulated', 'emulated', 'emulated', 'success'])
    expect(second.log).toContain(`v${VERSION} and v${MAJOR} are at ${sha} on origin already.`)
    expect(second.log).toContain(`Published ${github.url}/${REPOSITORY}/releases/tag/v${VERSION}`)
    expect(github.releases).toEqual([
      expect.objectContaining({ tag_name: `v${VERSION}`, name: `v${VERSION}`, body: NOTES, make_latest: 'true' })
    ])
    expect(git(origin, 'rev-parse', `v${VERSION}`, `v${MAJOR}`)).toBe(tagObjects)

    const third = await dispatch(sha)
    expect(outcomes(third)).toEqual(['emulated', 'emulated', 'emulated', 'success'])
    expect(third.log).toContain(`GitHub has a release of v${VERSION} already: it is left as it is.`)
    expect(github.releases).toHaveLength(1)
    expect(github.requests.map((r) => [r.method, r.path, r.authorization?.split(' ')[0]])).toEqual(
      Array(3).fill(['POST', `/repos/${REPOSITORY}/releases`, 'Bearer'])
    )
  })
})
