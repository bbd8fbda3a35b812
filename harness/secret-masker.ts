/**
 * The GitHub runner's secret masker: every registered value, and each of its
 * encodings by the value encoders the runner registers, is replaced by `***`
 * wherever it appears in a line written to the log.
 *
 * Sources (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * - src/Sdk/DTLogging/Logging/SecretMasker.cs: AddValue ignores '' and keeps the value
 *   plus every non-empty encoding; MaskSecrets finds every occurrence (ordinal,
 *   overlapping), merges overlapping ranges, and writes `***` for each range.
 *   No minimum length.
 * - src/Sdk/DTLogging/Logging/ValueSecret.cs: ordinal IndexOf from each hit + 1.
 * - src/Runner.Common/HostContext.cs (constructor): the encoders, in this order;
 *   src/Runner.Worker/JobRunner.cs registers none of its own.
 * - src/Sdk/DTLogging/Logging/ValueEncoders.cs: what each encoder does; JsonStringEscape is
 *   Newtonsoft's JsonConvert.ToString without the quotes (JamesNK/Newtonsoft.Json
 *   Src/Newtonsoft.Json/Utilities/JavaScriptUtils.cs: control characters, `"`, `\`,
 *   U+0085, U+2028, U+2029; \uXXXX in lower-case hex).
 */

import { newtonsoftEscape } from './to-json.ts'

export type ValueEncoder = (value: string) => string

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

/** Base64StringEscapeShift: the value without its first `shift` UTF-8 bytes, when it has more. */
function base64Shifted(value: string, shift: number): string {
  const bytes = Buffer.from(value, 'utf8')
  return base64(bytes.length > shift ? bytes.subarray(shift) : bytes)
}

/** .NET Uri.EscapeDataString: every UTF-8 byte but RFC 3986's unreserved characters as %XX, upper-case. */
function uriDataEscape(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** .NET SecurityElement.Escape. */
function xmlDataEscape(value: string): string {
  const entities: Record<string, string> = { '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '&': '&amp;' }
  return value.replace(/[<>"'&]/g, (c) => entities[c] as string)
}

/** The value without surrounding double quotes, when it is longer than 8 and quoted; else ''. */
function trimDoubleQuotes(value: string): string {
  return value.length > 8 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : ''
}

/** The part of a value before (and including) the `&` where PowerShell may split it, when 6 or longer. */
function powerShellPreAmpersandEscape(value: string): string {
  if (!value.includes('&')) return ''
  const section = value.includes('&+')
    ? value.slice(0, value.indexOf('&+') + 2)
    : value.slice(0, value.lastIndexOf('&') + 1)
  return section.length >= 6 ? section : ''
}

/** The part after that `&` (skipping the character PowerShell colours after `&+`), when 6 or longer. */
function powerShellPostAmpersandEscape(value: string): string {
  if (!value.includes('&')) return ''
  let section = ''
  if (value.includes('&+')) {
    const start = value.indexOf('&+') + 2 + 1
    if (value.length > start) section = value.slice(start)
  } else {
    section = value.slice(value.lastIndexOf('&') + 1)
  }
  return section.length >= 6 ? section : ''
}

/** The encoders HostContext registers, in its order. */
export const RUNNER_VALUE_ENCODERS: ReadonlyArray<readonly [string, ValueEncoder]> = [
  ['Base64StringEscape', (v) => base64(Buffer.from(v, 'utf8'))],
  ['Base64StringEscapeShift1', (v) => base64Shifted(v, 1)],
  ['Base64StringEscapeShift2', (v) => base64Shifted(v, 2)],
  ['CommandLineArgumentEscape', (v) => v.replace(/"/g, '\\"')],
  ['ExpressionStringEscape', (v) => v.replace(/'/g, "''")],
  ['JsonStringEscape', newtonsoftEscape],
  ['UriDataEscape', uriDataEscape],
  ['XmlDataEscape', xmlDataEscape],
  ['TrimDoubleQuotes', trimDoubleQuotes],
  ['PowerShellPreAmpersandEscape', powerShellPreAmpersandEscape],
  ['PowerShellPostAmpersandEscape', powerShellPostAmpersandEscape]
]

export class SecretMasker {
  private readonly originals = new Set<string>()
  private readonly secrets = new Set<string>()
  private readonly encoders: ReadonlyArray<ValueEncoder>

  constructor(encoders: ReadonlyArray<ValueEncoder> = RUNNER_VALUE_ENCODERS.map(([, encoder]) => encoder)) {
    this.encoders = encoders
  }

  addValue(value: string): void {
    if (value === '' || this.originals.has(value)) return
    this.originals.add(value)
    this.secrets.add(value)
    for (const encode of this.encoders) {
      const encoded = encode(value)
      if (encoded !== '') this.secrets.add(encoded)
    }
  }

  /** The strings the masker looks for: the values and their encodings. */
  patterns(): string[] {
    return [...this.secrets]
  }

  maskSecrets(input: string): string {
    if (input === '') return ''
    const ranges: Array<[number, number]> = []
    for (const secret of this.secrets) {
      for (let at = input.indexOf(secret); at >= 0; at = input.indexOf(secret, at + 1)) {
        ranges.push([at, at + secret.length])
      }
    }
    if (ranges.length === 0) return input
    ranges.sort((a, b) => a[0] - b[0])
    const merged: Array<[number, number]> = []
    for (const [start, end] of ranges) {
      const last = merged[merged.length - 1]
      if (last && start <= last[1]) last[1] = Math.max(last[1], end)
      else merged.push([start, end])
    }
    let out = ''
    let from = 0
    for (const [start, end] of merged) {
      out += input.slice(from, start) + '***'
      from = end
    }
    return out + input.slice(from)
  }
}
