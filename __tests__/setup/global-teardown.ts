/**
 * The e2e project's globalTeardown (jest.config.js): removes the action global-setup.ts
 * built for this run, from the folder it named in ACTION_UNDER_TEST_DIR. Like
 * global-setup.ts, it imports Node's built-ins only (see there why).
 */
import { rmSync } from 'node:fs'

export default function globalTeardown(): void {
  const dir = process.env.ACTION_UNDER_TEST_DIR
  if (dir) rmSync(dir, { recursive: true, force: true })
}
