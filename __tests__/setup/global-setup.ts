/**
 * The globalSetup of jest.config.js's e2e project (__tests__/e2e/ and __tests__/bundle/):
 * what those tests need before their first test. Jest runs it only when the run has a test
 * of that project. A step that cannot be met stops the run at once with one message that
 * says how to meet it, instead of failing every test that needs it.
 *
 * Jest transforms this file, but what it imports is loaded by Node itself, and
 * npm test may run on a Node that cannot load TypeScript (the system's, when the
 * `node` dev dependency's binary is missing): import Node's built-ins and
 * packages only, not the harness.
 */
import { execFile, execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

/** The major version `action.yml` names in `runs.using` (harness/node24.ts runs the action with it). */
export const ACTION_NODE_MAJOR = 24

/**
 * The variable that names the action the tests run. harness/run-action.ts reads it and
 * global-teardown.ts removes the folder it names; each spells the name out, since this
 * file cannot import the harness and the teardown imports built-ins only too.
 */
export const ACTION_UNDER_TEST_DIR = 'ACTION_UNDER_TEST_DIR'

/**
 * The action built from the current src/ for this run, laid out as an action's
 * directory (what the runner downloads for `uses: owner/repo@ref`): a copy of the
 * repository's action.yml, whose `runs.main` is dist/index.js, beside the bundle.
 */
export function buildLayout(dir: string) {
  return {
    manifest: join(dir, 'action.yml'),
    dist: join(dir, 'dist'),
    /** esbuild's record of the build (its metafile): which files went into which output, and what each imports. */
    metafile: join(dir, 'metafile.json')
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A requirement of the run: undefined when met, else what is missing and how to get it. */
type Step = () => string | undefined | Promise<string | undefined>

/** The e2e tests run the bundle under Node 24: this Node, or the `node` dev dependency's binary. */
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
    `The end-to-end tests run the bundled action under Node ${ACTION_NODE_MAJOR}, as action.yml says, and there is none: ` +
    `npm test runs on Node ${process.versions.node} and node_modules/node/bin/node is ${version}. ` +
    'The `node` dev dependency downloads Node 24 in its install script, which `npm ci --ignore-scripts` skips. ' +
    `Get it with \`npm rebuild node --ignore-scripts=false\` (or \`npm ci\`), or run npm test on Node ${ACTION_NODE_MAJOR}.`
  )
}

/** The Node 24 that runs the bundle, and the bundler: this Node, or the `node` dev dependency's binary. */
function node24(): string {
  if (Number(process.versions.node.split('.')[0]) === ACTION_NODE_MAJOR) return process.execPath
  return createRequire(import.meta.url).resolve('node/bin/node')
}

/**
 * Bundles src/ with `npm run bundle`'s script (scripts/bundle.ts, under Node 24), into a folder
 * of its own and with the metafile, so that the tests run the source as it is now, not the dist/
 * last committed; a test in __tests__/bundle/ compares the two. A build that fails stops the run
 * with the bundler's message: every end-to-end test would fail for that one reason.
 */
const actionFromSource: Step = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cortex-action-under-test-'))
  const layout = buildLayout(dir)
  const args = ['scripts/bundle.ts', '--outdir', layout.dist, '--metafile', layout.metafile]
  try {
    copyFileSync(join(ROOT, 'action.yml'), layout.manifest)
    await promisify(execFile)(node24(), args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
  } catch (error) {
    // Jest runs no globalTeardown after a failed globalSetup: the folder goes now.
    rmSync(dir, { recursive: true, force: true })
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string }
    const said = `${stderr ?? ''}${stdout ?? ''}`.trim()
    return `The e2e tests run src/ bundled as npm run bundle does, and the build failed:\n${said || message}`
  }
  process.env[ACTION_UNDER_TEST_DIR] = dir
  return undefined
}

const steps: readonly Step[] = [actionNode, actionFromSource]

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
