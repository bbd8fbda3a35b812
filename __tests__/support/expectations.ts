import { expect } from '@jest/globals'
import type { CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { OpenApiContract } from '../../harness/openapi-contract.ts'
import type { ActionRun } from '../../harness/run-action.ts'

const contract = new OpenApiContract()

/**
 * Each value and each of its lines: what must never appear outside `::add-mask::`.
 * A line under 4 characters or of punctuation only (`{`, `],`) is no secret: the action does not mask it.
 */
function fragments(values: Iterable<string>): string[] {
  const all = new Set<string>()
  for (const value of values) {
    all.add(value)
    for (const line of value.split(/\r\n|\r|\n/).map((l) => l.trim())) {
      if ([...line].length >= 4 && !/^[\p{P}\p{S}\s]*$/u.test(line)) all.add(line)
    }
  }
  return [...all]
}

/**
 * No secret value, nor any line of one, in the step's stdout or stderr
 * (except the `::add-mask::` commands that hand them to the runner's masker),
 * its outputs or its job summary.
 */
export function expectNoLeak(run: ActionRun, values: Iterable<string>): void {
  const log = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  const places = { log, outputs: JSON.stringify(run.outputs), summary: run.summary }
  const leaks: string[] = []
  for (const fragment of fragments(values)) {
    for (const [place, text] of Object.entries(places)) {
      if (text.includes(fragment)) leaks.push(`${place} contains a secret fragment of ${fragment.length} characters`)
    }
  }
  expect(leaks).toEqual([])
}

/** Every value was handed to the masker, and so was each of its lines. */
export function expectMasked(run: ActionRun, values: Iterable<string>): void {
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  const masks = new Set(
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .map((l) => l.slice('::add-mask::'.length))
  )
  for (const value of values) {
    expect(masks.has(escape(value))).toBe(true)
    for (const line of value.split(/\r\n|\r|\n/)) if (line.trim() !== '') expect(masks.has(escape(line))).toBe(true)
  }
}

/** Every request the action made, and every answer, is one the OpenAPI text describes. */
export function expectWithinContract(standIn: CortexStandIn): void {
  const problems = standIn.requests.flatMap((r) => [...contract.requestProblems(r), ...contract.responseProblems(r)])
  expect(problems).toEqual([])
}
