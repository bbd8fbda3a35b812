import { describe, expect, it } from '@jest/globals'
import { readErrorBody } from '../../src/cortex/error-body.ts'

describe('readErrorBody', () => {
  it('reads Cortex ErrorResponse', () => {
    expect(readErrorBody(JSON.stringify({ type: 'BAD_REQUEST', message: 'Bad tag', requestId: 'r1' }))).toEqual({
      type: 'BAD_REQUEST',
      detail: 'Bad tag',
      requestId: 'r1'
    })
  })
  it('reads the violations shape by pointer and title, leaving out descriptions', () => {
    const body = { violations: [{ title: 'must not be blank', description: 'secret-ish detail', pointer: '/name' }] }
    expect(readErrorBody(JSON.stringify(body))).toEqual({
      type: 'VIOLATIONS',
      detail: '/name must not be blank',
      requestId: undefined
    })
  })
  it('reads problem+json', () => {
    expect(
      readErrorBody(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429 }))
    ).toMatchObject({
      detail: 'Too Many Requests'
    })
  })
  it('summarises anything else by status and length, never echoing it', () => {
    expect(readErrorBody('<html>upstream said s3cr3t</html>')).toEqual({
      detail: 'a 33-byte body that is not a Cortex error'
    })
  })
})
