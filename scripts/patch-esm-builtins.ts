// ncc's ES module output loads `node:`-prefixed built-ins (used by undici) with a
// bare `require`, which does not exist in an ES module; plain built-ins already go
// through createRequire. Route the prefixed ones the same way.
// See vercel/ncc issues #791 and #1163.
import { readFileSync, writeFileSync } from 'node:fs'

const file = process.argv[2] ?? 'dist/index.js'
const source = readFileSync(file, 'utf8')
const createRequire = '__WEBPACK_EXTERNAL_createRequire'
if (!source.includes(`import { createRequire as ${createRequire} } from "module";`)) {
  throw new Error(`${file}: ncc's createRequire import is missing; has ncc's output changed?`)
}
const patched = source.replace(
  /^module\.exports = require\("(node:[a-z_/]+)"\);$/gm,
  `module.exports = ${createRequire}(import.meta.url)("$1");`
)
writeFileSync(file, patched)
