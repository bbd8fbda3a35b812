/**
 * `${{ }}` expressions as the runner evaluates them, with GitHub's @actions/expressions: the
 * text inside the braces against plain-object contexts (github, inputs, secrets, …), whose
 * names are the only named-values the expression may read.
 */
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'

/** Evaluates the text inside `${{ }}` against the contexts, as the runner does; throws on a bad expression. */
export function evaluateExpression(expression: string, contexts: Record<string, unknown>): data.ExpressionData {
  const tokens = new Lexer(expression).lex().tokens
  const tree = new Parser(tokens, Object.keys(contexts), []).parse()
  return new Evaluator(tree, JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary).evaluate()
}
