/**
 * The `${{ }}` template syntax as the GitHub runner reads a scalar of
 * action.yml, and the little evaluation the emulation needs for input defaults.
 *
 * Sources (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * - src/Sdk/DTObjectTemplating/ObjectTemplating/TemplateReader.cs, ParseScalar /
 *   ParseExpression / IsExpressionString: a string scalar containing `${{` is split
 *   into literal text and expressions; an unclosed `${{` or an empty expression is an
 *   error; a scalar that is exactly one string-literal expression (`${{ '…' }}`) is a
 *   literal.
 * - src/Sdk/DTObjectTemplating/ObjectTemplating/Tokens/ExpressionToken.cs, IsValidExpression:
 *   each expression is parsed with only the slot's allowed named-values and functions
 *   (plus the built-in functions of src/Sdk/DTExpressions2/Expressions2/ExpressionConstants.cs);
 *   any other name fails with ParseException's message
 *   (src/Sdk/DTExpressions2/Expressions2/ParseException.cs).
 * - src/Sdk/DTExpressions2/Expressions2/Tokens/LexicalAnalyzer.cs: which words are
 *   named-values, functions or property names.
 *
 * The emulation checks the names an expression uses, not its whole grammar.
 */

/** Messages of src/Sdk/WorkflowParser/ObjectTemplating/TemplateStrings.resx. */
export const TEMPLATE_MESSAGES = {
  expressionNotAllowed: 'A template expression is not allowed in this context',
  expressionNotClosed:
    'The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.',
  expectedExpression: 'An expression was expected'
} as const

/** ExpressionConstants.WellKnownFunctions: allowed in every expression, case-insensitive. */
const BUILT_IN_FUNCTIONS = ['case', 'contains', 'endsWith', 'format', 'join', 'startsWith', 'toJson', 'fromJson']

export type TemplateSegment = { literal: string } | { expression: string }

/** A scalar split as ParseScalar splits it, or the error the runner reports for it. */
export function splitTemplate(raw: string): { segments: TemplateSegment[] } | { error: string } {
  const segments: TemplateSegment[] = []
  let i = 0
  while (i < raw.length) {
    const start = raw.indexOf('${{', i)
    if (start < 0) {
      segments.push({ literal: raw.slice(i) })
      break
    }
    if (start > i) segments.push({ literal: raw.slice(i, start) })
    // Find the closing `}}` outside single-quoted strings (`''` toggles twice, as the runner's loop does).
    let end = -1
    let inString = false
    for (let j = start + 3; j < raw.length; j++) {
      if (raw[j] === "'") inString = !inString
      else if (!inString && raw[j] === '}' && raw[j - 1] === '}') {
        end = j
        break
      }
    }
    if (end < 0) return { error: TEMPLATE_MESSAGES.expressionNotClosed }
    const expression = raw.slice(start + 3, end - 1).trim()
    if (expression === '') return { error: TEMPLATE_MESSAGES.expectedExpression }
    segments.push({ expression })
    i = end + 1
  }
  return { segments }
}

/** The value of an expression that is one single-quoted string (`'it''s'` → `it's`), else undefined. */
export function stringLiteralValue(expression: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/.exec(expression)
  return match ? (match[1] ?? '').replace(/''/g, "'") : undefined
}

interface ExpressionToken {
  kind: 'named-value' | 'function' | 'other'
  text: string
  index: number
}

/** Characters that end a keyword (LexicalAnalyzer.TestTokenBoundary). */
const BOUNDARY = /[\s()[\],.!><=&|]/

/** The keyword tokens of an expression, classified as LexicalAnalyzer.ReadKeywordToken does. */
function keywordTokens(expression: string): ExpressionToken[] {
  const tokens: ExpressionToken[] = []
  let previous = ''
  let i = 0
  while (i < expression.length) {
    const c = expression[i] as string
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === "'") {
      // A string literal, `''` being an escaped quote.
      let j = i + 1
      while (j < expression.length) {
        if (expression[j] === "'" && expression[j + 1] !== "'") break
        j += expression[j] === "'" ? 2 : 1
      }
      i = j + 1
      previous = 'string'
      continue
    }
    if (/[0-9+-]/.test(c) || (c === '.' && previous !== 'value')) {
      let j = i + 1
      while (j < expression.length && (!BOUNDARY.test(expression[j] as string) || expression[j] === '.')) j++
      i = j
      previous = 'value'
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < expression.length && !BOUNDARY.test(expression[j] as string)) j++
      const text = expression.slice(i, j)
      const afterDot = previous === '.'
      const nextNonSpace = expression.slice(j).trimStart()[0]
      const literal = ['null', 'true', 'false', 'NaN', 'Infinity'].includes(text)
      const kind = afterDot || literal ? 'other' : nextNonSpace === '(' ? 'function' : 'named-value'
      tokens.push({ kind, text, index: i })
      i = j
      previous = 'value'
      continue
    }
    previous = c === ')' || c === ']' || c === '*' ? 'value' : c
    i++
  }
  return tokens
}

/**
 * The error the runner reports for an expression in a slot that allows `allowed`
 * (the action_yaml.json "context" list: named-values, and functions written
 * `name(min,max)`), or undefined when every name it uses is allowed.
 */
export function expressionNameError(expression: string, allowed: readonly string[]): string | undefined {
  const functions = new Set(BUILT_IN_FUNCTIONS.map((f) => f.toLowerCase()))
  const namedValues = new Set<string>()
  for (const entry of allowed) {
    const fn = /^([A-Za-z_][\w-]*)\(\d+,(?:\d+|MAX)\)$/.exec(entry)
    if (fn) functions.add((fn[1] as string).toLowerCase())
    else namedValues.add(entry.toLowerCase())
  }
  for (const token of keywordTokens(expression)) {
    const known = token.kind === 'function' ? functions : token.kind === 'named-value' ? namedValues : undefined
    if (known && !known.has(token.text.toLowerCase())) {
      const what = token.kind === 'function' ? 'Unrecognized function' : 'Unrecognized named-value'
      return `${what}: '${token.text}'. Located at position ${token.index + 1} within expression: ${expression}`
    }
  }
  return undefined
}

/**
 * The error the runner's TemplateReader reports for a string scalar read in a
 * slot allowing `allowed` (empty: no expression at all), or undefined.
 */
export function templateScalarError(raw: string, allowed: readonly string[]): string | undefined {
  if (!raw.includes('${{')) return undefined
  const split = splitTemplate(raw)
  if ('error' in split) return split.error
  const expressions = split.segments.flatMap((s) => ('expression' in s ? [s.expression] : []))
  for (const expression of expressions) {
    const error = expressionNameError(expression, allowed)
    if (error) return error
  }
  // A scalar that is one string literal reads as plain text; anything else is an expression.
  const onlyLiteral =
    split.segments.length === 1 &&
    expressions.length === 1 &&
    stringLiteralValue(expressions[0] as string) !== undefined
  if (allowed.length === 0 && !onlyLiteral) return TEMPLATE_MESSAGES.expressionNotAllowed
  return undefined
}

/** How the runner turns an expression result into an input value: null → '', booleans lower-case. */
function asInputString(value: unknown, expression: string): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`runner emulation: \${{ ${expression} }} is an object; an input default must be a string`)
}

/** Looks a dotted path up in the contexts, property names case-insensitive as in the runner's dictionaries. */
function lookUp(contexts: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = contexts
  for (const name of path) {
    if (value === null || typeof value !== 'object') return undefined
    const entry = Object.entries(value as Record<string, unknown>).find(([k]) => k.toLowerCase() === name.toLowerCase())
    value = entry?.[1]
  }
  return value
}

/**
 * Evaluates a template that passed the load checks: literal text, string
 * literals and context property paths (`github.token`, `runner.temp`) are
 * emulated; anything else is refused rather than guessed.
 */
export function evaluateTemplate(raw: string, contexts: Record<string, unknown>): string {
  const split = splitTemplate(raw)
  if ('error' in split) throw new Error(split.error)
  return split.segments
    .map((segment) => {
      if ('literal' in segment) return segment.literal
      const literal = stringLiteralValue(segment.expression)
      if (literal !== undefined) return literal
      if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(segment.expression)) {
        throw new Error(
          `runner emulation: cannot evaluate \${{ ${segment.expression} }}; only context property paths are emulated`
        )
      }
      return asInputString(lookUp(contexts, segment.expression.split('.')), segment.expression)
    })
    .join('')
}
