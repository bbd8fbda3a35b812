/**
 * Recognising a workflow command in a line of a step's output, as the runner does.
 *
 * Source (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * src/Runner.Common/ActionCommand.cs, TryParseV2 (`::name key=value,…::data`, after
 * leading white space) then TryParse (the older `##[name key=value;…]data`, anywhere in
 * the line). The name must be a registered command (case-insensitive). The data is
 * unescaped %0D → CR, %0A → LF, %25 → % (in that order); property values also
 * %3A → `:` and %2C → `,`; the older form also %3B → `;` and %5D → `]`.
 */

export interface WorkflowCommand {
  /** The name as written in the line. */
  name: string
  properties: Record<string, string>
  data: string
}

type Mapping = readonly (readonly [string, string])[]

// Applied in this order, as ActionCommand's escape tables are.
const DATA_UNESCAPES: Mapping = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY_UNESCAPES: Mapping = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]
const LEGACY_UNESCAPES: Mapping = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
]

function unescape(text: string, mapping: Mapping): string {
  return mapping.reduce((s, [escaped, plain]) => s.split(escaped).join(plain), text)
}

/** `key=value` pairs split on `separator`; a pair without `=` or with an empty side is ignored. */
function parseProperties(text: string, separator: string, mapping: Mapping): Record<string, string> {
  const properties: Record<string, string> = {}
  for (const item of text.split(separator)) {
    if (item === '') continue
    const eq = item.indexOf('=')
    if (eq <= 0 || eq === item.length - 1) continue
    properties[item.slice(0, eq)] = unescape(item.slice(eq + 1), mapping)
  }
  return properties
}

function split(info: string): { name: string; rest: string | undefined } {
  const space = info.indexOf(' ')
  return space < 0 ? { name: info, rest: undefined } : { name: info.slice(0, space), rest: info.slice(space + 1) }
}

/** The command a line carries, if its name is one of `registered` (lower-case names). */
export function parseWorkflowCommand(line: string, registered: ReadonlySet<string>): WorkflowCommand | undefined {
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end >= 0) {
      const { name, rest } = split(trimmed.slice(2, end))
      if (registered.has(name.toLowerCase())) {
        return {
          name,
          properties: rest === undefined ? {} : parseProperties(rest.trim(), ',', PROPERTY_UNESCAPES),
          data: unescape(trimmed.slice(end + 2), DATA_UNESCAPES)
        }
      }
    }
  }
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const { name, rest } = split(line.slice(prefix + 3, close))
  if (!registered.has(name.toLowerCase())) return undefined
  return {
    name,
    properties: rest === undefined ? {} : parseProperties(rest, ';', LEGACY_UNESCAPES),
    data: unescape(line.slice(close + 1), LEGACY_UNESCAPES)
  }
}
