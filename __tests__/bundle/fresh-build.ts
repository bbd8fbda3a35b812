import { ACTION_UNDER_TEST_DIR, buildLayout } from '../setup/global-setup.ts'

/** Where npm test's globalSetup built the action from the current src/ for this run. */
export function freshBuild(): ReturnType<typeof buildLayout> & { dir: string } {
  const dir = process.env[ACTION_UNDER_TEST_DIR]
  if (!dir) {
    throw new Error(
      `${ACTION_UNDER_TEST_DIR} is not set: run the tests with jest.config.js, whose globalSetup builds the action`
    )
  }
  return { dir, ...buildLayout(dir) }
}
