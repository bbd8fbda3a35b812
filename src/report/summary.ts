import { byTag, OUTCOMES, type Outcome, type SecretResult, type SyncReport } from '../domain/secret.ts'
import { count, cut, showControls } from '../domain/text.ts'
import type { SelectionCount } from '../inputs/select.ts'
import { outcomeWord, type RetryTally } from './log.ts'

/** The parts of `@actions/github`'s context the report uses. */
interface RunContextSource {
  eventName: string
  actor: string
  payload: { release?: { tag_name?: string }; [key: string]: unknown }
  serverUrl: string
  runId: number
  repo: { owner: string; repo: string }
}

/** `trigger`: what started the run, `release v1.2.0`, `workflow_dispatch by octocat`. */
type RunContext = { trigger: string; repository: string; runUrl: string }

export function describeRun(source: RunContextSource): RunContext {
  const repository = source.repo.owner && source.repo.repo ? `${source.repo.owner}/${source.repo.repo}` : ''
  const release = source.payload.release?.tag_name
  let trigger = source.eventName || 'unknown event'
  if (source.eventName === 'release' && release) trigger = `release ${release}`
  else if (source.eventName === 'workflow_dispatch' && source.actor) trigger = `workflow_dispatch by ${source.actor}`
  return { trigger, repository, runUrl: `${source.serverUrl}/${repository}/actions/runs/${source.runId}` }
}

interface SummaryInput {
  run: RunContext
  cortexHost: string
  report: SyncReport
  tally?: RetryTally
  selection?: SelectionCount
}

/** GitHub drops a step summary over 1 MiB whole: rows past this budget are left out and counted instead. */
export const SUMMARY_BUDGET_BYTES = 1_000_000
export const SUMMARY_TEXT_CHARS = 500 // the longest string shown in one place
const PLANNED_LIST_BYTES = 64 * 1024 // what a skipped prune's planned deletions may take of the budget
const LEFT_OUT_LINE_BYTES = 1024 // room kept for the line that says how many rows were left out

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Any string in the summary: one line (a blank line would end the HTML block), cut, HTML-escaped, cleaned or not. */
export const summaryText = (text: string): string =>
  cut(showControls(text), SUMMARY_TEXT_CHARS).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

const code = (text: string) => `<code>${summaryText(text)}</code>`

/** The first of `items` that fit in `budget` bytes, each costing its bytes and `extra`. */
function fitting(items: readonly string[], budget: number, extra: number): string[] {
  let used = 0
  const index = items.findIndex((item) => (used += Buffer.byteLength(item) + extra) > budget)
  return index < 0 ? [...items] : items.slice(0, index)
}

function row(result: SecretResult, dryRun: boolean, tally?: RetryTally): string {
  const retries = tally?.retriesFor(result.tag) ?? 0
  const note = retries > 0 ? ` (${count(retries, 'retry', 'retries')})` : ''
  const outcome =
    result.outcome === 'failed'
      ? `failed${note}: ${result.error?.message ?? 'unknown error'}`
      : `${outcomeWord(result.outcome, dryRun)}${note}`
  const tag = result.key === undefined ? code(result.tag) : `${code(result.key)} → ${code(result.tag)}`
  return `<tr><td>${tag}</td><td>${summaryText(result.name)}</td><td>${summaryText(outcome)}</td></tr>`
}

/** The job summary of a run that failed before any request (bad input): why, in one line; never a value. */
export const renderFailedSummary = (reason: string): string =>
  `<h2>Cortex secrets: failed before any request</h2>\n<p>${summaryText(reason)}</p>\n`

/** The job summary as HTML, never a value: failed rows first (what a reader looks for); rows over budget counted. */
export function renderJobSummary({ run, cortexHost, report, tally, selection }: SummaryInput): string {
  const { results, dryRun, pruneSkipped } = report
  const counts: Record<Outcome, number> = { created: 0, updated: 0, deleted: 0, failed: 0 }
  for (const r of results) counts[r.outcome]++
  const shown = OUTCOMES.filter((o) => o !== 'deleted' || counts.deleted > 0 || pruneSkipped)
  const retries = tally?.describe()
  const head = [
    `<h2>Cortex secrets${dryRun ? ' (dry run)' : ''}: ${shown.map((o) => `${counts[o]} ${outcomeWord(o, dryRun)}`).join(', ')}</h2>`,
    ...(dryRun ? ['<p><strong>Dry run</strong>: only read requests were made; nothing was changed in Cortex.</p>'] : [])
  ]
  if (pruneSkipped) {
    const planned = pruneSkipped.tags.map(code)
    const listed = fitting(planned, PLANNED_LIST_BYTES, 2)
    const more = planned.length > listed.length ? ` and ${planned.length - listed.length} more` : ''
    head.push(
      `<p><strong>Prune skipped</strong>: ${summaryText(pruneSkipped.reason)}. Planned deletions: ${listed.join(', ')}${more}.</p>`
    )
  }
  head.push(
    '<ul>',
    `<li>Trigger: ${summaryText(run.trigger)}</li>`,
    `<li>Repository: ${summaryText(run.repository)}, <a href="${summaryText(run.runUrl)}">run</a></li>`,
    `<li>Cortex host: ${code(cortexHost)}</li>`,
    ...(retries ? [`<li>Retries and waits: ${summaryText(retries)}</li>`] : [])
  )
  if (selection) {
    // Left-out keys are few, and may be named: select matched each.
    const pushed = results.filter((r) => r.key !== undefined).length
    const left = selection.leftOut.map(({ key, reason }) => `${code(key)} (${summaryText(reason)})`)
    head.push(
      `<li>Selected by <code>select</code>: ${pushed} of ${count(selection.keys, 'key')}${left.length > 0 ? `; left out: ${left.join(', ')}` : ''}</li>`
    )
  }
  head.push('</ul>')
  const table = ['<table><tr><th>Tag</th><th>Name</th><th>Result</th></tr>', '</table>']
  const failed = (r: SecretResult) => Number(r.outcome === 'failed')
  const allRows = [...results].sort((a, b) => failed(b) - failed(a) || byTag(a, b)).map((r) => row(r, dryRun, tally))
  // Each line costs its bytes and a line feed.
  const fixed = [...head, ...table].reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) + LEFT_OUT_LINE_BYTES
  const rows = fitting(allRows, SUMMARY_BUDGET_BYTES - fixed, 1)
  const leftOut = results.length - rows.length
  if (leftOut > 0) {
    head.push(
      `<p><strong>${count(leftOut, 'row', 'rows')} left out</strong>: the table shows the first ${rows.length} of ` +
        `${count(results.length, 'secret')} (failed ones first) to keep this summary within GitHub's 1 MiB limit; ` +
        'the outputs <code>created</code>, <code>updated</code>, <code>deleted</code> and <code>failed</code> list every tag.</p>'
    )
  }
  return [...head, table[0], ...rows, table[1], ''].join('\n')
}
