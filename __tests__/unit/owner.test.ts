import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  checkOwnerName,
  filesMentioningOwner,
  ownerMentions,
  ownerProblem,
  packageRepository,
  withOwner
} from '../../scripts/owner.ts'

const NAME = 'cortex-secrets-action'
const DOC = [
  '# Using it',
  '',
  '      - uses: acme/cortex-secrets-action@v1',
  "- uses: 'acme/cortex-secrets-action@0123456789abcdef0123456789abcdef01234567' # v1.0.0",
  'See [the issues](https://github.com/acme/cortex-secrets-action/issues) and acme/cortex-secrets-action.',
  '      - uses: acme/cortex-secrets-action-fork@v1',
  '      - uses: actions/checkout@v7',
  '"url": "git+https://github.com/acme/cortex-secrets-action.git"'
].join('\n')

describe('packageRepository', () => {
  it("reads owner and name from package.json's repository.url", () => {
    for (const url of [
      'git+https://github.com/acme/cortex-secrets-action.git',
      'https://github.com/acme/cortex-secrets-action'
    ])
      expect(packageRepository({ repository: { url } })).toEqual({ owner: 'acme', name: NAME })
    for (const url of [undefined, 'git@github.com:acme/x.git', 'https://gitlab.com/acme/x.git'])
      expect(() => packageRepository({ repository: { url } })).toThrow("package.json's repository.url")
  })
})

describe('ownerMentions and withOwner', () => {
  it('find uses: lines and github.com links of the repository, not other repositories or plain text', () => {
    expect(ownerMentions(DOC, NAME)).toEqual([
      { line: 3, owner: 'acme' },
      { line: 4, owner: 'acme' },
      { line: 5, owner: 'acme' },
      { line: 8, owner: 'acme' }
    ])
  })

  it('rewrite exactly those', () => {
    const rewritten = withOwner(DOC, NAME, 'octo-org')
    expect(ownerMentions(rewritten, NAME).map((m) => m.owner)).toEqual(Array(4).fill('octo-org'))
    expect(rewritten.split('\n').filter((line, i) => line !== DOC.split('\n')[i])).toHaveLength(4)
    expect(rewritten).toContain('and acme/cortex-secrets-action.')
    expect(rewritten).toContain('acme/cortex-secrets-action-fork@v1')
  })
})

describe('checkOwnerName', () => {
  it("takes GitHub's user and organisation names only", () => {
    for (const good of ['acme', 'Octo-Org', 'a1', 'a'.repeat(39)]) expect(() => checkOwnerName(good)).not.toThrow()
    for (const bad of ['', '-acme', 'acme-', 'ac--me', 'acme/x', 'ac me', 'a'.repeat(40)])
      expect(() => checkOwnerName(bad)).toThrow(`"${bad}" is not a GitHub user or organisation name`)
  })
})

describe('ownerProblem', () => {
  it('refuses the placeholder, and a repository other than the one the workflow runs in', () => {
    expect(ownerProblem({ owner: 'OWNER', name: NAME }, undefined)).toBe(
      "package.json's repository names the placeholder owner OWNER: run 'npm run set-owner -- <owner>' and commit the result"
    )
    expect(ownerProblem({ owner: 'acme', name: NAME }, 'other/cortex-secrets-action')).toBe(
      "package.json's repository is acme/cortex-secrets-action, but this runs in other/cortex-secrets-action: run 'npm run set-owner -- other' (or correct repository.url) and commit the result"
    )
  })

  it('accepts a set owner, anywhere locally and in its own repository (names ignore case)', () => {
    expect(ownerProblem({ owner: 'acme', name: NAME }, undefined)).toBeUndefined()
    expect(ownerProblem({ owner: 'acme', name: NAME }, 'Acme/Cortex-Secrets-Action')).toBeUndefined()
  })
})

describe('filesMentioningOwner', () => {
  it('leaves out a tracked symlink: set-owner must not rewrite what it points at, outside the repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'owner-'))
    try {
      writeFileSync(join(dir, 'outside.md'), 'uses: OWNER/cortex-secrets-action@v1\n')
      const root = join(dir, 'repository')
      execFileSync('git', ['init', '--quiet', root])
      for (const file of ['package.json', 'README.md']) writeFileSync(join(root, file), '{}\n')
      symlinkSync(join(dir, 'outside.md'), join(root, 'linked.md'))
      execFileSync('git', ['add', '--all'], { cwd: root })
      expect(filesMentioningOwner(root)).toEqual(['package.json', 'README.md'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
