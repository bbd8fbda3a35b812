/**
 * What tests read in the Markdown files, through markdown-it (CommonMark, as GitHub renders it)
 * rather than regular expressions: fenced code blocks with the section they are in, links, and
 * the anchors GitHub gives headings (github-slugger: GitHub's rules, `-1` for a repeated one).
 */
import GithubSlugger from 'github-slugger'
import MarkdownIt, { type Token } from 'markdown-it'

const markdown = new MarkdownIt({ html: true })

function parse(text: string): Token[] {
  return markdown.parse(text, {})
}

/** The text a heading shows (code spans without their backticks, links as their text). */
function plainText(inline: Token | undefined): string {
  return (inline?.children ?? [])
    .filter((child) => child.type === 'text' || child.type === 'code_inline')
    .map((child) => child.content)
    .join('')
}

export interface CodeBlock {
  /** The fence's info string, e.g. `yaml`. */
  lang: string
  content: string
  /** 1-based line of the opening fence. */
  line: number
  /** The text of the nearest `##` heading above it ('' before the first). */
  section: string
}

export function codeBlocks(text: string, lang?: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  let section = ''
  const tokens = parse(text)
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open' && token.tag === 'h2') section = plainText(tokens[i + 1])
    if (token.type !== 'fence') return
    const info = token.info.trim().split(/\s+/)[0] ?? ''
    if (lang === undefined || info === lang)
      blocks.push({ lang: info, content: token.content, line: (token.map?.[0] ?? 0) + 1, section })
  })
  return blocks
}

/** The anchors a link may name in this file: each heading's slug, and HTML `id`/`name` attributes. */
export function anchors(text: string): Set<string> {
  const slugger = new GithubSlugger()
  const found = new Set<string>()
  const tokens = parse(text)
  const fromHtml = (html: string) => {
    for (const m of html.matchAll(/\s(?:id|name)="([^"]+)"/g)) found.add(m[1] ?? '')
  }
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') found.add(slugger.slug(plainText(tokens[i + 1])))
    if (token.type === 'html_block') fromHtml(token.content)
    for (const child of token.children ?? []) if (child.type === 'html_inline') fromHtml(child.content)
  })
  return found
}

export interface Link {
  /** As written: a URL, a path, `#anchor` or `path#anchor`. */
  target: string
  /** 1-based line of the block that holds it. */
  line: number
}

/** Every link and image in the text, reference-style ones resolved, and `href`/`src` of raw HTML. */
export function links(text: string): Link[] {
  const found: Link[] = []
  const fromHtml = (html: string, line: number) => {
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) found.push({ target: m[1] ?? '', line })
  }
  for (const token of parse(text)) {
    const line = (token.map?.[0] ?? 0) + 1
    if (token.type === 'html_block') fromHtml(token.content, line)
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') found.push({ target: String(child.attrGet('href') ?? ''), line })
      if (child.type === 'image') found.push({ target: String(child.attrGet('src') ?? ''), line })
      if (child.type === 'html_inline') fromHtml(child.content, line)
    }
  }
  return found
}
