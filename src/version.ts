// The version has one source, package.json: the bundler inlines the field at build time, so
// dist/ carries it without reading package.json at run time. Sent in the User-Agent header.
import packageJson from '../package.json' with { type: 'json' }

export const ACTION_NAME = 'cortex-secrets-action'
export const ACTION_VERSION: string = packageJson.version
