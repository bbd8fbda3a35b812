import { expect } from '@jest/globals'
import type { CortexStandIn } from '../../harness/cortex-stand-in.ts'
import { OpenApiContract } from '../../harness/openapi-contract.ts'
import type { ActionRun } from '../../harness/run-action.ts'
import { base64Aligned, echoedForms } from './echo-forms.ts'

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

/** The length of the shortest run of a value that counts as a leak when it is shown. */
export const FRAGMENT_LENGTH = 8

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * The forms the action or the runner could write a value in: as is, inside a JSON string
 * (the outputs, a server echoing the request body), HTML-escaped (the job summary) and
 * escaped as workflow-command data (`::error::`); and the forms a server could echo it in
 * (echoedForms: percent-encoded, hex character references, base64 of it or of the body).
 */
function writtenForms(value: string): string[] {
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c),
    value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'),
    ...echoedForms(value)
  ]
}

/**
 * Every run of FRAGMENT_LENGTH characters of each value, in each form it could be written in, and
 * every run of FRAGMENT_LENGTH characters of the value's base64 (shorter values: `fragments` checks
 * them whole). An escaped form of a shorter run (`", "` HTML-escaped is 14 characters) is no leak.
 */
function runsOf(values: Iterable<string>): Set<string> {
  const all = new Set<string>()
  const windows = (text: string) => {
    for (let i = 0; i + FRAGMENT_LENGTH <= text.length; i++) all.add(text.slice(i, i + FRAGMENT_LENGTH))
  }
  for (const value of values) {
    for (let i = 0; i + FRAGMENT_LENGTH <= value.length; i++) {
      for (const form of writtenForms(value.slice(i, i + FRAGMENT_LENGTH)))
        if (form.length >= FRAGMENT_LENGTH) all.add(form)
    }
    for (const form of [...base64Aligned(value), ...base64Aligned(JSON.stringify(value).slice(1, -1))]) windows(form)
  }
  return all
}

/** Every tag the outputs list (each output is a JSON array of tags). */
function tagsInOutputs(outputs: Record<string, string>): string[] {
  return Object.values(outputs).flatMap((text) => {
    try {
      const list: unknown = JSON.parse(text)
      return Array.isArray(list) ? list.filter((tag): tag is string => typeof tag === 'string') : []
    } catch {
      return []
    }
  })
}

/**
 * No secret value, nor any line of one, nor any run of 8 characters of one in any
 * form the action writes or a server echoes (writtenForms), in the
 * step's stdout or stderr (except the `::add-mask::` commands that hand them to the
 * runner's masker), the step log as GitHub shows it, its outputs or its job summary.
 */
export function expectNoLeak(run: ActionRun, values: Iterable<string>): void {
  const list = [...values]
  const log = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
  const places = {
    log,
    // After the step's header, which shows the inputs (a workflow passes values from `secrets`, masked).
    'rendered log': run.log.slice(run.log.indexOf('##[endgroup]') + 1).join('\n'),
    outputs: [JSON.stringify(run.outputs), ...Object.values(run.outputs)].join('\n'),
    summary: run.summary,
    'published summary': run.publishedSummary
  }
  // The tags are shown by design (outputs, log, summary): a run of a value that is also part of a tag is not a leak.
  const tags = tagsInOutputs(run.outputs)
  const leaks: string[] = []
  for (const [place, text] of Object.entries(places)) {
    for (const fragment of fragments(list)) {
      if (text.includes(fragment)) leaks.push(`${place} contains a secret fragment of ${fragment.length} characters`)
    }
    const runs = new Set<string>()
    for (const fragment of runsOf(list)) {
      if (text.includes(fragment) && !tags.some((tag) => tag.includes(fragment))) runs.add(fragment)
    }
    if (runs.size > 0) leaks.push(`${place} contains ${runs.size} ${FRAGMENT_LENGTH}-character runs of a secret`)
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
