/**
 * No broken link in the Markdown the repository keeps (README, CONTRIBUTING, SECURITY, CHANGELOG,
 * BENCHMARKS, docs/, the pull request template) or in the issue forms. A relative link must name
 * a file or folder of the repository (one git tracks or would track: not node_modules/, not .env)
 * and, with `#anchor`, a heading of that Markdown file by GitHub's slug rules; a link to another
 * kind of file may only name lines (`#L12`, `#L12-L20`). An external link cannot be fetched here:
 * it must be a well-formed https URL. The templates under .github/ are shown on GitHub's new issue
 * and pull request pages, where a relative link leads nowhere: their links must be https.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { ROOT } from '../../harness/run-action.ts'
import { anchors, links } from '../support/markdown.ts'

/** Files git tracks, and new ones it would (not ignored), relative to the root, with `/`. */
const repositoryFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
  cwd: ROOT,
  encoding: 'utf8'
})
  .split('\0')
  .filter(Boolean)
const files = new Set(repositoryFiles)
const folders = new Set(
  repositoryFiles.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/'))
  )
)
const markdownFiles = repositoryFiles.filter((file) => file.endsWith('.md')).sort()

const anchorCache = new Map<string, Set<string>>()
function anchorsOf(file: string, text?: string): Set<string> {
  if (text !== undefined) return anchors(text)
  let found = anchorCache.get(file)
  if (!found) anchorCache.set(file, (found = anchors(readFileSync(join(ROOT, file), 'utf8'))))
  return found
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** Why an external link is not a well-formed https URL, or undefined. */
function externalProblem(target: string): string | undefined {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    return 'is not a valid URL'
  }
  if (url.protocol !== 'https:') return 'is not https'
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname)) return 'has no valid host name'
  if (url.username || url.password) return 'carries credentials'
  if (/\s/.test(target)) return 'holds white space'
  return undefined
}

/** Each broken link of a Markdown file (its path from the root, and its text), as `line N: target: why`. */
function linkProblems(file: string, text: string): string[] {
  const problems: string[] = []
  const template = file.startsWith('.github/')
  for (const { target, line } of links(text)) {
    const problem = ((): string | undefined => {
      if (target === '') return 'is empty'
      if (SCHEME.test(target)) return externalProblem(target)
      if (template) return 'is relative, and a template is shown where it leads nowhere: use an https URL'
      const hash = target.indexOf('#')
      const path = decodeURIComponent(hash < 0 ? target : target.slice(0, hash))
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1))
      if (path.startsWith('/')) return 'is absolute: write it relative to the file'
      const resolved = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path)).replace(/\/$/, '')
      if (resolved.startsWith('..')) return 'leads out of the repository'
      const isFile = files.has(resolved)
      if (!isFile && !folders.has(resolved)) return `names ${resolved}, which is not in the repository`
      if (anchor === undefined) return undefined
      if (!isFile) return 'names an anchor in a folder'
      if (!resolved.endsWith('.md'))
        return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `names #${anchor} in a file that only has line anchors`
      const known = anchorsOf(resolved, resolved === file ? text : undefined)
      return known.has(anchor) ? undefined : `names #${anchor}, which is no heading of ${resolved}`
    })()
    if (problem) problems.push(`line ${line}: ${target}: ${problem}`)
  }
  return problems
}

describe('links', () => {
  it('checks every Markdown file of the repository', () => {
    expect(markdownFiles).toEqual(
      expect.arrayContaining([
        'README.md',
        'CONTRIBUTING.md',
        'SECURITY.md',
        'CHANGELOG.md',
        'BENCHMARKS.md',
        'docs/secrets-input.md',
        '.github/pull_request_template.md'
      ])
    )
    expect(markdownFiles.some((file) => file.startsWith('node_modules/'))).toBe(false)
  })

  it.each(markdownFiles)('%s: every link resolves', (file) => {
    expect(linkProblems(file, readFileSync(join(ROOT, file), 'utf8'))).toEqual([])
  })

  it('the issue forms link only to well-formed https URLs', () => {
    const forms = repositoryFiles.filter((file) => /^\.github\/ISSUE_TEMPLATE\/.+\.ya?ml$/.test(file))
    expect(forms).toEqual(expect.arrayContaining(['.github/ISSUE_TEMPLATE/config.yml']))
    for (const file of forms) {
      const form = parseYaml(readFileSync(join(ROOT, file), 'utf8')) as {
        contact_links?: Array<{ url: string }>
        body?: Array<{ attributes?: { value?: string; description?: string; label?: string } }>
      }
      const urls = (form.contact_links ?? []).map((link) => link.url)
      const texts = (form.body ?? []).flatMap((item) => Object.values(item.attributes ?? {}).map(String))
      const problems = [
        ...urls.map((url) => [url, externalProblem(url)]),
        ...texts.flatMap((t) => linkProblems(file, t).map((p) => [p, 'in a form']))
      ].filter(([, problem]) => problem !== undefined)
      expect([file, problems]).toEqual([file, []])
    }
  })

  it('finds what it guards: a missing file or anchor, a link out of the tree, http, a relative link in a template', () => {
    const text = [
      '# Title',
      '## Same name',
      '## Same name',
      '[ok](#same-name-1) [ok](docs/pruning.md#examples) [ok](harness/) [ok](action.yml#L3-L5) [ok][ref]',
      '[ok](https://github.com/OWNER/cortex-secrets-action/issues)',
      '',
      '[a](#same-name-2) [b](docs/pruning.md#nowhere) [c](docs/missing.md) [d](../outside.md)',
      '',
      '[e](http://example.com) [f](https://) [g](/README.md) [h](.env.example#top) [i][bad] [j](node_modules/)',
      '',
      '[ref]: CONTRIBUTING.md#set-up',
      '[bad]: CONTRIBUTING.md#setup'
    ].join('\n')
    expect(linkProblems('README.md', text)).toEqual([
      'line 7: #same-name-2: names #same-name-2, which is no heading of README.md',
      'line 7: docs/pruning.md#nowhere: names #nowhere, which is no heading of docs/pruning.md',
      'line 7: docs/missing.md: names docs/missing.md, which is not in the repository',
      'line 7: ../outside.md: leads out of the repository',
      'line 9: http://example.com: is not https',
      'line 9: https://: is not a valid URL',
      'line 9: /README.md: is absolute: write it relative to the file',
      'line 9: .env.example#top: names #top in a file that only has line anchors',
      'line 9: CONTRIBUTING.md#setup: names #setup, which is no heading of CONTRIBUTING.md',
      'line 9: node_modules/: names node_modules, which is not in the repository'
    ])
    expect(linkProblems('.github/pull_request_template.md', '[x](CONTRIBUTING.md)')).toEqual([
      'line 1: CONTRIBUTING.md: is relative, and a template is shown where it leads nowhere: use an https URL'
    ])
  })
})
