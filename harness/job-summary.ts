/**
 * The job summary after the step: what the runner publishes from
 * GITHUB_STEP_SUMMARY, and two ways to look at it outside GitHub (a page to
 * open in a browser, and plain text for a terminal).
 *
 * Source for publishing (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * src/Runner.Worker/FileCommandManager.cs, CreateStepSummaryCommand: an empty file is
 * skipped; over 1 MiB the upload is refused with an error in the step log; otherwise each
 * line is masked and written back with a line feed.
 */
import type { StepLog } from './step-log.ts'

export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024

/** The job summary as the runner uploads it ('' when nothing is uploaded). */
export function publishStepSummary(summary: string, log: StepLog): string {
  if (summary === '') return ''
  const bytes = Buffer.byteLength(summary, 'utf8')
  if (bytes > STEP_SUMMARY_LIMIT_BYTES) {
    const limitK = STEP_SUMMARY_LIMIT_BYTES / 1024
    log.issue(
      'error',
      `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${limitK}k, got ${Math.floor(bytes / 1024)}k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary`
    )
    return ''
  }
  const lines = summary.split(/\r\n|\r|\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.map((line) => `${log.masker.maskSecrets(line)}\n`).join('')
}

/** A standalone page showing a published summary, for a browser. */
export function jobSummaryPage(summary: string, title: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${title.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</title>`,
    '<style>body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto}' +
      'table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 12px;text-align:left}</style>',
    '</head><body>',
    summary,
    '</body></html>',
    ''
  ].join('\n')
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' }

function inlineText(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gs, '$2 ($1)')
    .replace(/<code>(.*?)<\/code>/gs, '$1')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => ENTITIES[name] as string)
}

function tableText(table: string): string {
  const rows = [...table.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((cell) => inlineText(cell[1] ?? ''))
  )
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, [...cell].length)), [])
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - [...cell].length))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

/**
 * Plain text of the summary HTML the action writes (headings, paragraphs,
 * lists, tables, code, links), for reading in a terminal.
 */
export function jobSummaryText(html: string): string {
  const blocks: string[] = []
  const pattern = /<(h[1-6]|p|ul|ol|table|pre|details)\b[^>]*>(.*?)<\/\1>/gs
  for (const match of html.matchAll(pattern)) {
    const [, tag, inner = ''] = match
    if (tag?.startsWith('h')) {
      const text = inlineText(inner)
      blocks.push(`${text}\n${'─'.repeat([...text].length)}`)
    } else if (tag === 'ul' || tag === 'ol') {
      const items = [...inner.matchAll(/<li>(.*?)<\/li>/gs)].map((li) => `• ${inlineText(li[1] ?? '')}`)
      blocks.push(items.join('\n'))
    } else if (tag === 'table') {
      blocks.push(tableText(inner))
    } else {
      blocks.push(inlineText(inner))
    }
  }
  return blocks.join('\n\n') + '\n'
}

/**
 * The published summary cut where markdown cuts it into blocks: at blank lines
 * (empty, or spaces and tabs only). An HTML block that opens with a tag such as
 * `<h2>`, `<p>` or `<table>` runs up to the first blank line, and what follows is
 * read as markdown again: headings, links (CommonMark 0.31.2, section 4.6, HTML
 * blocks, start condition 6; GitHub's cmark-gfm follows it). The action's summary
 * must be a single block.
 */
export function markdownBlocks(published: string): string[] {
  return published
    .split(/\r?\n(?:[ \t]*\r?\n)+/)
    .map((block) => block.replace(/\r?\n$/, ''))
    .filter((block) => block.trim() !== '')
}
