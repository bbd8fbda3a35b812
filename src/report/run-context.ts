/** The parts of `@actions/github`'s context the report uses. */
export interface RunContextSource {
  eventName: string
  actor: string
  payload: { release?: { tag_name?: string }; [key: string]: unknown }
  serverUrl: string
  runId: number
  repo: { owner: string; repo: string }
}

export interface RunContext {
  /** What started the run: `release v1.2.0`, `workflow_dispatch by octocat`. */
  trigger: string
  repository: string
  runUrl: string
}

export function describeRun(source: RunContextSource): RunContext {
  const repository = source.repo.owner && source.repo.repo ? `${source.repo.owner}/${source.repo.repo}` : ''
  let trigger = source.eventName || 'unknown event'
  if (source.eventName === 'release' && source.payload.release?.tag_name) {
    trigger = `release ${source.payload.release.tag_name}`
  } else if (source.eventName === 'workflow_dispatch' && source.actor) {
    trigger = `workflow_dispatch by ${source.actor}`
  }
  return { trigger, repository, runUrl: `${source.serverUrl}/${repository}/actions/runs/${source.runId}` }
}
