import { describe, expect, it } from '@jest/globals'
import { Agent, EnvHttpProxyAgent } from 'undici'
import { dispatcherFor } from '../../src/cortex/client-for-settings.ts'
import { parseApiUrl } from '../../src/inputs/api-url.ts'

describe('dispatcherFor', () => {
  it.each([
    'http://127.0.0.1:8080',
    'http://127.9.8.7',
    'http://localhost:3000/cortex',
    'http://[::1]:8080',
    'https://localhost'
  ])('reaches the loopback api-url %s directly, whatever the proxy variables say', (url) => {
    const dispatcher = dispatcherFor(parseApiUrl(url))
    expect(dispatcher).toBeInstanceOf(Agent)
    expect(dispatcher).not.toBeInstanceOf(EnvHttpProxyAgent)
  })

  it.each([
    'https://api.getcortexapp.com',
    'https://cortex.internal.example.com:8443/api',
    'https://10.0.0.7',
    'https://127.0.0.1.example.com'
  ])('lets the proxy variables decide for %s', (url) => {
    expect(dispatcherFor(parseApiUrl(url))).toBeInstanceOf(EnvHttpProxyAgent)
  })
})
