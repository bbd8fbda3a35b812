/**
 * The owner of the repository that hosts the action, the `acme` of
 * `uses: acme/cortex-secrets-action@v1`, has one source: package.json's `repository.url`.
 * The documentation repeats it wherever a user copies a `uses:` line or follows a github.com
 * link; `npm run set-owner -- NAME` (scripts/set-owner.ts) writes it everywhere, and
 * __tests__/metadata/owner.test.ts fails while a mention differs. Until a maintainer sets it,
 * the owner is the placeholder `OWNER`, and `npm run release` refuses.
 */
import { execFileSync } from 'node:child_process'
import { lstatSync } from 'node:fs'
import { join } from 'node:path'

export const PLACEHOLDER_OWNER = 'OWNER'

/** A GitHub user or organisation name: letters, digits and single inner hyphens, at most 39. */
const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

export interface Repository {
  owner: string
  name: string
}

/** The GitHub repository that package.json's `repository.url` names. */
export function packageRepository(packageJson: { repository?: { url?: string } }): Repository {
  const url = packageJson.repository?.url ?? ''
  const match = /^(?:git\+)?https:\/\/github\.com\/([^/]+)\/([^/]+?)(?:\.git)?$/.exec(url)
  if (!match) throw new Error(`package.json's repository.url "${url}" is not https://github.com/OWNER/NAME.git`)
  return { owner: match[1] as string, name: match[2] as string }
}

export function checkOwnerName(owner: string): void {
  if (!OWNER_NAME.test(owner)) throw new Error(`"${owner}" is not a GitHub user or organisation name`)
}

/** `uses: <owner>/<name>` and `github.com/<owner>/<name>`, but not `<owner>/<name>-other`. */
const mentionPattern = (name: string) =>
  new RegExp(
    `(uses:\\s*['"]?|github\\.com/)([A-Za-z0-9-]+)/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`,
    'g'
  )

export interface OwnerMention {
  /** 1-based. */
  line: number
  owner: string
}

/** Where `text` names an owner of the repository called `name`, in `uses:` lines and github.com links. */
export function ownerMentions(text: string, name: string): OwnerMention[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      [...line.matchAll(mentionPattern(name))].map((m) => ({ line: index + 1, owner: m[2] as string }))
    )
}

/** `text` with every mention of the repository called `name` naming `owner`. */
export function withOwner(text: string, name: string, owner: string): string {
  return text.replace(mentionPattern(name), (_, before: string) => `${before}${owner}/${name}`)
}

/**
 * The files that mention the owner: the tracked documentation and configuration, package.json
 * first. Not a symlink: set-owner would rewrite the file it points at, which may be outside the repository.
 */
export function filesMentioningOwner(root: string): string[] {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0')
  const docs = tracked.filter(
    (file) => /\.(md|ya?ml)$/.test(file) && !file.startsWith('dist/') && !lstatSync(join(root, file)).isSymbolicLink()
  )
  return ['package.json', ...docs]
}

/**
 * Why the release must not run with this owner: the placeholder, or, in a workflow
 * (`githubRepository` is GITHUB_REPOSITORY), another repository than the one it runs in.
 * GitHub compares owner and repository names ignoring case.
 */
export function ownerProblem(repository: Repository, githubRepository: string | undefined): string | undefined {
  if (repository.owner === PLACEHOLDER_OWNER) {
    return `package.json's repository names the placeholder owner ${PLACEHOLDER_OWNER}: run 'npm run set-owner -- <owner>' and commit the result`
  }
  const named = `${repository.owner}/${repository.name}`
  if (githubRepository !== undefined && githubRepository.toLowerCase() !== named.toLowerCase()) {
    return `package.json's repository is ${named}, but this runs in ${githubRepository}: run 'npm run set-owner -- ${githubRepository.split('/')[0]}' (or correct repository.url) and commit the result`
  }
  return undefined
}
