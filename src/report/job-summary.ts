import type { SecretResult } from '../sync/apply.ts'
import type { RetryTally } from './retry-tally.ts'
import type { RunContext } from './run-context.ts'

export interface SummaryInput {
  run: RunContext
  cortexHost: string
  results: readonly SecretResult[]
  tally?: RetryTally
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function resultCell(result: SecretResult, tally?: RetryTally): string {
  const retries = tally?.retriesFor(result.tag) ?? 0
  const note = retries > 0 ? ` (${retries} ${retries === 1 ? 'retry' : 'retries'})` : ''
  if (result.outcome !== 'failed') return `${result.outcome}${note}`
  return `failed${note}: ${result.error?.message ?? 'unknown error'}`
}

/** The job summary as HTML: the run, the Cortex host, and one row per secret. Never a value. */
export function renderJobSummary({ run, cortexHost, results, tally }: SummaryInput): string {
  const counts = { created: 0, updated: 0, failed: 0 }
  for (const r of results) counts[r.outcome]++
  const rows = [...results]
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .map((r) => `<tr><td><code>${escapeHtml(r.tag)}</code></td><td>${escapeHtml(r.name)}</td><td>${escapeHtml(resultCell(r, tally))}</td></tr>`)
  return [
    '<h2>Cortex secrets</h2>',
    `<p><strong>${counts.created}</strong> created, <strong>${counts.updated}</strong> updated, <strong>${counts.failed}</strong> failed.</p>`,
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
