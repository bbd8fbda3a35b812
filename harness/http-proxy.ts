/**
 * A small forward proxy on 127.0.0.1 for the proxy tests: it tunnels CONNECT
 * (what undici's proxy agent uses) and forwards absolute-form requests, and
 * records what it carried. It resolves the host names it is given itself
 * (`cortex.test` → 127.0.0.1), as a corporate proxy resolves names the runner
 * cannot: a request that reaches such a name went through the proxy.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface TestProxyOptions {
  /** Host names this proxy resolves, to addresses on this machine. */
  hosts?: Record<string, string>
  /** `user:password` a CONNECT must carry (Proxy-Authorization: Basic); without them: 407. */
  credentials?: string
  /**
   * CONNECT targets this proxy sends elsewhere, `host:port` → `host:port`: a tunnel to
   * `api.getcortexapp.com:443` can end at a local stand-in, so that a workflow keeps its
   * default api-url. With tunnels, a CONNECT to any other target is refused (403): no real
   * host is reached.
   */
  tunnels?: Record<string, string>
}

export class TestProxy {
  /** `CONNECT host:port` targets and absolute URLs, in the order seen. */
  readonly seen: string[] = []
  #server: Server
  #sockets = new Set<Socket>()
  #url = ''
  readonly #hosts: Record<string, string>
  readonly #tunnels: Record<string, string>

  private constructor(options: TestProxyOptions) {
    this.#hosts = options.hosts ?? {}
    this.#tunnels = Object.fromEntries(Object.entries(options.tunnels ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
    const authorization = options.credentials && `Basic ${Buffer.from(options.credentials).toString('base64')}`
    this.#server = createServer((req, res) => {
      this.seen.push(`${req.method} ${req.url}`)
      const target = new URL(req.url ?? '')
      target.hostname = this.#resolve(target.hostname)
      const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
    })
    this.#server.on('connect', (req, client: Socket, head: Buffer) => {
      this.seen.push(`CONNECT ${req.url}`)
      if (authorization && req.headers['proxy-authorization'] !== authorization) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n')
        return
      }
      const target = req.url ?? ''
      const tunnel = this.#tunnels[target.toLowerCase()]
      if (options.tunnels && tunnel === undefined) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
        return
      }
      const [host, port] = (tunnel ?? target).split(':')
      const upstream = connect(Number(port), this.#resolve(host ?? ''), () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('error', () => socket.destroy())
        socket.on('close', () => this.#sockets.delete(socket))
      }
    })
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
  }

  static async start(options: TestProxyOptions = {}): Promise<TestProxy> {
    const proxy = new TestProxy(options)
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve))
    proxy.#url = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`
    return proxy
  }

  #resolve(host: string): string {
    return this.#hosts[host.toLowerCase()] ?? host
  }

  get url(): string {
    return this.#url
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
