/**
 * A problem with the step's inputs, found before any request is sent.
 * Messages name the input, the tag or the line, and never quote input text:
 * the inputs hold secret values.
 */
export class InputError extends Error {
  override name = 'InputError'
}
