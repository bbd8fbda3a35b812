/**
 * `npm run stand-in -- [--port 8787] [--seed tag=value ...]`: the local Cortex
 * stand-in as a long-running server, for `npm run local-action` and the CI job
 * that runs the action with `uses: ./`. Prints one line per request it answers.
 * Stops on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util'
import { CortexStandIn, STAND_IN_API_KEY } from '../harness/cortex-stand-in.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    seed: { type: 'string', multiple: true, default: [] }
  }
})

const standIn = await CortexStandIn.start(
  {
    intercept: (r) => {
      // Logged when it arrives; the stand-in keeps no log of bodies, and neither does this.
      console.log(`${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}`)
      return undefined
    }
  },
  Number(values.port)
)
standIn.seed(
  (values.seed ?? []).map((pair) => {
    const at = pair.indexOf('=')
    return { tag: pair.slice(0, at), secret: pair.slice(at + 1) }
  })
)
console.log(`Cortex stand-in listening on ${standIn.url} (api-key: ${STAND_IN_API_KEY})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`${standIn.secrets.size} secrets held: ${[...standIn.secrets.keys()].sort().join(', ')}`)
    void standIn.close().then(() => process.exit(0))
  })
}
