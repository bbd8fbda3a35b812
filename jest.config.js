// Jest in ES module mode, TypeScript through ts-jest. Two projects: `source` runs everything
// that needs no build of the action (unit, engine, action, harness, contract, metadata); `e2e`
// runs the bundled action in a child process (e2e/) and checks the bundle (bundle/), and only
// when one of its files is part of the run does its globalSetup bundle src/.
import { spawn } from 'node:child_process'
import { basename } from 'node:path'
import vm from 'node:vm'

/**
 * Jest's ESM support needs Node's vm modules, which only a flag turns on. `npm test` sets it;
 * when Jest started without it (`npx jest <file>`), run the same command again in a child Node
 * with the flag added to NODE_OPTIONS (so Jest's workers get it too), and exit as that child
 * does. Only when this file is loaded by the jest CLI: another program that imports it gets the
 * config as it is. JEST_VM_MODULES_RERUN keeps a Node that ignores the flag from looping.
 */
const VM_MODULES = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning']
const RERUN = 'JEST_VM_MODULES_RERUN'

function rerunWithVmModules() {
  if (process.env[RERUN]) {
    throw new Error(`Jest needs Node's vm modules and this Node did not enable them from NODE_OPTIONS=${VM_MODULES[0]}`)
  }
  const env = {
    ...process.env,
    [RERUN]: '1',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, ...VM_MODULES].filter(Boolean).join(' ')
  }
  const execArgv = process.execArgv.filter((arg) => !/^--(debug|inspect)/.test(arg))
  const child = spawn(process.execPath, [...execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env })
  const forward = (signal) => child.kill(signal)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward)
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code ?? 1)
    process.removeAllListeners(signal)
    process.kill(process.pid, signal)
  })
  // Jest never gets a config from this process: the child runs the tests.
  return new Promise(() => {})
}

const startedByJestCli = /^jest(\.js)?$/.test(basename(process.argv[1] ?? ''))

/** What both projects share. */
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // ts-jest rewrites `./x.ts` imports to `./x.js`; map them back to the source file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
    // Adds `with { type: 'json' }` to the package's JSON imports, which Jest would warn about.
    '/node_modules/@actions/workflow-parser/dist/.+\\.js$': '<rootDir>/__tests__/setup/json-import-attribute.js'
  },
  // node_modules are loaded as they are, but for that package, which the transform above needs to see.
  transformIgnorePatterns: ['/node_modules/(?!@actions/workflow-parser/dist/)']
}

/** @type {import('jest').Config} */
const config = {
  projects: [
    {
      ...common,
      displayName: 'source',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/e2e/', '<rootDir>/__tests__/bundle/']
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/{e2e,bundle}/**/*.test.ts'],
      // A project's globalSetup runs only when the run has a test of that project: it checks
      // for Node 24 and bundles src/ into a temporary folder, the action the e2e tests run; the
      // teardown removes it. A run of the source project alone builds nothing.
      globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/setup/global-teardown.ts'
    }
  ],
  // The e2e tests mostly wait on the action's child process: one worker per core, not Jest's
  // default of one less.
  maxWorkers: '100%',
  // Collected when asked (npm test passes --coverage); the threshold applies only then, so a
  // run of some files (npx jest <file>) never fails on it. The e2e tests run the bundle in a
  // child process, which Jest cannot see: these figures are what the in-process tests reach.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 98, branches: 92 } },
  testTimeout: 60000
}

export default typeof vm.SourceTextModule !== 'function' && startedByJestCli ? () => rerunWithVmModules() : config
