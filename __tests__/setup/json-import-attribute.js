/**
 * A Jest transform for @actions/workflow-parser's dist/ only (jest.config.js): the package
 * imports its schemas (`import X from "../action-v1.0.min.json"`) without the import attribute
 * that Node requires and that Jest 30 warns about, once per test file that loads it. This adds
 * `with { type: "json" }` to those imports, as harness/action-manifest.ts's hook does outside Jest.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const JSON_IMPORT = /^(import\s+\w+\s+from\s+(["'])[^"']+\.json\2)\s*;/gm
const SELF = readFileSync(fileURLToPath(import.meta.url), 'utf8')

export default {
  process: (code) => ({ code: code.replace(JSON_IMPORT, '$1 with { type: "json" };') }),
  // The output depends on the file and on this transform alone.
  getCacheKey: (code, path) => createHash('sha1').update(SELF).update(path).update(code).digest('hex')
}
