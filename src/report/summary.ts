import { byTag, OUTCOMES, type Outcome, type SecretResult, type SyncReport } from '../domain/secret.ts'
import { count, cut, showControls } from '../domain/text.ts'
import type { SelectionCount } from '../inputs/select.ts'
import { outcomeWord, type RetryTally } from './log.ts'

/** The parts of `@actions/github`'s context the report uses. */
export interface RunContextSource {
  eventName: string
  actor: string
  payload: { release?: { tag_name?: string }; [key: string]: unknown }
  serverUrl: string
  runId: number
  repo: { owner: string; repo: string }
}

export interface RunContext {
  /** What started the run: `release v1.2.0`, `workflow_dispatch by octocat`. */
  trigger: string
  repository: string
  runUrl: string
}

export function describeRun(source: RunContextSource): RunContext {
  const repository = source.repo.owner && source.repo.repo ? `${source.repo.owner}/${source.repo.repo}` : ''
  let trigger = source.eventName || 'unknown event'
  if (source.eventName === 'release' && source.payload.release?.tag_name) {
    trigger = `release ${source.payload.release.tag_name}`
  } else if (source.eventName === 'workflow_dispatch' && source.actor) {
    trigger = `workflow_dispatch by ${source.actor}`
  }
  return { trigger, repository, runUrl: `${source.serverUrl}/${repository}/actions/runs/${source.runId}` }
}

export interface SummaryInput {
  run: RunContext
  cortexHost: string
  report: SyncReport
  tally?: RetryTally
  /** When `select` is set: how many keys the input has, and those it matched but left out. */
  selection?: SelectionCount
}

/**
 * The most the summary may weigh, in UTF-8 bytes. GitHub drops a step summary
 * over 1 MiB (1,048,576 bytes) whole; rows past this budget are left out and
 * counted instead, so the summary is always published.
 */
export const SUMMARY_BUDGET_BYTES = 1_000_000

/** The longest string shown in one place; longer ones are cut and end in `…`. */
export const SUMMARY_TEXT_CHARS = 500

/** What the planned deletions of a skipped prune may take of the budget. */
const PLANNED_LIST_BYTES = 64 * 1024

/** Room kept for the line that says how many rows were left out. */
const LEFT_OUT_LINE_BYTES = 1024

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * Any string written into the summary, made safe for it: one line (a blank line
 * would end the summary's HTML block, and whatever follows would be read as
 * markdown), at most SUMMARY_TEXT_CHARS long, HTML-escaped. Every interpolated
 * string goes through here, whoever cleaned it before.
 */
export function summaryText(text: string): string {
  return cut(showControls(text), SUMMARY_TEXT_CHARS).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function resultCell(result: SecretResult, dryRun: boolean, tally?: RetryTally): string {
  const retries = tally?.retriesFor(result.tag) ?? 0
  const note = retries > 0 ? ` (${count(retries, 'retry', 'retries')})` : ''
  if (result.outcome !== 'failed') return `${outcomeWord(result.outcome, dryRun)}${note}`
  return `failed${note}: ${result.error?.message ?? 'unknown error'}`
}

function row(result: SecretResult, dryRun: boolean, tally?: RetryTally): string {
  const tag = `<code>${summaryText(result.tag)}</code>`
  const cells = [
    result.key === undefined ? tag : `<code>${summaryText(result.key)}</code> → ${tag}`,
    summaryText(result.name),
    summaryText(resultCell(result, dryRun, tally))
  ]
  return `<tr>${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`
}

/** Failed rows first (they are what a reader looks for), then the rest, each by tag. */
function rowOrder(results: readonly SecretResult[]): SecretResult[] {
  const failed = results.filter((r) => r.outcome === 'failed').sort(byTag)
  return [...failed, ...results.filter((r) => r.outcome !== 'failed').sort(byTag)]
}

/** `Selected by select: 12 of 31 keys; left out: github_token (why)`. Left-out keys are few: select matched each. */
function selectionItem({ keys, leftOut }: SelectionCount, results: readonly SecretResult[]): string {
  const pushed = results.filter((r) => r.key !== undefined).length
  const left = leftOut.map(({ key, reason }) => `<code>${summaryText(key)}</code> (${summaryText(reason)})`)
  return `<li>Selected by <code>select</code>: ${pushed} of ${count(keys, 'key')}${left.length > 0 ? `; left out: ${left.join(', ')}` : ''}</li>`
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8')

/** The tags of a skipped prune as `<code>` items, as many as fit in PLANNED_LIST_BYTES. */
function plannedList(tags: readonly string[]): string {
  const items: string[] = []
  let used = 0
  for (const tag of tags) {
    const item = `<code>${summaryText(tag)}</code>`
    used += bytes(item) + 2
    if (used > PLANNED_LIST_BYTES) break
    items.push(item)
  }
  const more = tags.length - items.length
  return `${items.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
}

/**
 * The job summary as HTML: the run, the Cortex host, and one row per secret
 * (failed ones first). Never a value. The counts cover every secret; when the
 * rows would not fit in SUMMARY_BUDGET_BYTES, the last ones are left out and
 * counted, and the outputs still list every tag.
 */
export function renderJobSummary({ run, cortexHost, report, tally, selection }: SummaryInput): string {
  const { results, dryRun, pruneSkipped } = report
  const counts: Record<Outcome, number> = { created: 0, updated: 0, deleted: 0, failed: 0 }
  for (const r of results) counts[r.outcome]++
  const shown = OUTCOMES.filter((o) => o !== 'deleted' || counts.deleted > 0 || pruneSkipped)
  const tallyLine = shown.map((o) => `${counts[o]} ${outcomeWord(o, dryRun)}`).join(', ')
  const retries = tally?.describe()
  const notes = [
    ...(dryRun
      ? ['<p><strong>Dry run</strong>: only read requests were made; nothing was changed in Cortex.</p>']
      : []),
    ...(pruneSkipped
      ? [
          `<p><strong>Prune skipped</strong>: ${summaryText(pruneSkipped.reason)}. Planned deletions: ${plannedList(pruneSkipped.tags)}.</p>`
        ]
      : [])
  ]
  const head = [
    `<h2>Cortex secrets${dryRun ? ' (dry run)' : ''}: ${tallyLine}</h2>`,
    ...notes,
    '<ul>',
    `<li>Trigger: ${summaryText(run.trigger)}</li>`,
    `<li>Repository: ${summaryText(run.repository)}, <a href="${summaryText(run.runUrl)}">run</a></li>`,
    `<li>Cortex host: <code>${summaryText(cortexHost)}</code></li>`,
    ...(retries ? [`<li>Retries and waits: ${summaryText(retries)}</li>`] : []),
    ...(selection ? [selectionItem(selection, results)] : []),
    '</ul>'
  ]
  const tableStart = '<table><tr><th>Tag</th><th>Name</th><th>Result</th></tr>'
  const tableEnd = '</table>'

  // Each line costs its bytes and a line feed; the trailing '' adds none.
  let used = [...head, tableStart, tableEnd].reduce((sum, line) => sum + bytes(line) + 1, 0) + LEFT_OUT_LINE_BYTES
  const rows: string[] = []
  for (const result of rowOrder(results)) {
    const html = row(result, dryRun, tally)
    used += bytes(html) + 1
    if (used > SUMMARY_BUDGET_BYTES) break
    rows.push(html)
  }
  const leftOut = results.length - rows.length
  const leftOutLine =
    leftOut > 0
      ? [
          `<p><strong>${count(leftOut, 'row', 'rows')} left out</strong>: the table shows the first ${rows.length} of ` +
            `${count(results.length, 'secret')} (failed ones first) to keep this summary within GitHub's 1 MiB limit; ` +
            'the outputs <code>created</code>, <code>updated</code>, <code>deleted</code> and <code>failed</code> list every tag.</p>'
        ]
      : []
  return [...head, ...leftOutLine, tableStart, ...rows, tableEnd, ''].join('\n')
}
