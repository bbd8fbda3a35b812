/**
 * The Release workflow, run against a throwaway repository. A bare `origin` on a fake GitHub
 * (harness/fake-github.ts: git over HTTP and the releases endpoint, both taking only the job's
 * token) holds this repository's files as an earlier release, tagged v<version> and v<major>,
 * then a commit that bumps the patch version as a maintainer would (`npm version`, a CHANGELOG
 * entry, `npm run bundle`). The jobs of .github/workflows/release.yml then run as the runner
 * runs them (harness/workflow.ts), `check` then `release`, each in a workspace of its own:
 * checkout is a clone of origin, setup-node puts this repository's Node 24 on PATH, and the
 * check job's `npm ci` is replaced by a hard-linked copy of this repository's node_modules,
 * moved into its workspace (a real directory, so that esbuild builds there exactly what it
 * builds here; through a symlink it would name the files by their real paths). Only the release
 * run builds dist/ for real: the runs that must refuse a dirty dist/ or lose a race get a
 * `bundle` script, and the re-runs have no tag left to write, so they build nothing.
 */
import { execFileSync } from 'node:child_process'
import {
  appendFileSync,
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
import {
  checkoutAction,
  runWorkflow,
  setupNodeAction,
  type StepEmulation,
  type WorkflowRun
} from '../../harness/workflow.ts'

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

/** The check job's `npm ci`: this repository's node_modules, moved into its workspace. */
const npmCi: StepEmulation = ({ workspace }) => {
  renameSync(nodeModules, join(workspace, 'node_modules'))
  nodeModules = join(workspace, 'node_modules')
}

/** The Release workflow, dispatched with `version` on `ref` at `sha`. */
function dispatch(
  sha: string,
  { ref = 'refs/heads/main', version = VERSION, install = npmCi } = {}
): Promise<WorkflowRun> {
  runs += 1
  return runWorkflow({
    workflowFile: join(ROOT, '.github', 'workflows', 'release.yml'),
    inputs: { version },
    repository: REPOSITORY,
    serverUrl: github.url,
    apiUrl: github.apiUrl,
    ref,
    sha,
    issueToken: (contents) => github.issueToken(contents),
    dir: join(dir, `run-${runs}`),
    uses: { 'actions/checkout': checkoutAction, 'actions/setup-node': setupNodeAction(dirname(actionNodePath())) },
    runs: { 'npm ci': install }
  })
}

/** Each job's step outcomes, `skipped` for a job that did not run. */
const outcomes = (run: WorkflowRun) =>
  Object.fromEntries(
    Object.entries(run.jobs).map(([id, job]) => [id, job === 'skipped' ? job : job.steps.map((step) => step.outcome)])
  )
const logOf = (run: WorkflowRun) =>
  Object.values(run.jobs)
    .map((job) => (job === 'skipped' ? '' : job.log))
    .join('')
const EMULATED = ['emulated', 'emulated']
const CHECK_FAILED = { check: [...EMULATED, 'emulated', 'failure'], release: 'skipped' }
const CHECK_PASSED = [...EMULATED, 'emulated', 'success']

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

/** Commits a `bundle` script to main (one that does not rebuild dist/, for speed) and returns the commit. */
function withBundleScript(script: string, message: string): string {
  const packageJson = JSON.parse(readFileSync(join(maintainer, 'package.json'), 'utf8'))
  packageJson.scripts.bundle = script
  writeFileSync(join(maintainer, 'package.json'), JSON.stringify(packageJson, null, 2) + '\n')
  return commitAndPush(message)
}

function revert(): void {
  git(maintainer, 'revert', '--no-edit', 'HEAD')
  git(maintainer, 'push', '--quiet', 'origin', 'main')
}

describe('the Release workflow against a throwaway repository', () => {
  it('refuses while package.json names the placeholder owner, before any tag or request', async () => {
    const before = originTags()
    const run = await dispatch(git(maintainer, 'rev-parse', 'HEAD'))

    expect(outcomes(run)).toEqual(CHECK_FAILED)
    expect(logOf(run)).toContain(
      "package.json's repository names the placeholder owner OWNER: run 'npm run set-owner -- <owner>'"
    )
    expect(logOf(run)).toContain('nothing was tagged or published')
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
    const before = originTags()
    // A build that does not give back the committed dist/, without the seconds of a real one.
    const sha = withBundleScript(`node -e "fs.appendFileSync('dist/index.js', '// rebuilt\\n')"`, 'A bad bundle')
    const run = await dispatch(sha)

    expect(outcomes(run)).toEqual(CHECK_FAILED)
    expect(logOf(run)).toContain("dist/ is not what 'npm run bundle' builds from this commit")
    expect(logOf(run)).toContain(' M dist/index.js')
    expect(originTags()).toEqual(before)
    expect(github.requests).toEqual([])
    revert()
  })

  it('refuses a run dispatched from a branch other than main', async () => {
    const sha = git(maintainer, 'rev-parse', 'HEAD')
    git(maintainer, 'push', '--quiet', 'origin', 'HEAD:refs/heads/feature')
    const before = originTags()
    const run = await dispatch(sha, { ref: 'refs/heads/feature' })

    expect(outcomes(run)).toEqual(CHECK_FAILED)
    expect(logOf(run)).toContain('the Release workflow runs from main only, not refs/heads/feature')
    expect(originTags()).toEqual(before)
    expect(github.requests).toEqual([])
  })

  it('takes a tag named main for no branch: the commit must be on the branch main (F5)', async () => {
    git(maintainer, 'commit', '--quiet', '--allow-empty', '--message', 'Not on main')
    const sha = git(maintainer, 'rev-parse', 'HEAD')
    git(maintainer, 'push', '--quiet', 'origin', `${sha}:refs/tags/main`)
    git(maintainer, 'reset', '--quiet', '--hard', 'HEAD~1')
    const run = await dispatch(sha)
    git(origin, 'tag', '--delete', 'main')

    expect(outcomes(run)).toEqual(CHECK_FAILED)
    expect(logOf(run)).toContain(`${sha} is not on origin/main`)
  })

  it('prints nothing of a version that is not X.Y.Z: no workflow command gets into the log (F8)', async () => {
    const run = await dispatch(git(maintainer, 'rev-parse', 'HEAD'), { version: `${VERSION}\n::warning::injected` })

    expect(outcomes(run)).toEqual(CHECK_FAILED)
    expect(logOf(run)).not.toMatch(/^::/m)
    expect(logOf(run)).toContain(`the version "${VERSION}\\n::warning::injected" is not of the form X.Y.Z`)
  })

  it('does not move the major tag over one pushed since the check: the atomic push fails, no tag moves (F2)', async () => {
    const sha = withBundleScript('true', 'A bundle script that leaves dist/ alone')
    const before = originTags()
    const moved = join(dir, 'moved')
    git(maintainer, 'clone', '--quiet', origin, moved)
    github.beforeNextPush = () => {
      // v1.0.2 lands, and v1 with it, between the release job's checks and its push.
      git(moved, 'tag', '--annotate', '--message', 'later', `v${MAJOR}.${MINOR}.${PATCH + 2}`, `v${RELEASED}^{}`)
      git(moved, 'tag', '--force', '--annotate', '--message', 'later', `v${MAJOR}`, `v${RELEASED}^{}`)
      git(moved, 'push', '--quiet', '--force', 'origin', `v${MAJOR}.${MINOR}.${PATCH + 2}`, `v${MAJOR}`)
    }
    const run = await dispatch(sha)
    const after = originTags()
    git(origin, 'tag', '--delete', `v${MAJOR}.${MINOR}.${PATCH + 2}`)
    git(origin, 'update-ref', `refs/tags/v${MAJOR}`, git(maintainer, 'rev-parse', `v${MAJOR}`))
    revert()

    expect(outcomes(run)).toEqual({ check: CHECK_PASSED, release: [...EMULATED, 'failure'] })
    expect(logOf(run)).toContain(`! [rejected]        v${MAJOR} -> v${MAJOR} (stale info)`)
    // v1 stays where the other push put it, and v1.0.1 is not pushed without it.
    expect(after).toEqual({ ...before, [`v${MAJOR}.${MINOR}.${PATCH + 2}`]: before[`v${RELEASED}`] })
    expect(github.requests).toEqual([])
  })

  it('keeps the write token from a dependency that npm ci lets run: the release tags and pushes all the same (F1)', async () => {
    const sha = git(maintainer, 'rev-parse', 'HEAD')
    const earlier = originTags()[`v${RELEASED}`]
    // What a compromised dependency's install script can plant: a hook, an fsmonitor and
    // node-options that every later npm command runs. Each records the environment it saw.
    const loot = join(dir, 'loot')
    const record = (what: string) => `{ echo '${what} ran'; env; } >> '${loot}'`
    writeFileSync(join(dir, 'loot.mjs'), `import { appendFileSync } from 'node:fs'\n`)
    appendFileSync(
      join(dir, 'loot.mjs'),
      `appendFileSync(${JSON.stringify(loot)}, 'node-options ran\\n' + JSON.stringify(process.env) + '\\n')\n`
    )
    const hostile: StepEmulation = (step) => {
      npmCi(step)
      const hook = join(step.workspace, '.git', 'hooks', 'pre-push')
      writeFileSync(hook, `#!/bin/sh\n${record('pre-push')}\n`, { mode: 0o755 })
      git(step.workspace, 'config', 'core.fsmonitor', `${record('fsmonitor')}; false`)
      writeFileSync(join(step.env.HOME as string, '.npmrc'), `node-options=--import=${join(dir, 'loot.mjs')}\n`)
    }
    github.failNextRelease = 502

    const first = await dispatch(sha, { install: hostile })
    expect(outcomes(first)).toEqual({ check: CHECK_PASSED, release: [...EMULATED, 'failure'] })
    expect(logOf(first)).toContain('ok  the committed dist/ is what npm run bundle builds')
    expect(logOf(first)).toContain(`GitHub did not create the release of v${VERSION}: 502 Server Error`)
    expect(logOf(first)).toContain('The tags are pushed: re-run this job to publish the release.')
    expect(originTags()).toMatchObject({ [`v${VERSION}`]: sha, [`v${MAJOR}`]: sha, [`v${RELEASED}`]: earlier })
    expect(git(origin, 'cat-file', '-t', `v${VERSION}`)).toBe('tag')
    expect(git(origin, 'for-each-ref', '--format=%(taggername)', `refs/tags/v${VERSION}`)).toBe('github-actions[bot]')
    expect(github.releases).toEqual([])
    // The planted code ran (npm run bundle, in the check job), but never beside a token.
    const seen = readFileSync(loot, 'utf8')
    expect(seen.match(/^\S+ ran$/gm)).toEqual(['node-options ran'])
    const header = Buffer.from('x-access-token:ghs').toString('base64')
    expect(seen).not.toContain('ghs_')
    expect(seen).not.toContain(header)
  })

  it('re-runs after GitHub failed publish the CHANGELOG entry; a third leaves the release alone', async () => {
    const sha = git(maintainer, 'rev-parse', 'HEAD')
    const tagObjects = git(origin, 'rev-parse', `v${VERSION}`, `v${MAJOR}`)

    const second = await dispatch(sha)
    expect(outcomes(second)).toEqual({ check: CHECK_PASSED, release: [...EMULATED, 'success'] })
    expect(logOf(second)).toContain(`v${VERSION} and v${MAJOR} are at ${sha} on origin already.`)
    expect(logOf(second)).toContain(`Published ${github.url}/${REPOSITORY}/releases/tag/v${VERSION}`)
    expect(github.releases).toEqual([
      expect.objectContaining({ tag_name: `v${VERSION}`, name: `v${VERSION}`, body: NOTES, make_latest: 'true' })
    ])
    expect(git(origin, 'rev-parse', `v${VERSION}`, `v${MAJOR}`)).toBe(tagObjects)

    const third = await dispatch(sha)
    expect(outcomes(third)).toEqual({ check: CHECK_PASSED, release: [...EMULATED, 'success'] })
    expect(logOf(third)).toContain(`GitHub has a release of v${VERSION} already: it is left as it is.`)
    expect(github.releases).toHaveLength(1)
    expect(github.requests.map((r) => [r.method, r.path, r.authorization?.split(' ')[0]])).toEqual(
      Array(3).fill(['POST', `/repos/${REPOSITORY}/releases`, 'Bearer'])
    )
  })
})
