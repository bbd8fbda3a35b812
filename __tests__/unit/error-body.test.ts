import { describe, expect, it } from '@jest/globals'
import { readErrorBody as readWith } from '../../src/cortex/error-body.ts'
import { UntrustedText } from '../../src/text/untrusted-text.ts'

const readErrorBody = (text: string) => readWith(text, new UntrustedText())

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
  it('cleans every field Cortex wrote, and leaves its own summary as it is', () => {
    const serverText = new UntrustedText(['hunter2-but-longer'])
    const body = { type: 'BAD\nREQUEST', message: 'value hunter2-but-longer\r\n##[error]x', requestId: 'r\u202e1' }
    expect(readWith(JSON.stringify(body), serverText)).toEqual({
      type: 'BAD⏎REQUEST',
      detail: 'value [redacted]⏎##［error]x',
      requestId: 'r\uFFFD1'
    })
    expect(readWith('hunter2-but-longer', serverText)).toEqual({ detail: 'a 18-byte body that is not a Cortex error' })
  })
  it('caps each field: 64 characters of type, 300 of message, 100 of requestId', () => {
    const body = { type: 'T'.repeat(1000), message: 'M'.repeat(10_000), requestId: 'R'.repeat(1000) }
    const said = readErrorBody(JSON.stringify(body))
    expect([said.type?.length, said.detail.length, said.requestId?.length]).toEqual([64, 300, 100])
    expect(said.detail).toMatch(/… \[cut: 10,000 characters in all\]$/)
  })
})
