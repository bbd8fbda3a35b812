import type { Outcome, SecretResult } from '../sync/apply.ts'
import type { SyncReport } from '../sync/sync-secrets.ts'
import type { RetryTally } from './retry-tally.ts'
import type { RunContext } from './run-context.ts'
import { count } from '../text/count.ts'

export interface SummaryInput {
  run: RunContext
  cortexHost: string
  report: SyncReport
  tally?: RetryTally
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

const PLANNED: Record<Outcome, string> = {
  created: 'would create',
  updated: 'would update',
  deleted: 'would delete',
  failed: 'failed'
}

function resultCell(result: SecretResult, dryRun: boolean, tally?: RetryTally): string {
  const retries = tally?.retriesFor(result.tag) ?? 0
  const note = retries > 0 ? ` (${count(retries, 'retry', 'retries')})` : ''
  const outcome = dryRun ? PLANNED[result.outcome] : result.outcome
  if (result.outcome !== 'failed') return `${outcome}${note}`
  return `failed${note}: ${result.error?.message ?? 'unknown error'}`
}

/** The job summary as HTML: the run, the Cortex host, and one row per secret. Never a value. */
export function renderJobSummary({ run, cortexHost, report, tally }: SummaryInput): string {
  const { results, dryRun, pruneSkipped } = report
  const counts: Record<Outcome, number> = { created: 0, updated: 0, deleted: 0, failed: 0 }
  for (const r of results) counts[r.outcome]++
  const order = (['created', 'updated', 'deleted', 'failed'] as const).filter(
    (o) => o !== 'deleted' || counts.deleted > 0 || pruneSkipped
  )
  const tallyLine = order.map((o) => `${counts[o]} ${dryRun ? PLANNED[o] : o}`).join(', ')
  const rows = [...results]
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .map(
      (r) =>
        `<tr><td><code>${escapeHtml(r.tag)}</code></td><td>${escapeHtml(r.name)}</td><td>${escapeHtml(resultCell(r, dryRun, tally))}</td></tr>`
    )
  const notes = [
    ...(dryRun
      ? ['<p><strong>Dry run</strong>: only read requests were made; nothing was changed in Cortex.</p>']
      : []),
    ...(pruneSkipped
      ? [
          `<p><strong>Prune skipped</strong>: ${escapeHtml(pruneSkipped.reason)}. Planned deletions: ${pruneSkipped.tags.map((t) => `<code>${escapeHtml(t)}</code>`).join(', ')}.</p>`
        ]
      : [])
  ]
  return [
    `<h2>Cortex secrets${dryRun ? ' (dry run)' : ''}: ${tallyLine}</h2>`,
    ...notes,
    '<ul>',
    `<li>Trigger: ${escapeHtml(run.trigger)}</li>`,
    `<li>Repository: ${escapeHtml(run.repository)}, <a href="${escapeHtml(run.runUrl)}">run</a></li>`,
    `<li>Cortex host: <code>${escapeHtml(cortexHost)}</code></li>`,
    ...(tally?.describe() ? [`<li>Retries and waits: ${escapeHtml(tally.describe() ?? '')}</li>`] : []),
    '</ul>',
    '<table><tr><th>Tag</th><th>Name</th><th>Result</th></tr>',
    ...rows,
    '</table>',
    ''
  ].join('\n')
}
