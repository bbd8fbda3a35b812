/**
 * `npm run set-owner -- NAME`: makes NAME the owner of the repository wherever it is written,
 * package.json's `repository.url` (the one source: scripts/owner.ts) and the `uses:` lines and
 * github.com links of the documentation. A maintainer runs it once, when the repository has
 * its home, and commits the result.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { checkOwnerName, filesMentioningOwner, packageRepository, withOwner } from './owner.ts'

function setOwner(owner: string): void {
  checkOwnerName(owner)
  const root = process.cwd()
  const { name } = packageRepository(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')))
  const changed = filesMentioningOwner(root).filter((file) => {
    const text = readFileSync(join(root, file), 'utf8')
    const rewritten = withOwner(text, name, owner)
    if (rewritten !== text) writeFileSync(join(root, file), rewritten)
    return rewritten !== text
  })
  console.log(`The owner is ${owner}: ${changed.length ? `rewrote ${changed.join(', ')}` : 'nothing to rewrite'}.`)
}

try {
  const { positionals } = parseArgs({ allowPositionals: true })
  if (positionals.length !== 1) throw new Error('give the owner: npm run set-owner -- <owner>')
  setOwner(positionals[0] as string)
} catch (error) {
  console.error(`set-owner: ${(error as Error).message}`)
  process.exit(1)
}
