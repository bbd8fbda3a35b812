/**
 * Jest's globalSetup: what the whole run needs before its first test. A step that
 * cannot be met stops the run at once with one message that says how to meet it,
 * instead of failing every test that needs it.
 *
 * Jest transforms this file, but what it imports is loaded by Node itself, and
 * npm test may run on a Node that cannot load TypeScript (the system's, when the
 * `node` dev dependency's binary is missing): import Node's built-ins and
 * packages only, not the harness.
 */
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

/** The major version `action.yml` names in `runs.using` (harness/node24.ts runs the action with it). */
const ACTION_NODE_MAJOR = 24

/** A requirement of the run: undefined when met, else what is missing and how to get it. */
type Step = () => string | undefined | Promise<string | undefined>

/** The e2e tests run dist/index.js under Node 24: this Node, or the `node` dev dependency's binary. */
const actionNode: Step = () => {
  if (Number(process.versions.node.split('.')[0]) === ACTION_NODE_MAJOR) return undefined
  let version = 'missing'
  try {
    const binary = createRequire(import.meta.url).resolve('node/bin/node')
    version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    // Not installed, or not a binary this machine runs: the message below says what to do.
  }
  if (version.startsWith(`v${ACTION_NODE_MAJOR}.`)) return undefined
  return (
    `The end-to-end tests run dist/index.js under Node ${ACTION_NODE_MAJOR}, as action.yml says, and there is none: ` +
    `npm test runs on Node ${process.versions.node} and node_modules/node/bin/node is ${version}. ` +
    'The `node` dev dependency downloads Node 24 in its install script, which `npm ci --ignore-scripts` skips. ' +
    `Get it with \`npm rebuild node --ignore-scripts=false\` (or \`npm ci\`), or run npm test on Node ${ACTION_NODE_MAJOR}.`
  )
}

const steps: readonly Step[] = [actionNode]

export default async function globalSetup(): Promise<void> {
  for (const step of steps) {
    const problem = await step()
    if (!problem) continue
    // Jest stops the run and prints the stack of what globalSetup throws: make it the message alone.
    const error = new Error(problem)
    error.stack = problem
    throw error
  }
}
