import type { ErrorCode } from 'yaml'

/**
 * The yaml library's error codes in plain words, for a user who pasted a
 * mapping into a workflow. The library's own messages quote the text around
 * the problem, which holds secret values, so they are never shown.
 */
const PLAIN_WORDS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias (*name) cannot have a tag or an anchor',
  BAD_ALIAS: 'an alias (*name) refers to no anchor',
  BAD_DIRECTIVE: 'a line starting with % is not a YAML directive',
  BAD_DQ_ESCAPE: 'a double-quoted string has an invalid \\ escape',
  BAD_INDENT: 'the indentation is wrong',
  BAD_PROP_ORDER: 'an anchor (&) or tag (!) is in the wrong place',
  BAD_SCALAR_START: 'a value starts with a character YAML reserves (such as @ or `); quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'a key is missing its colon, or a line is indented too far',
  BLOCK_IN_FLOW: 'a block value is inside { } or [ ]',
  DUPLICATE_KEY: 'a key is written twice',
  IMPOSSIBLE: 'the text cannot be read as YAML',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters, or a value is missing its key',
  MISSING_CHAR: 'a closing quote, bracket or brace is missing',
  MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line, or a value is missing its key',
  MULTIPLE_ANCHORS: 'a value has more than one anchor (&)',
  MULTIPLE_DOCS: 'there is more than one YAML document (a line with ---)',
  MULTIPLE_TAGS: 'a value has more than one tag (!)',
  NON_STRING_KEY: 'a key is not text',
  RESOURCE_EXHAUSTION: 'the text expands to too much data (aliases)',
  TAB_AS_INDENT: 'a tab is used for indentation; YAML indents with spaces',
  TAG_RESOLVE_FAILED: 'a tag (!) cannot be resolved',
  UNEXPECTED_TOKEN: 'a character is out of place (an unquoted value with ": " or " #" needs quotes)',
  BAD_COLLECTION_TYPE: 'a tag (!) does not fit the value it is on'
}

export function describeYamlProblem(code: ErrorCode): string {
  return PLAIN_WORDS[code] ?? PLAIN_WORDS.IMPOSSIBLE
}
