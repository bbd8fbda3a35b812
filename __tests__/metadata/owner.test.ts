/**
 * The owner of the repository is written in one place, package.json's `repository.url`, and
 * repeated where users copy it: the `uses:` lines and github.com links of the tracked
 * documentation and configuration. `npm run set-owner -- NAME` writes them all; this fails
 * while one differs, naming the file and line.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { ROOT } from '../../harness/run-action.ts'
import { filesMentioningOwner, ownerMentions, packageRepository } from '../../scripts/owner.ts'

describe('the owner of the repository', () => {
  it("is package.json's in every uses: line and github.com link", () => {
    const { owner, name } = packageRepository(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')))
    const files = filesMentioningOwner(ROOT)
    const mentions = files.flatMap((file) =>
      ownerMentions(readFileSync(join(ROOT, file), 'utf8'), name).map((mention) => ({ file, ...mention }))
    )
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', '.github/workflows/ci.yml'])
    )
    expect(mentions.length).toBeGreaterThanOrEqual(10)
    const others = mentions.filter((m) => m.owner !== owner).map((m) => `${m.file}:${m.line}: ${m.owner}`)
    expect(others).toEqual([])
  })
})
