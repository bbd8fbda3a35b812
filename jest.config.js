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
  // Checks what the whole run needs (Node 24 for the e2e tests) before the first test.
  globalSetup: '<rootDir>/__tests__/setup/global-setup.ts',
  collectCoverageFrom: ['src/**/*.ts'],
  testTimeout: 60000
}
