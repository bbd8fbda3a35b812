/**
 * Publishes the GitHub release of a pushed tag through the REST API ("Create a release",
 * POST /repos/{owner}/{repo}/releases) at GITHUB_API_URL, so that GitHub Enterprise Server
 * and a test's stand-in are reached alike. A release GitHub already has for the tag (422,
 * `already_exists`: an earlier run created it before failing, or a maintainer did) is left as
 * it is, so that running the workflow again finishes the job without a duplicate.
 */

export interface ReleaseRequest {
  /** GITHUB_API_URL: `https://api.github.com`, or `https://HOST/api/v3` on a server. */
  apiUrl: string
  /** `owner/name`. */
  repository: string
  token: string
  tag: string
  notes: string
  /** Marks the release as the repository's latest (false for a fix to an older major). */
  latest: boolean
}

export type ReleaseOutcome = { created: true; url: string } | { created: false }

interface GitHubAnswer {
  html_url?: string
  message?: string
  errors?: Array<{ code?: string; field?: string }>
}

const TIMEOUT_MS = 30_000

export async function publishRelease(request: ReleaseRequest): Promise<ReleaseOutcome> {
  const url = `${request.apiUrl.replace(/\/+$/, '')}/repos/${request.repository}/releases`
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${request.token}`,
        'content-type': 'application/json',
        'user-agent': 'cortex-secrets-action-release',
        'x-github-api-version': '2022-11-28'
      },
      body: JSON.stringify({
        tag_name: request.tag,
        name: request.tag,
        body: request.notes,
        make_latest: String(request.latest)
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
  } catch (error) {
    throw new Error(`could not reach ${url}: ${(error as Error).message}`, { cause: error })
  }
  const answer = (await response.json().catch(() => ({}))) as GitHubAnswer
  if (response.status === 201 && answer.html_url) return { created: true, url: answer.html_url }
  const exists = answer.errors?.some((e) => e.code === 'already_exists' && e.field === 'tag_name')
  if (response.status === 422 && exists) return { created: false }
  throw new Error(
    `GitHub did not create the release of ${request.tag}: ${response.status} ${answer.message ?? ''}`.trim()
  )
}
