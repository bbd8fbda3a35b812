/**
 * The log of one step as the GitHub runner writes it: the action's output
 * lines go through the runner's workflow-command processing, and every line
 * written passes the secret masker. What the runner writes is what GitHub
 * shows; webConsoleLines() renders it the way the web UI displays it.
 *
 * Sources (actions/runner, commit 258d6c857db3519913f7deb6004b60172f8043ae):
 * - src/Runner.Worker/Handlers/OutputManager.cs, OnDataReceived: a line containing `::` or
 *   `##[` is offered to the command manager; if it is not taken it is written as is.
 * - src/Runner.Worker/ActionCommandManager.cs: TryProcessCommand (stop-commands, echo of
 *   commands when EchoOnActionCommand), and the command extensions: add-mask (warns on
 *   blank data; registers the data and each trimmed line), debug, warning/error/notice,
 *   group/endgroup, echo; set-env/add-path are disabled.
 * - src/Runner.Worker/ExecutionContext.cs: Write masks `tag + message`; Debug writes each
 *   line as `##[debug]…` only when step debug is on; AddIssue masks the message and cuts
 *   it to 4096 characters, then writes `##[error]` / `##[warning]` / `##[notice]`;
 *   EchoOnActionCommand starts as step debug.
 * - src/Runner.Worker/Worker.cs: secret values of the job are registered, trimmed, with
 *   each of their lines, before any step runs.
 */
import { SecretMasker } from './secret-masker.ts'
import { parseWorkflowCommand, type WorkflowCommand } from './workflow-commands.ts'

/** Command extensions registered by src/Runner.Common/ExtensionManager.cs, plus stop-commands. */
const REGISTERED_COMMANDS = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-path',
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo'
]
/** Commands whose extension has OmitEcho = true. */
const OMIT_ECHO = new Set(['add-mask', 'debug', 'warning', 'error', 'notice'])
const ISSUE_TAGS: Record<string, string> = { error: '##[error]', warning: '##[warning]', notice: '##[notice]' }
const MAX_ISSUE_MESSAGE_LENGTH = 4096

/** Constants.cs UnsupportedStopCommandTokenDisabled / UnsupportedCommandMessageDisabled. */
const STOP_TOKEN_REFUSED =
  "You cannot use a endToken that is an empty string, the string 'pause-logging', or another workflow command. For more information see: https://docs.github.com/actions/learn-github-actions/workflow-commands-for-github-actions#example-stopping-and-starting-workflow-commands or opt into insecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS` environment variable to `true`."
const commandDisabled = (name: string) =>
  `The \`${name}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`

/** Registers a secret the way Worker.cs registers the job's secret values. */
export function registerJobSecret(masker: SecretMasker, value: string): void {
  const trimmed = value.trim()
  masker.addValue(trimmed)
  for (const line of trimmed.split(/[\r\n]/)) if (line.trim() !== '') masker.addValue(line.trim())
}

export interface StepLogOptions {
  /** ACTIONS_STEP_DEBUG: `##[debug]` lines are written, commands echoed. */
  stepDebug: boolean
  masker?: SecretMasker
}

export class StepLog {
  readonly masker: SecretMasker
  /** The lines as the runner uploads them. */
  readonly lines: string[] = []
  /** Set when a command failed the step (as ActionCommandManager sets CommandResult). */
  failed = false
  private readonly stepDebug: boolean
  private echo: boolean
  private readonly registered = new Set(REGISTERED_COMMANDS)
  private stopToken: string | undefined

  constructor(options: StepLogOptions) {
    this.stepDebug = options.stepDebug
    this.echo = options.stepDebug
    this.masker = options.masker ?? new SecretMasker()
  }

  /** ExecutionContext.Write: the tag and message masked together, one log line per line. */
  write(message: string, tag = ''): void {
    this.lines.push(...this.masker.maskSecrets(`${tag}${message}`).split(/\r\n|\r|\n/))
  }

  debug(message: string): void {
    if (!this.stepDebug) return
    for (const line of message.replace(/\r\n/g, '\n').split('\n')) this.write(line, '##[debug]')
  }

  issue(type: 'error' | 'warning' | 'notice', message: string): void {
    const masked = this.masker.maskSecrets(message).slice(0, MAX_ISSUE_MESSAGE_LENGTH)
    if (masked !== '') this.write(masked, ISSUE_TAGS[type])
  }

  /** One line of the action's stdout or stderr (OutputManager.OnDataReceived). */
  actionOutput(line: string): void {
    if ((line.includes('::') || line.includes('##[')) && this.tryProcessCommand(line)) return
    this.write(line)
  }

  private tryProcessCommand(line: string): boolean {
    const command = parseWorkflowCommand(line, this.registered)
    if (!command) return false
    const name = command.name.toLowerCase()
    if (this.stopToken !== undefined) {
      if (name === this.stopToken.toLowerCase()) {
        this.write(line)
        this.debug('Resume processing commands')
        this.registered.delete(this.stopToken.toLowerCase())
        this.stopToken = undefined
        return true
      }
      this.debug(`Process commands has been stopped and waiting for '##[${this.stopToken}]' to resume.`)
      return false
    }
    if (name === 'stop-commands') {
      try {
        return this.stopCommands(line, command.data)
      } catch (error) {
        // The runner's exception escapes its output handler and fails the step.
        this.issue('error', (error as Error).message)
        this.failed = true
        return true
      }
    }
    if (this.echo && !OMIT_ECHO.has(name)) this.write(line)
    try {
      this.runCommand(name, command)
    } catch (error) {
      this.issue('error', `Unable to process command '${OMIT_ECHO.has(name) ? name : line}' successfully.`)
      this.issue('error', (error as Error).message)
      this.failed = true
    }
    return true
  }

  private stopCommands(line: string, token: string): boolean {
    const invalid = token === '' || this.registered.has(token.toLowerCase()) || token.toLowerCase() === 'pause-logging'
    if (invalid) throw new Error(STOP_TOKEN_REFUSED)
    this.stopToken = token
    this.registered.add(token.toLowerCase())
    // The runner masks the token only when it is longer than 6 characters.
    if (token.length > 6) this.masker.addValue(token)
    this.write(line)
    this.debug('Paused processing commands until the token you called ::stopCommands:: with is received')
    return true
  }

  private runCommand(name: string, command: WorkflowCommand): void {
    switch (name) {
      case 'add-mask':
        if (command.data.trim() === '') {
          this.issue('warning', "Can't add secret mask for empty string in ##[add-mask] command.")
          return
        }
        if (this.echo) this.write('::add-mask::***')
        this.masker.addValue(command.data)
        for (const line of command.data.split(/[\r\n]/)) if (line.trim() !== '') this.masker.addValue(line.trim())
        return
      case 'debug':
        return this.debug(command.data)
      case 'error':
      case 'warning':
      case 'notice':
        return this.issue(name, command.data)
      case 'group':
        return this.write(`##[group]${command.data}`)
      case 'endgroup':
        return this.write('##[endgroup]')
      case 'echo': {
        const value = command.data.trim().toUpperCase()
        if (value !== 'ON' && value !== 'OFF') {
          throw new Error(
            `Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${command.data}'.`
          )
        }
        this.echo = value === 'ON'
        return this.debug(`Setting echo command value to '${value.toLowerCase()}'`)
      }
      case 'set-env':
      case 'add-path':
        throw new Error(commandDisabled(name))
      default:
        // set-output, save-state, add-matcher, remove-matcher: not used by this action.
        throw new Error(`runner emulation: the '${name}' command is not emulated`)
    }
  }
}

/**
 * The log lines as the GitHub web UI shows them: issues prefixed `Error:` /
 * `Warning:` / `Notice:`, a group as its title behind a disclosure triangle
 * (shown here expanded; its end marker is not displayed), debug lines with
 * their `##[debug]` prefix.
 */
export function webConsoleLines(lines: readonly string[]): string[] {
  const shown: string[] = []
  for (const line of lines) {
    if (line.startsWith('##[group]')) shown.push(`▾ ${line.slice('##[group]'.length)}`)
    else if (line.startsWith('##[endgroup]')) continue
    else if (line.startsWith('##[error]')) shown.push(`Error: ${line.slice('##[error]'.length)}`)
    else if (line.startsWith('##[warning]')) shown.push(`Warning: ${line.slice('##[warning]'.length)}`)
    else if (line.startsWith('##[notice]')) shown.push(`Notice: ${line.slice('##[notice]'.length)}`)
    else shown.push(line)
  }
  return shown
}
