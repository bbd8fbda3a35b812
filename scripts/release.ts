/**
 * `npm run release [-- --dry-run] [-- --remote origin]`: tags the checked-out commit as
 * `vX.Y.Z` (the version in package.json) and moves the major tag `vX` to it, as GitHub's
 * actions/typescript-action template does in its script/release. First it checks that the
 * work tree is clean, that the commit is on the remote's main (so CI has run on it), that
 * the tag is new, that CHANGELOG.md has a dated entry for the version, and that the
 * committed dist/ is exactly what `npm ci && npm run bundle` builds from the commit.
 * With --dry-run it makes every check, then prints the git commands it would run:
 * nothing is tagged or pushed.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { changelogEntry, checkNothingUnreleased, releaseTags } from './release-plan.ts'

const MAIN_BRANCH = 'main'

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    remote: { type: 'string', default: 'origin' }
  }
})
const dryRun = values['dry-run']
const remote = values.remote

/** Runs a command and returns its trimmed stdout; a failure carries the command's stderr. */
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new Error(`${[command, ...args].join(' ')} failed${stderr ? `:\n${stderr}` : ''}`, { cause: error })
  }
}

/** True when the command exits 0; for git's yes/no questions. */
function succeeds(command: string, args: string[], cwd: string): boolean {
  try {
    execFileSync(command, args, { cwd, stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const shown = (args: string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ')
const check = (text: string) => console.log(`ok  ${text}`)

/** Builds the commit from its files alone and fails unless the result is the committed dist/. */
function checkDistIsCleanBuild(root: string, commit: string): void {
  const build = mkdtempSync(join(tmpdir(), 'cortex-secrets-action-release-'))
  try {
    run('git', ['archive', '--format=tar', `--output=${join(build, 'source.tar')}`, commit], root)
    run('tar', ['-xf', 'source.tar'], build)
    run('npm', ['ci', '--no-audit', '--no-fund'], build)
    run('npm', ['run', 'bundle'], build)
    // The work tree is clean, so its dist/ is the committed one. Exit 1 means "they differ".
    const diff = spawnSync('git', ['diff', '--no-index', '--stat', '--', 'dist', join(build, 'dist')], {
      cwd: root,
      encoding: 'utf8'
    })
    if (diff.status === 1) {
      throw new Error(
        `the committed dist/ is not what a clean build of ${commit} produces: run 'npm run bundle' and commit dist/\n${diff.stdout}`
      )
    }
    if (diff.status !== 0) throw new Error(`git diff --no-index failed:\n${diff.stderr}`)
  } finally {
    rmSync(build, { recursive: true, force: true })
  }
}

function release(): void {
  const root = run('git', ['rev-parse', '--show-toplevel'], process.cwd())
  const version = String(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version)
  const commit = run('git', ['rev-parse', 'HEAD'], root)
  console.log(`Release ${version} of ${commit}${dryRun ? ' (dry run: nothing is tagged or pushed)' : ''}`)

  const changes = run('git', ['status', '--porcelain'], root)
  if (changes) throw new Error(`the work tree has changes; commit or stash them first:\n${changes}`)
  check('the work tree is clean')

  run('git', ['fetch', '--quiet', remote, MAIN_BRANCH], root)
  if (!succeeds('git', ['merge-base', '--is-ancestor', commit, 'FETCH_HEAD'], root)) {
    throw new Error(
      `${commit} is not on ${remote}/${MAIN_BRANCH}: release only commits on ${MAIN_BRANCH}, which CI has checked`
    )
  }
  check(`the commit is on ${remote}/${MAIN_BRANCH}`)

  const localTags = run('git', ['tag', '--list'], root).split('\n')
  const remoteTags = run('git', ['ls-remote', '--tags', '--refs', remote], root)
    .split('\n')
    .map((line) => line.split('\trefs/tags/')[1] ?? '')
  const { tag, majorTag } = releaseTags(version, [...localTags, ...remoteTags].filter(Boolean))
  check(`${tag} is a new tag, here and on ${remote}`)

  const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
  const entry = changelogEntry(changelog, version)
  checkNothingUnreleased(changelog, version)
  check(`CHANGELOG.md has '## [${version}] - ${entry.date}' and an empty [Unreleased]`)

  console.log('..  building the commit from scratch (npm ci, npm run bundle)')
  checkDistIsCleanBuild(root, commit)
  check('the committed dist/ is what a clean build produces')

  const commands = [
    ['git', 'tag', '--annotate', '--message', tag, tag, commit],
    ['git', 'tag', '--force', '--annotate', '--message', `${majorTag} points at ${tag}`, majorTag, commit],
    // One atomic push: both tags move, or neither does. `+` lets the major tag move.
    ['git', 'push', '--atomic', remote, `refs/tags/${tag}`, `+refs/tags/${majorTag}`]
  ] as const

  if (dryRun) {
    console.log('\nWould run:')
    for (const [command, ...args] of commands) console.log(`  ${shown([command, ...args])}`)
  } else {
    const previousMajor = succeeds('git', ['rev-parse', '--quiet', '--verify', `refs/tags/${majorTag}`], root)
      ? run('git', ['rev-parse', `refs/tags/${majorTag}`], root)
      : undefined
    try {
      for (const [command, ...args] of commands) {
        console.log(`$ ${shown([command, ...args])}`)
        run(command, args, root)
      }
    } catch (error) {
      // Leave the local tags as they were, so that a second run starts from the same place.
      succeeds('git', ['tag', '--delete', tag], root)
      if (previousMajor) run('git', ['update-ref', `refs/tags/${majorTag}`, previousMajor], root)
      else succeeds('git', ['tag', '--delete', majorTag], root)
      throw error
    }
    console.log(`\nPushed ${tag} and moved ${majorTag} to ${commit}.`)
  }

  console.log(
    `\nNext: publish a GitHub release from tag ${tag} (title ${tag}), with these notes from CHANGELOG.md,` +
      ` and tick "Publish this Action to the GitHub Marketplace":\n\n${entry.notes}`
  )
}

try {
  release()
} catch (error) {
  console.error(`release: ${(error as Error).message}`)
  process.exit(1)
}
