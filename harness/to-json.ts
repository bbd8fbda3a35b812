/**
 * The text the runner makes of `${{ toJSON(secrets) }}`: what a workflow that
 * passes every secret of the job hands the action as one input.
 *
 * Sources (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * - src/Runner.Worker/Variables.cs, ToSecretsContext: the `secrets` context is a
 *   DictionaryContextData of strings, one per secret variable of the job (the job's
 *   GITHUB_TOKEN among them, as `github_token`).
 * - src/Sdk/DTPipelines/Pipelines/ContextData/DictionaryContextData.cs: keys are looked
 *   up with StringComparer.OrdinalIgnoreCase, so no two keys differ only in case; pairs
 *   keep the order they were added in.
 * - src/Sdk/DTExpressions2/Expressions2/Sdk/Functions/ToJson.cs: the layout. A non-empty
 *   mapping is `{`, then each pair on its own line indented two spaces as `key: value`
 *   (PrefixValue; `,` before every pair but the first), then `\n}`; an empty one is `{}`.
 *   Keys and string values are each written by JsonUtility.ToString.
 * - src/Sdk/WebApi/WebApi/JsonUtility.cs, ToString: Newtonsoft.Json's serializer with
 *   VssJsonMediaTypeFormatter's settings, which leave StringEscapeHandling at Default.
 *
 * Newtonsoft.Json's Default escaping inside `"` (JamesNK/Newtonsoft.Json,
 * Src/Newtonsoft.Json/Utilities/JavaScriptUtils.cs, WriteEscapedJavaScriptString, and
 * StringUtils.ToCharAsUnicode with MathUtils.IntToHex for the lowercase hex): `\t` `\n`
 * `\r` `\f` `\b` `\\` `\"` by their short escapes, any other character below U+0020 as
 * `\u00xx`, and U+0085, U+2028 and U+2029 as `\u0085`, `\u2028`, `\u2029`. Everything
 * else is written as it is, per UTF-16 code unit: `'`, `<`, `&`, DEL, the other C1
 * controls, non-ASCII letters and astral characters (as their surrogate pairs).
 * JSON.stringify differs on exactly those three line separators (it leaves them) and on
 * lone surrogates (it escapes them), hence this function.
 */

const SHORT_ESCAPES: Record<string, string> = {
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\f': '\\f',
  '\b': '\\b',
  '\\': '\\\\',
  '"': '\\"'
}

/**
 * The inside of a JSON string as Newtonsoft.Json's Default escaping writes it (see above).
 * The runner's masker uses the same escaping for its JsonStringEscape encoder.
 */
export function newtonsoftEscape(text: string): string {
  let out = ''
  for (const unit of text.split('')) {
    const code = unit.charCodeAt(0)
    const short = SHORT_ESCAPES[unit]
    if (short !== undefined) out += short
    else if (code < 0x20 || code === 0x85 || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += unit
  }
  return out
}

/** A string as JsonUtility.ToString writes it: quoted, escaped as Newtonsoft.Json's Default does. */
export function newtonsoftJsonString(text: string): string {
  return `"${newtonsoftEscape(text)}"`
}

/**
 * `toJSON(secrets)` for a job whose secrets are `secrets` (in the order the context
 * holds them). Keys equal ignoring case are refused: the runner's context cannot hold
 * both, so a test written with them would test something no workflow can send.
 */
export function secretsContextToJson(secrets: Record<string, string>): string {
  const keys = Object.keys(secrets)
  const folded = new Map<string, string>()
  for (const key of keys) {
    const earlier = folded.get(key.toLowerCase())
    if (earlier !== undefined) {
      throw new Error(
        `runner emulation: the secrets context cannot hold both "${earlier}" and "${key}" (keys are case-insensitive)`
      )
    }
    folded.set(key.toLowerCase(), key)
  }
  if (keys.length === 0) return '{}'
  const pairs = keys.map((key) => `\n  ${newtonsoftJsonString(key)}: ${newtonsoftJsonString(secrets[key] as string)}`)
  return `{${pairs.join(',')}\n}`
}
