/**
 * A stand-in for GitHub as the Release workflow meets it, on 127.0.0.1: the bare repositories
 * under a directory, served over git's smart HTTP protocol by `git http-backend` at
 * `/<owner>/<repo>` as github.com serves them, and the REST endpoint that creates a release,
 * under `/api/v3` as on GitHub Enterprise Server, so that a client that ignores GITHUB_API_URL
 * misses it. Both take only the job tokens issued here, with the job's `contents` permission:
 * fetching needs `read`; pushing and creating a release need `write`.
 *
 * "Create a release" answers as GitHub documents it (REST API 2022-11-28): 201 with the
 * release, 422 `already_exists` for a second release of a tag, 401 and 403 for a bad or weak
 * token; and, as GitHub does, it tags the default branch when the tag does not exist yet.
 * Every API request is recorded.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

export type ContentsPermission = 'none' | 'read' | 'write'

const RANK: Record<ContentsPermission, number> = { none: 0, read: 1, write: 2 }

export interface ApiRequest {
  method: string
  path: string
  authorization: string | undefined
  body: unknown
}

export interface Release {
  id: number
  tag_name: string
  name: string
  body: string
  make_latest: string
  html_url: string
}

export class FakeGitHub {
  /** Every request to the REST API, in order. */
  readonly requests: ApiRequest[] = []
  readonly releases: Release[] = []
  /** Set to answer the next release request with this status instead (an outage of GitHub's). */
  failNextRelease: number | undefined
  /** Set to run once as the next push starts, before git sees the refs: another push that lands first. */
  beforeNextPush: (() => void) | undefined
  private readonly tokens = new Map<string, ContentsPermission>()
  private readonly server: Server = createServer((request, response) => {
    this.serve(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)))
  })
  /** Holds the bare repositories, as `<owner>/<repo>`. */
  readonly root: string

  private constructor(root: string) {
    this.root = root
  }

  static async start(root: string): Promise<FakeGitHub> {
    const github = new FakeGitHub(root)
    await new Promise<void>((resolve) => github.server.listen(0, '127.0.0.1', resolve))
    return github
  }

  /** GITHUB_SERVER_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** GITHUB_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/v3`
  }

  /** A job's GITHUB_TOKEN, with the `contents` permission the job declares. */
  issueToken(contents: ContentsPermission): string {
    const token = `ghs_${randomBytes(18).toString('hex')}`
    this.tokens.set(token, contents)
    return token
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  /** 0 when the token may, else the status GitHub answers: 401 for no known token, 403 for too weak a one. */
  private refusal(token: string | undefined, needs: 'read' | 'write'): 0 | 401 | 403 {
    const granted = token === undefined ? undefined : this.tokens.get(token)
    if (granted === undefined) return 401
    return RANK[granted] >= RANK[needs] ? 0 : 403
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url)
    if (url.pathname.startsWith('/api/v3/'))
      return this.serveApi(request, response, url.pathname.slice('/api/v3'.length))
    return this.serveGit(request, response, url)
  }

  private async serveGit(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const service = url.searchParams.get('service') ?? url.pathname.split('/').pop()
    const basic = /^basic (.+)$/i.exec(request.headers.authorization ?? '')
    const token = basic
      ? Buffer.from(basic[1] as string, 'base64')
          .toString()
          .split(':')[1]
      : undefined
    const refused = this.refusal(token, service === 'git-receive-pack' ? 'write' : 'read')
    if (refused === 401) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' }).end()
      return
    }
    if (refused === 403) {
      response.writeHead(403).end('Permission denied to github-actions[bot].\n')
      return
    }
    if (service === 'git-receive-pack' && request.method === 'GET' && this.beforeNextPush) {
      const pushFirst = this.beforeNextPush
      this.beforeNextPush = undefined
      pushFirst()
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        // http-backend serves pushes only to an authenticated user.
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
        REQUEST_METHOD: request.method ?? 'GET',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
        ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
        ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {})
      }
    })
    request.pipe(cgi.stdin)
    const chunks: Buffer[] = []
    cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    await new Promise((resolve) => cgi.on('close', resolve))
    // A CGI answer: header lines (a `Status:` among them), a blank line, the body.
    const output = Buffer.concat(chunks)
    const end = output.indexOf('\r\n\r\n')
    const headers: Record<string, string> = {}
    let status = 200
    for (const line of output.subarray(0, end).toString().split('\r\n')) {
      const [name, ...value] = line.split(': ')
      if (name?.toLowerCase() === 'status') status = Number.parseInt(value.join(': '), 10)
      else if (name) headers[name] = value.join(': ')
    }
    response.writeHead(status, headers).end(output.subarray(end + 4))
  }

  private async serveApi(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString()
    const body: unknown = text ? JSON.parse(text) : undefined
    this.requests.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body })
    const answer = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(json))
    }

    const route = /^\/repos\/([^/]+)\/([^/]+)\/releases$/.exec(path)
    const repository = route ? join(this.root, route[1] as string, route[2] as string) : ''
    if (!route || request.method !== 'POST' || !existsSync(repository)) return answer(404, { message: 'Not Found' })
    const token = /^(?:bearer|token) (.+)$/i.exec(request.headers.authorization ?? '')?.[1]
    const refused = this.refusal(token, 'write')
    if (refused === 401) return answer(401, { message: 'Bad credentials' })
    if (refused === 403) return answer(403, { message: 'Resource not accessible by integration' })
    if (this.failNextRelease !== undefined) {
      const status = this.failNextRelease
      this.failNextRelease = undefined
      return answer(status, { message: 'Server Error' })
    }

    const release = body as Partial<Release>
    if (typeof release.tag_name !== 'string') {
      return answer(422, { message: 'Invalid request.\n\n"tag_name" wasn\'t supplied.' })
    }
    if (this.releases.some((r) => r.tag_name === release.tag_name)) {
      return answer(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]
      })
    }
    const tag = `refs/tags/${release.tag_name}`
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, stdio: 'ignore' })
    try {
      git('rev-parse', '--verify', '--quiet', tag)
    } catch {
      git('update-ref', tag, 'HEAD')
    }
    const created: Release = {
      id: this.releases.length + 1,
      tag_name: release.tag_name,
      name: release.name ?? release.tag_name,
      body: release.body ?? '',
      make_latest: release.make_latest ?? 'true',
      html_url: `${this.url}/${route[1]}/${route[2]}/releases/tag/${release.tag_name}`
    }
    this.releases.push(created)
    return answer(201, { ...created, draft: false, prerelease: false })
  }
}
