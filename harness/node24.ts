import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

/** The major version `action.yml` names in `runs.using`. */
export const ACTION_NODE_MAJOR = 24

/**
 * The Node binary the runner would use for this action: this process's own
 * when it is Node 24, else the one the `node@24` dev dependency installs.
 * Throws a message that says how to get it when there is none.
 */
export function actionNodePath(): string {
  if (Number(process.versions.node.split('.')[0]) === ACTION_NODE_MAJOR) return process.execPath
  const require = createRequire(import.meta.url)
  let path: string
  try {
    path = require.resolve('node/bin/node')
  } catch {
    throw new Error(
      'node_modules/node/bin/node is missing (`npm ci --ignore-scripts` skips the script that downloads it): ' +
        'run `npm rebuild node --ignore-scripts=false`'
    )
  }
  const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
  if (!version.startsWith(`v${ACTION_NODE_MAJOR}.`)) {
    throw new Error(`node_modules/node is ${version}, not Node ${ACTION_NODE_MAJOR}: run npm ci`)
  }
  return path
}
