/** harness/workflow.ts: a workflow read and its step's values evaluated as GitHub does. */
import { describe, expect, it } from '@jest/globals'
import { evaluateStep, evaluateValue, loadWorkflow, WorkflowError } from '../../harness/workflow.ts'

const contexts = { secrets: { TOKEN: 'tok-1', EMPTY: '' }, inputs: { 'dry-run': true }, github: {} }

describe('loadWorkflow', () => {
  it('gives the events and each step as written, `${{ }}` not evaluated', async () => {
    const workflow = await loadWorkflow(
      'w.yml',
      [
        'on: [workflow_dispatch, release]',
        'jobs:',
        '  push:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: OWNER/cortex-secrets-action@v1',
        '        with:',
        '          api-key: ${{ secrets.TOKEN }}',
        '          prune: true',
        '        env:',
        '          A: b',
        '      - run: echo done'
      ].join('\n')
    )
    expect(workflow).toEqual({
      events: ['workflow_dispatch', 'release'],
      jobs: {
        push: {
          steps: [
            {
              uses: 'OWNER/cortex-secrets-action@v1',
              with: { 'api-key': '${{ secrets.TOKEN }}', prune: true },
              env: { A: 'b' }
            },
            { run: 'echo done', with: {}, env: {} }
          ]
        }
      }
    })
  })

  it("refuses what GitHub refuses, with the parser's messages: an unknown key, a context not allowed there", async () => {
    const content = [
      'on: workflow_dispatch',
      'jobs:',
      '  push:',
      '    runs-om: ubuntu-latest',
      '    steps:',
      '      - uses: OWNER/cortex-secrets-action@v1',
      '        with:',
      '          api-key: ${{ secret.TOKEN }}'
    ].join('\n')
    const error = await loadWorkflow('w.yml', content).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkflowError)
    expect((error as WorkflowError).problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Unexpected value 'runs-om'/),
        expect.stringMatching(/Unrecognized named-value: 'secret'/)
      ])
    )
  })
})

describe('evaluateValue', () => {
  it('replaces each expression with its value as text, and keeps the rest byte for byte', () => {
    expect(evaluateValue('a: ${{ secrets.TOKEN }}\nb: ${{secrets.TOKEN}}!\n', contexts)).toBe('a: tok-1\nb: tok-1!\n')
    expect(evaluateValue("${{ format('{0}}}', secrets.TOKEN) }}", contexts)).toBe('tok-1}')
    expect(evaluateValue("x${{ 'a}}b' }}y", contexts)).toBe('xa}}by')
    expect(evaluateValue('${{ toJSON(secrets.TOKEN) }}', contexts)).toBe('"tok-1"')
  })

  it('gives null as empty text, booleans and numbers as their text', () => {
    expect(evaluateValue('${{ secrets.MISSING }}', contexts)).toBe('')
    expect(evaluateValue('${{ inputs.dry-run }}', contexts)).toBe('true')
    expect(evaluateValue(true, contexts)).toBe('true')
    expect(evaluateValue(16, contexts)).toBe('16')
    expect(evaluateValue(null, contexts)).toBe('')
  })

  it('refuses an expression that is not closed', () => {
    expect(() => evaluateValue('${{ secrets.TOKEN }', contexts)).toThrow('not closed')
  })
})

describe('evaluateStep', () => {
  it('evaluates `with:` and `env:`', () => {
    const step = { with: { 'api-key': '${{ secrets.TOKEN }}', prune: true }, env: { A: '${{ secrets.EMPTY }}x' } }
    expect(evaluateStep(step, contexts)).toEqual({ with: { 'api-key': 'tok-1', prune: 'true' }, env: { A: 'x' } })
  })
})
