/**
 * `npm run bundle [-- --outdir DIR] [-- --metafile FILE]`: src/ into dist/, which the runner runs as
 * action.yml says. dist/index.js is the entry; what a run needs only once its inputs hold (undici, the
 * Cortex client, @actions/github for the summary) sits in chunks it imports then, so a run that fails on
 * its inputs does not first compile and evaluate 1.3 MB of HTTP code (BENCHMARKS.md, start-up).
 * dist/licenses.txt lists every bundled package with its licence text.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { build, type Metafile, type Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * @actions/core imports @actions/http-client (and with it undici) for getIDToken alone, which this action
 * never calls, and the package does not declare that the import has no side effects. Declared here, the
 * bundler leaves it out while nothing of it is used; were getIDToken ever called, it would be bundled.
 */
const coreWithoutUnusedHttpClient: Plugin = {
  name: 'core-without-unused-http-client',
  setup(plugins) {
    plugins.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, async (args) => {
      if (!args.importer.includes('/node_modules/@actions/core/') || args.pluginData === 'resolving') return undefined
      const resolved = await plugins.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving'
      })
      return { ...resolved, sideEffects: false }
    })
  }
}

/**
 * src/version.ts reads the version from package.json: only that field goes into the bundle, so that
 * editing another (the owner, a dependency) leaves dist/ as it is.
 */
const versionOnlyOfPackageJson: Plugin = {
  name: 'version-only-of-package-json',
  setup(plugins) {
    plugins.onLoad({ filter: /\/package\.json$/ }, (args) => {
      if (args.path !== join(ROOT, 'package.json')) return undefined
      const { version } = JSON.parse(readFileSync(args.path, 'utf8')) as { version: string }
      return { contents: JSON.stringify({ version }), loader: 'json' }
    })
  }
}

/** The packages with code in the outputs, each as `name`, licence id, licence text (the layout ncc wrote). */
function licenses(metafile: Metafile): string {
  const packageDirs = new Map<string, string>()
  const bundled = Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) => (bytesInOutput > 0 ? [input] : []))
  )
  for (const input of bundled) {
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input)
    if (match?.[1] && match[2]) packageDirs.set(match[2], join(ROOT, match[1]))
  }
  return [...packageDirs]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, dir]) => {
      const { license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license?: string }
      const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)/i.test(entry))
      if (!license || !file) throw new Error(`${name} (${dir}) names no licence or ships no licence file`)
      return `${name}\n${license}\n${readFileSync(join(dir, file), 'utf8').trim()}\n`
    })
    .join('\n')
}

const { values } = parseArgs({
  options: { outdir: { type: 'string', default: join(ROOT, 'dist') }, metafile: { type: 'string' } }
})
const outdir = values.outdir

rmSync(outdir, { recursive: true, force: true })
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/index.ts'],
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Bundled CommonJS (undici, yaml's dependants) calls require(): give the ES module one.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [coreWithoutUnusedHttpClient, versionOnlyOfPackageJson]
})
writeFileSync(join(outdir, 'licenses.txt'), licenses(result.metafile))
// dist/ is an ES module package wherever it is copied, whatever the package.json above it says.
writeFileSync(join(outdir, 'package.json'), '{ "type": "module" }\n')
if (values.metafile) writeFileSync(values.metafile, JSON.stringify(result.metafile))
