/**
 * The alternative users have today, ported faithfully from a shell loop of
 * curl calls: for each secret, one at a time, GET its tag, then PUT it if it
 * exists or POST it if not. Over one keep-alive connection, so that the
 * comparison with the action is fair to it.
 */
import { Agent, request } from 'undici'

export interface BaselineResult {
  requests: number
  failures: string[]
}

export async function runBaselineLoop(
  apiUrl: string,
  apiKey: string,
  secrets: Record<string, string>
): Promise<BaselineResult> {
  const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 })
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }
  const base = apiUrl.replace(/\/$/, '')
  let requests = 0
  const failures: string[] = []
  const call = async (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<number> => {
    requests++
    const res = await request(`${base}${path}`, {
      method,
      headers,
      dispatcher: agent,
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    await res.body.dump()
    return res.statusCode
  }
  try {
    for (const [tag, value] of Object.entries(secrets)) {
      const path = `/api/v1/secrets/${encodeURIComponent(tag)}`
      const found = await call('GET', path)
      const status =
        found === 200
          ? await call('PUT', path, { secret: value })
          : await call('POST', '/api/v1/secrets', { tag, name: tag, secret: value })
      if (status !== 200) failures.push(tag)
    }
  } finally {
    await agent.close()
  }
  return { requests, failures }
}
