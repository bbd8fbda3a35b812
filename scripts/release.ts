/**
 * `node scripts/release.ts X.Y.Z` is what the Release workflow's `release` job runs on main;
 * `npm run release -- --dry-run X.Y.Z` is what its `check` job runs, and runs anywhere: it
 * writes nothing but dist/.
 *
 * Every check comes before anything is written, and one run lists every problem: package.json
 * names the owner (not the placeholder; in the workflow, the repository it runs in), the
 * workflow runs from main, X.Y.Z is package.json's version, the work tree is clean and the
 * commit is on the remote's main (so CI has run on it), the tag vX.Y.Z is new and no newer
 * release of the same major exists, CHANGELOG.md has the dated entry and an empty
 * [Unreleased]; then, in a dry run only, that the committed dist/ is what `npm run bundle`
 * builds (the check job's checkout is fresh and `npm ci` has just run, so an in-place build is
 * a clean one). The release itself builds nothing and runs no dependency: it needs only Node,
 * so that the job holding the write token never installs a package (.github/workflows/release.yml).
 *
 * Then: annotated tags vX.Y.Z and vX on the commit, one atomic push of both (`@vX` never moves
 * without its vX.Y.Z, nor over a vX pushed since the check), and the GitHub release of vX.Y.Z
 * with the CHANGELOG entry as its notes. A run that failed part-way is finished by running it
 * again: a tag already at the commit is kept rather than refused, and a release GitHub already
 * has is left as it is.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { publishRelease } from './github-release.ts'
import { ownerProblem, packageRepository } from './owner.ts'
import { checkChangelog, parseVersion, releaseTags, type ReleaseTags } from './release-plan.ts'

const MAIN_BRANCH = 'main'
/** The tagger of the annotated tags: the job's bot, as GitHub's own release workflows sign. */
const TAGGER = {
  GIT_COMMITTER_NAME: 'github-actions[bot]',
  GIT_COMMITTER_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com'
}

const { values, positionals } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    remote: { type: 'string', default: 'origin' }
  },
  allowPositionals: true
})
const dryRun = values['dry-run']
const remote = values.remote
const env = process.env

/** No hooks, no fsmonitor: no program a checkout could have planted runs beside the token. */
const GIT_SAFETY = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false']
/** The environment of other commands (npm run bundle): never the token. */
const { GITHUB_TOKEN: _token, ...childEnv } = env

/**
 * The environment of git commands. The workflow's checkout keeps no credentials
 * (persist-credentials: false); the job's token reaches git here instead, as the header
 * actions/checkout would have configured, through git's GIT_CONFIG_* variables: never on a
 * command line. With the token, git reads no system or global configuration either.
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  const token = env.GITHUB_TOKEN
  if (!token || env.GITHUB_ACTIONS !== 'true') return childEnv
  const server = new URL(env.GITHUB_SERVER_URL ?? 'https://github.com').origin
  const credential = Buffer.from(`x-access-token:${token}`).toString('base64')
  return {
    ...childEnv,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: `http.${server}/.extraheader`,
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${credential}`
  }
}

/** Runs a command and returns its stdout without the final line break; a failure carries the command's stderr. */
function run(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const isGit = command === 'git'
  try {
    return execFileSync(command, isGit ? [...GIT_SAFETY, ...args] : args, {
      cwd,
      env: { ...(isGit ? gitEnvironment() : childEnv), ...extraEnv },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    }).trimEnd()
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
    throw new Error(`${[command, ...args].join(' ')} failed${stderr ? `:\n${stderr}` : ''}`, { cause: error })
  }
}

/** True when git exits 0; for git's yes/no questions. */
function gitSucceeds(args: string[], cwd: string): boolean {
  try {
    run('git', args, cwd)
    return true
  } catch {
    return false
  }
}

const shown = (args: readonly string[]) => args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ')

/** The remote's tags: each with the commit it points at (the `^{}` line of an annotated tag), and its own object id. */
function remoteTags(root: string): { commits: Map<string, string>; ids: Map<string, string> } {
  const commits = new Map<string, string>()
  const ids = new Map<string, string>()
  for (const line of run('git', ['ls-remote', '--tags', remote], root).split('\n')) {
    const match = /^([0-9a-f]+)\trefs\/tags\/(.+?)(\^\{\})?$/.exec(line)
    if (!match) continue
    const [, id, name, peeled] = match as unknown as [string, string, string, string | undefined]
    if (peeled || !commits.has(name)) commits.set(name, id)
    if (!peeled) ids.set(name, id)
  }
  return { commits, ids }
}

async function release(): Promise<void> {
  if (positionals.length !== 1) throw new Error('give the version: npm run release -- [--dry-run] X.Y.Z')
  const version = positionals[0] as string
  // Nothing of the version is printed before it is known to be X.Y.Z: a line break in it could
  // print a workflow command (`::warning::`) into the log.
  try {
    parseVersion(version)
  } catch {
    throw new Error(`the version ${JSON.stringify(version)} is not of the form X.Y.Z: nothing was tagged or published`)
  }
  const root = run('git', ['rev-parse', '--show-toplevel'], process.cwd())
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version?: string
    repository?: { url?: string }
  }
  const commit = run('git', ['rev-parse', 'HEAD'], root)
  const today = new Date().toISOString().slice(0, 10)
  console.log(`Release ${version} of ${commit}${dryRun ? ' (dry run: nothing is tagged, pushed or published)' : ''}`)

  const problems: string[] = []
  /** One check: prints `ok  <what it returns>`, or keeps its message, so that a run lists every problem. */
  const check = (test: () => string) => {
    try {
      console.log(`ok  ${test()}`)
    } catch (error) {
      problems.push((error as Error).message)
    }
  }

  check(() => {
    const repository = packageRepository(packageJson)
    const problem = ownerProblem(repository, env.GITHUB_REPOSITORY)
    if (problem) throw new Error(problem)
    return `package.json names the repository ${repository.owner}/${repository.name}`
  })
  if (!dryRun) {
    check(() => {
      if (env.GITHUB_ACTIONS !== 'true') {
        throw new Error('the Release workflow makes releases (Actions → Release → Run workflow); here, add --dry-run')
      }
      if (!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) throw new Error('the release step needs GITHUB_TOKEN in its env')
      return 'this is a GitHub Actions job with a token'
    })
  }
  if (env.GITHUB_REF !== undefined) {
    check(() => {
      if (env.GITHUB_REF !== `refs/heads/${MAIN_BRANCH}`) {
        throw new Error(
          `the Release workflow runs from ${MAIN_BRANCH} only, not ${env.GITHUB_REF}: run it from ${MAIN_BRANCH}`
        )
      }
      return `the workflow runs from ${MAIN_BRANCH}`
    })
  }
  check(() => {
    if (version !== packageJson.version) {
      throw new Error(
        `package.json's version is ${packageJson.version}, not ${version}: release that, or bump it first (npm version ${version} --no-git-tag-version)`
      )
    }
    return `${version} is package.json's version`
  })
  check(() => {
    const changes = run('git', ['status', '--porcelain'], root)
    if (changes) throw new Error(`the work tree has changes; commit or stash them first:\n${changes}`)
    return 'the work tree is clean'
  })
  check(() => {
    // The branch by its full name: a bare `main` would fetch a tag named main first.
    run('git', ['fetch', '--quiet', remote, `refs/heads/${MAIN_BRANCH}`], root)
    if (!gitSucceeds(['merge-base', '--is-ancestor', commit, 'FETCH_HEAD'], root)) {
      throw new Error(
        `${commit} is not on ${remote}/${MAIN_BRANCH}: release only commits of ${MAIN_BRANCH}, which CI has checked`
      )
    }
    return `the commit is on ${remote}/${MAIN_BRANCH}`
  })

  let tags: ReleaseTags | undefined
  let notes: string | undefined
  let existing = { commits: new Map<string, string>(), ids: new Map<string, string>() }
  check(() => {
    existing = remoteTags(root)
    tags = releaseTags(version, existing.commits, commit)
    return tags.tagged
      ? `${tags.tag} is on ${remote} at this commit already (an earlier run)`
      : `${tags.tag} is a new tag`
  })
  const released = existing.commits.has(`v${version}`) && existing.commits.get(`v${version}`) !== commit
  const changelog = checkChangelog(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), version, released, today)
  problems.push(...changelog.problems)
  if (changelog.entry) {
    notes = changelog.entry.notes
    console.log(`ok  CHANGELOG.md has '## [${version}] - ${changelog.entry.date}' and an empty [Unreleased]`)
  }
  if (problems.length > 0 || !tags || notes === undefined) {
    throw new Error(`nothing was tagged or published. To fix:\n${problems.map((p) => `- ${p}`).join('\n')}`)
  }

  // dist/ is checked because the tags hand it to users; once both are in place (a second run
  // that only publishes the notes) there is nothing left for the check to stop. Only a dry run
  // builds: in the workflow the check job built this very commit, and the release job, which
  // holds the write token, installs no dependency to build with.
  if (dryRun && (!tags.tagged || tags.moveMajor)) {
    console.log('..  npm run bundle, then compare dist/ with the commit')
    run('npm', ['run', 'bundle'], root)
    const changed = run('git', ['status', '--porcelain', '--', 'dist'], root)
    if (changed) {
      throw new Error(
        `dist/ is not what 'npm run bundle' builds from this commit: commit the rebuilt dist/ and release that commit\n${changed}`
      )
    }
    console.log('ok  the committed dist/ is what npm run bundle builds')
  }

  const { tag, majorTag } = tags
  const pushed = [...(tags.tagged ? [] : [`refs/tags/${tag}`]), ...(tags.moveMajor ? [`refs/tags/${majorTag}`] : [])]
  // The major tag moves only from where ls-remote saw it (nowhere: empty): a vX pushed since
  // then fails the push rather than being moved back.
  const lease = `--force-with-lease=refs/tags/${majorTag}:${existing.ids.get(majorTag) ?? ''}`
  const gitCommands: string[][] = []
  if (!tags.tagged) gitCommands.push(['tag', '--annotate', '--message', tag, tag, commit])
  if (tags.moveMajor) {
    gitCommands.push(['tag', '--force', '--annotate', '--message', `${majorTag} points at ${tag}`, majorTag, commit])
  }
  // One atomic push: both tags move, or neither does.
  if (pushed.length > 0) gitCommands.push(['push', '--atomic', ...(tags.moveMajor ? [lease] : []), remote, ...pushed])
  if (dryRun) {
    // A re-run after the tags were pushed has no git command left: it would only publish.
    if (gitCommands.length > 0) console.log('\nWould run:')
    for (const args of gitCommands) console.log(`  ${shown(['git', ...args])}`)
    console.log(
      `${gitCommands.length > 0 ? 'and publish' : '\nWould publish'} the GitHub release ${tag}${tags.latest ? ', marked latest,' : ''} with these notes:\n\n${notes}`
    )
    return
  }

  for (const args of gitCommands) {
    console.log(`$ ${shown(['git', ...args])}`)
    run('git', args, root, TAGGER)
  }
  if (pushed.length === 0) {
    console.log(
      existing.commits.get(majorTag) === commit
        ? `${tag} and ${majorTag} are at ${commit} on ${remote} already.`
        : `${tag} is at ${commit} on ${remote} already; ${majorTag} stays with the newer release.`
    )
  }
  try {
    const outcome = await publishRelease({
      apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      repository: env.GITHUB_REPOSITORY as string,
      token: env.GITHUB_TOKEN as string,
      tag,
      notes,
      latest: tags.latest
    })
    console.log(
      outcome.created ? `Published ${outcome.url}` : `GitHub has a release of ${tag} already: it is left as it is.`
    )
  } catch (error) {
    throw new Error(`${(error as Error).message}\nThe tags are pushed: re-run this job to publish the release.`, {
      cause: error
    })
  }
}

release().catch((error: unknown) => {
  console.error(`release: ${(error as Error).message}`)
  process.exitCode = 1
})
