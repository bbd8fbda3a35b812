/**
 * Reads a workflow as GitHub does, for a test that runs a workflow from the docs exactly as it
 * is written: @actions/workflow-parser checks it against the workflow schema (an unknown key, a
 * context an expression may not use there), and a step's `with:` and `env:` are evaluated
 * against the contexts the runner gives, with @actions/expressions.
 *
 * The values are the YAML values split at each `${{ }}` as the runner's TemplateReader splits
 * them (ParseScalar), not the package's `format(…)` expressions: for a block scalar
 * (`secrets: |`) the package builds that expression from the YAML source, indentation
 * included, since it keeps source positions for an editor.
 */
import { parse as parseYaml } from 'yaml'
// Also registers, outside Jest, the hook that lets the package load its JSON schemas.
import { evaluateExpression } from './action-manifest.ts'

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser')

export class WorkflowError extends Error {
  /** The package's errors, one a line, each with its line and column. */
  readonly problems: string[]

  constructor(name: string, problems: string[]) {
    super([`${name} is not a valid workflow:`, ...problems].join('\n'))
    this.name = 'WorkflowError'
    this.problems = problems
  }
}

/** A step as written: `with:` and `env:` hold the YAML values, `${{ }}` not yet evaluated. */
export interface WorkflowStep {
  uses?: string
  run?: string
  with: Record<string, unknown>
  env: Record<string, unknown>
}

export interface Workflow {
  /** The events that trigger it (`workflow_dispatch`, `release`, …). */
  events: string[]
  jobs: Record<string, { steps: WorkflowStep[] }>
}

/** Parses and checks a workflow; throws WorkflowError with each problem GitHub's parser reports. */
export async function loadWorkflow(name: string, content: string): Promise<Workflow> {
  const { context, value } = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const parsed = value === undefined ? undefined : await convertWorkflowTemplate(context, value)
  const problems = [
    ...context.errors.getErrors().map((error) => error.message),
    ...(parsed?.errors ?? []).map((error) => error.Message)
  ]
  if (problems.length > 0 || parsed === undefined) throw new WorkflowError(name, [...new Set(problems)])

  const raw = parseYaml(content) as { jobs: Record<string, { steps?: Array<Record<string, unknown>> }> }
  const jobs = Object.fromEntries(
    Object.entries(raw.jobs).map(([id, job]) => [
      id,
      {
        steps: (job.steps ?? []).map((step) => ({
          ...(typeof step.uses === 'string' ? { uses: step.uses } : {}),
          ...(typeof step.run === 'string' ? { run: step.run } : {}),
          with: (step.with ?? {}) as Record<string, unknown>,
          env: (step.env ?? {}) as Record<string, unknown>
        }))
      }
    ])
  )
  return { events: Object.keys(parsed.events), jobs }
}

const OPEN = '${{'

/**
 * A `with:` or `env:` value as the runner hands it on: text with each `${{ }}` replaced by its
 * value as a string (null → ''), a YAML boolean or number as its text.
 */
export function evaluateValue(value: unknown, contexts: Record<string, unknown>): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  let out = ''
  let i = 0
  while (i < value.length) {
    const start = value.indexOf(OPEN, i)
    if (start < 0) {
      out += value.slice(i)
      break
    }
    out += value.slice(i, start)
    // The expression ends at the first `}}` outside a '…' string ('' inside one is a quote).
    let end = -1
    let inString = false
    for (let j = start + OPEN.length; j < value.length; j++) {
      if (value[j] === "'") inString = !inString
      else if (!inString && value[j] === '}' && value[j - 1] === '}') {
        end = j
        break
      }
    }
    if (end < 0) throw new Error('runner emulation: an expression is not closed')
    out += evaluateExpression(value.slice(start + OPEN.length, end - 1), contexts).coerceString()
    i = end + 1
  }
  return out
}

/** A step's `with:` and `env:` evaluated as the runner evaluates them before the step starts. */
export function evaluateStep(
  step: WorkflowStep,
  contexts: Record<string, unknown>
): { with: Record<string, string>; env: Record<string, string> } {
  const evaluate = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, evaluateValue(value, contexts)]))
  return { with: evaluate(step.with), env: evaluate(step.env) }
}
