// Jest in ES module mode (npm test sets --experimental-vm-modules), TypeScript through ts-jest.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // ts-jest rewrites `./x.ts` imports to `./x.js`; map them back to the source file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Before the first test: checks what the whole run needs (Node 24 for the e2e tests) and
  // bundles src/ into a temporary folder, the action the e2e tests run; the teardown removes it.
  globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/setup/global-teardown.ts',
  // The e2e tests mostly wait on the action's child process: one worker per core, not Jest's
  // default of one less, keeps the run near a minute on two cores.
  maxWorkers: '100%',
  // Collected when npm test asks (--coverage). The e2e tests run the bundle in a child process,
  // which Jest cannot see: these figures are what the in-process tests reach.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 98, branches: 92 } },
  testTimeout: 60000
}
