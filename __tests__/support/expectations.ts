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

/**
 * What the runner's masker ends up holding for each value. The runner's add-mask splits its data
 * into lines and registers each one trimmed; so every line of every value that is worth a mask
 * (4 characters or more, not punctuation only) must be registered, and a single-line value whole.
 */
export function expectMasked(run: ActionRun, values: Iterable<string>): void {
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  const registered = new Set(
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'))
      .flatMap((l) => unescape(l.slice('::add-mask::'.length)).split(/\r\n|\r|\n/))
      .map((line) => line.trim())
  )
  const missing: string[] = []
  for (const value of values) {
    const lines = value.split(/\r\n|\r|\n/).map((l) => l.trim())
    const wanted = lines.length === 1 ? lines : lines.filter((l) => [...l].length >= 4 && !/^[\p{P}\p{S}\s]*$/u.test(l))
    for (const line of wanted) if (!registered.has(line)) missing.push(`a line of ${line.length} characters`)
  }
  expect(missing).toEqual([])
}

/** Every request the action made, and every answer, is one the OpenAPI text describes. */
export function expectWithinContract(standIn: CortexStandIn): void {
  const problems = standIn.requests.flatMap((r) => [...contract.requestProblems(r), ...contract.responseProblems(r)])
  expect(problems).toEqual([])
}
