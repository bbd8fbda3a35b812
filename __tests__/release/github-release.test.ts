/**
 * scripts/github-release.ts against the fake GitHub's "Create a release" endpoint, which
 * answers as GitHub does: where the request goes (GITHUB_API_URL, with a path prefix as on
 * GitHub Enterprise Server), what it carries, and what each answer becomes.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { FakeGitHub } from '../../harness/fake-github.ts'
import { publishRelease, type ReleaseRequest } from '../../scripts/github-release.ts'

let dir: string
let github: FakeGitHub
let request: ReleaseRequest

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'github-release-'))
  github = await FakeGitHub.start(dir)
  const repository = join(dir, 'acme', 'cortex-secrets-action')
  mkdirSync(repository, { recursive: true })
  // A repository with a commit on main, which the fake tags when a release names a new tag.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=M', '-c', 'user.email=m@example.invalid', ...args], { cwd: repository, env })
  git('init', '--quiet', '--initial-branch=main')
  git('commit', '--quiet', '--allow-empty', '--message', 'First')
  request = {
    apiUrl: `${github.apiUrl}/`,
    repository: 'acme/cortex-secrets-action',
    token: github.issueToken('write'),
    tag: 'v1.0.0',
    notes: '### Added\n\n- Everything.',
    latest: true
  }
})

afterAll(async () => {
  await github?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('publishRelease', () => {
  it('creates the release of the tag at GITHUB_API_URL, with the notes as its body', async () => {
    await expect(publishRelease(request)).resolves.toEqual({
      created: true,
      url: `${github.url}/acme/cortex-secrets-action/releases/tag/v1.0.0`
    })
    expect(github.requests).toEqual([
      {
        method: 'POST',
        path: '/repos/acme/cortex-secrets-action/releases',
        authorization: `Bearer ${request.token}`,
        body: { tag_name: 'v1.0.0', name: 'v1.0.0', body: '### Added\n\n- Everything.', make_latest: 'true' }
      }
    ])
  })

  it('leaves a release GitHub already has for the tag as it is', async () => {
    await expect(publishRelease(request)).resolves.toEqual({ created: false })
    expect(github.releases).toHaveLength(1)
  })

  it('marks a release that is not the highest version as not the latest', async () => {
    await expect(publishRelease({ ...request, tag: 'v0.9.1', latest: false })).resolves.toMatchObject({ created: true })
    expect(github.releases[1]).toMatchObject({ tag_name: 'v0.9.1', make_latest: 'false' })
  })

  it("fails with GitHub's status and message otherwise", async () => {
    const tag = { ...request, tag: 'v2.0.0' }
    await expect(publishRelease({ ...tag, token: github.issueToken('read') })).rejects.toThrow(
      'GitHub did not create the release of v2.0.0: 403 Resource not accessible by integration'
    )
    await expect(publishRelease({ ...tag, token: 'ghs_unknown' })).rejects.toThrow(
      'GitHub did not create the release of v2.0.0: 401 Bad credentials'
    )
    github.failNextRelease = 503
    await expect(publishRelease(tag)).rejects.toThrow('GitHub did not create the release of v2.0.0: 503 Server Error')
    await expect(publishRelease({ ...tag, repository: 'acme/other' })).rejects.toThrow(
      'GitHub did not create the release of v2.0.0: 404 Not Found'
    )
    expect(github.releases.map((r) => r.tag_name)).toEqual(['v1.0.0', 'v0.9.1'])
  })

  it('names the address it could not reach', async () => {
    const closed = await FakeGitHub.start(dir)
    const apiUrl = closed.apiUrl
    await closed.close()
    await expect(publishRelease({ ...request, apiUrl })).rejects.toThrow(
      `could not reach ${apiUrl}/repos/acme/cortex-secrets-action/releases: fetch failed`
    )
  })
})
