// Kept in step with package.json by a unit test; sent in the User-Agent header.
export const ACTION_NAME = 'cortex-secrets-action'
export const ACTION_VERSION = '1.0.0'
