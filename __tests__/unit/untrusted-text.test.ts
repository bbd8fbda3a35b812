import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { decodedViews } from '../../src/text/decoded-views.ts'
import { NAMED_ENTITIES } from '../../src/text/html-entities.ts'
import { quotedForms, SECRET_RUN } from '../../src/text/secret-runs.ts'
import { DEFAULT_MAX_CHARS, REDACTED, UntrustedText, WITHHELD } from '../../src/text/untrusted-text.ts'
import { defuseCommands, showControls } from '../../src/text/visible-text.ts'
import { WindowSet } from '../../src/text/window-set.ts'
import { echoedForms, FORM, hexReferences, percentEncoded, URI_COMPONENT } from '../support/echo-forms.ts'

/** What must never be in a cleaned text: anything that breaks a line, hides text or turns it around. */
const CONTROL = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u

/** Characters that break naive handling, mixed with ordinary ones. */
const tricky = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...['\n', '\r', '\t', '\0', '\x1b', '\x7f', '\x85', '\u2028', '\u202e', '\u2066', '\u200b', '\ufeff'],
      ...['é', '😀', '"', '\\', '<', '>', '&', "'", '=', '#', '[', ':', '%']
    )
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }
)
const text = (maxLength: number) => fc.string({ unit: tricky, maxLength })
const secret = fc.string({ unit: tricky, minLength: SECRET_RUN, maxLength: 60 })

/** Every run of SECRET_RUN code units of `value`. */
function runsOf(value: string): string[] {
  return Array.from({ length: Math.max(0, value.length - SECRET_RUN + 1) }, (_, i) => value.slice(i, i + SECRET_RUN))
}

const jsonEscaped = (value: string) => JSON.stringify(value).slice(1, -1)

describe('UntrustedText: properties', () => {
  it('shows no run of 8 of a secret, raw or JSON-escaped, that the text quotes; no control character; within the cap', () => {
    fc.assert(
      fc.property(
        secret,
        fc.array(secret, { maxLength: 3 }),
        text(200),
        text(200),
        fc.boolean(),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 64, max: 600 }),
        (value, others, before, after, escaped, from, size, maxChars) => {
          const form = escaped ? jsonEscaped(value) : value
          const start = from % (form.length - SECRET_RUN + 1)
          const end = start + SECRET_RUN + (size % (form.length - start - SECRET_RUN + 1))
          const out = new UntrustedText([...others, value]).clean(before + form.slice(start, end) + after, maxChars)
          expect(out.length).toBeLessThanOrEqual(maxChars)
          expect(out).not.toMatch(CONTROL)
          for (const run of [...runsOf(value), ...runsOf(jsonEscaped(value))]) expect(out).not.toContain(run)
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('shows no whole value shorter than 8 characters, raw or JSON-escaped', () => {
    const short = fc
      .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: SECRET_RUN - 1 })
      .filter((v) => v.trim() !== '' && !REDACTED.includes(v) && !WITHHELD.includes(v))
    fc.assert(
      fc.property(short, fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (value, before, after) => {
        const out = new UntrustedText([value]).clean(`${before}${value}${jsonEscaped(value)}${after}`, 1000)
        for (const part of out.split(REDACTED)) expect(part).not.toContain(value)
      })
    )
  })

  it('never exceeds the cap and never shows a control character, whatever the text', () => {
    fc.assert(
      fc.property(text(3000), fc.integer({ min: 0, max: 2000 }), (input, maxChars) => {
        const out = new UntrustedText(['a-secret-value']).clean(input, maxChars)
        expect(out.length).toBeLessThanOrEqual(Math.max(64, maxChars))
        expect(out).not.toMatch(CONTROL)
      })
    )
  })

  it('leaves ordinary text within the cap as it is', () => {
    const plain = fc.string({ unit: 'grapheme', maxLength: DEFAULT_MAX_CHARS }).filter((s) => !CONTROL.test(s))
    fc.assert(
      fc.property(plain, (input) => {
        fc.pre(
          !input.includes('##[') && !/^\s*::/.test(input) && !runsOf('a-secret-value').some((r) => input.includes(r))
        )
        expect(new UntrustedText(['a-secret-value']).clean(input)).toBe(input)
      })
    )
  })
})

/** How a server could echo a value, given the value, the JSON request body holding it and a few bytes before it. */
const ECHOES: Record<string, (value: string, body: string, lead: Uint8Array) => string> = {
  'base64 of the body': (_, body) => Buffer.from(body).toString('base64'),
  'base64url of the body': (_, body) => Buffer.from(body).toString('base64url'),
  'base64 of the value after other bytes': (value, _, lead) =>
    Buffer.concat([lead, Buffer.from(value)]).toString('base64'),
  encodeURIComponent: (value) => encodeURIComponent(value),
  'percent-encoding, lower-case hex': (value) => percentEncoded(value, URI_COMPONENT, { lower: true }),
  'form encoding': (value) => percentEncoded(value, FORM, { plus: true }),
  'the body form-encoded': (_, body) => new URLSearchParams({ body }).toString(),
  'hex references': (value) => hexReferences(value),
  'hex references, upper case': (value) => hexReferences(value, true),
  'decimal references for every character': (value) => [...value].map((c) => `&#${c.codePointAt(0)};`).join('')
}

describe('UntrustedText: encoded echoes', () => {
  it('shows no run of 8 of a secret that the text echoes base64-encoded, percent-encoded or as character references', () => {
    const wellFormed = secret.filter((value) => !/\p{Cs}/u.test(value) && value.trim() !== '')
    fc.assert(
      fc.property(
        wellFormed,
        fc.array(secret, { maxLength: 2 }),
        fc.constantFrom(...Object.keys(ECHOES)),
        fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
        fc.uint8Array({ maxLength: 2 }),
        text(100),
        text(100),
        (value, others, echo, name, lead, before, after) => {
          const body = JSON.stringify({ name, secret: value, tag: 'a_tag' })
          const echoed = (ECHOES[echo] as (typeof ECHOES)[string])(value, body, lead)
          // Well above the text's length: nothing is cut, so all that is not a secret is shown.
          const out = new UntrustedText([...others, value]).clean(`${before} ${echoed} ${after}`, 4000)
          // Each run of 8 of the value (or of its JSON form, for the body), in each form it could be shown in.
          const runs = [...runsOf(value), ...runsOf(jsonEscaped(value))]
          expect(runs.flatMap((run) => [run, ...echoedForms(run)]).filter((form) => out.includes(form))).toEqual([])
        }
      ),
      { numRuns: 1000 }
    )
  })

  it('redacts a value percent-encoded in any case, form-encoded, or as any character reference', () => {
    const cleaner = new UntrustedText([`it's "quoted" & <tagged> é`, 'p q r s t u v', 'a b'])
    expect(cleaner.clean("got it's%20%22quoted%22%20%26%20%3Ctagged%3E%20%C3%A9!")).toBe('got [redacted]!')
    expect(cleaner.clean('got it%27s%20%22quoted%22%20%26%20%3ctagged%3e%20%c3%a9!')).toBe('got [redacted]!')
    expect(cleaner.clean('got p+q+r+s+t+u+v!')).toBe('got [redacted]!')
    expect(cleaner.clean('got it&#X27;s &#x22;quoted&#X22; &#x26; &#x3C;tagged&#x3e; &eacute;!')).toBe(
      'got [redacted]!'
    )
    expect(cleaner.clean('got it&#39s &#34;quoted&quot; &amp; &lt;tagged&gt; &#233;!')).toBe('got [redacted]!')
    // A whole value shorter than 8 characters, in any of these forms too.
    expect(cleaner.clean('got a%20b and a+b and YSBi')).toBe('got [redacted] and [redacted] and [redacted]')
  })

  it('redacts from base64 only the characters that hold bits of the value', () => {
    const value = 'sk_live_AAAABBBBCCCCDDDD'
    const body = JSON.stringify({ name: 'ci_a', secret: value, tag: 'ci_a' })
    const encoded = Buffer.from(body).toString('base64')
    const out = new UntrustedText([value]).clean(`cannot parse body (base64) ${encoded}`)
    // {"name":"ci_a","secret":" is 25 bytes, 200 bits: the first 33 characters hold only those.
    // The value ends at byte 49, bit 392: character 66 (bit 396) on holds only what follows it.
    const [head, tail] = out.split('[redacted]') as [string, string]
    expect(head).toBe(`cannot parse body (base64) ${encoded.slice(0, 33)}`)
    expect(tail).toBe(encoded.slice(66))
  })

  it('leaves text alone that only looks encoded', () => {
    const cleaner = new UntrustedText(['sk_live_AAAABBBBCCCCDDDD', 'pässwörd-9f3a'])
    for (const text of [
      'Validation failed: secret must be 1 to 1000 characters (100% of them printable) & non-empty',
      'see https://docs.cortex.io/api?tag=a%20b&x=&#39;+c+&eacute; dGVzdA== is base64',
      '&#x110000; &#0; &#xD800; %zz %C3 %E2%82 &unknown; &amp'
    ]) {
      expect(cleaner.clean(text, 1000)).toBe(text)
    }
  })
})

describe('decodedViews', () => {
  it('maps each decoded character back to the characters it was read from', () => {
    const [, percent] = decodedViews('a%C3%A9b', 1)
    expect(percent?.text).toBe('aéb')
    expect(percent?.sourceOf(1, 2)).toEqual([1, 7])
    expect(percent?.sourceOf(2, 3)).toEqual([7, 8])
    const html = decodedViews('x&#x1F600;y', 1).find((view) => view.text.startsWith('x😀'))
    expect(html?.sourceOf(1, 3)).toEqual([1, 10])
  })

  it('reads broken UTF-8 as U+FFFD one byte at a time, so the sequence after it is read whole', () => {
    const [, percent] = decodedViews('%E2%82%C3%A9%FF%F0%9F%98%80', 1)
    expect(percent?.text).toBe('\uFFFD\uFFFDé\uFFFD😀')
  })

  it('shows control characters a decoding produces as showControls shows them', () => {
    const [, percent] = decodedViews('a%0D%0Ab%1Bc%E2%80%AEd', 1)
    expect(percent?.text).toBe('a⏎b␛c\uFFFDd')
    expect(percent?.sourceOf(1, 2)).toEqual([1, 7])
  })

  it('knows the five XML entities and the 96 of HTML 4 for Latin-1', () => {
    expect(NAMED_ENTITIES.size).toBe(101)
    const named = (c: string) => [...NAMED_ENTITIES].find(([, cp]) => cp === c.codePointAt(0))?.[0]
    expect([...'&<>"\'\u00a0é×÷ÿ'].map(named)).toEqual([
      ...['amp', 'lt', 'gt', 'quot', 'apos', 'nbsp', 'eacute', 'times', 'divide', 'yuml']
    ])
  })
})

describe('UntrustedText: examples', () => {
  const values = ['sk_live_AAAABBBBCCCCDDDDEEEEFFFF', "pa'ss&word-5e1f", "a<b=c'd-é-long-enough", '007']
  const clean = (input: string, maxChars?: number) => new UntrustedText(values).clean(input, maxChars)

  it('redacts the prefix of a value that a JSON parser quotes from the request body', () => {
    const body = JSON.stringify({ name: 'x', secret: values[0], tag: 'x' })
    const message = `JSON parse error\n at [Source: (String)"${body.slice(0, body.indexOf('sk_live') + 20)}"; line: 1]`
    expect(clean(message)).toBe('JSON parse error⏎ at [Source: (String)"{"name":"x","secret":"[redacted]"; line: 1]')
  })

  it('redacts each form a server quotes a value in: JSON with \\u escapes in either case, HTML', () => {
    // Gson escapes <>&=' by default; Jackson (ESCAPE_NON_ASCII) and Python (ensure_ascii) every non-ASCII character.
    expect(clean('got a\\u003cb\\u003dc\\u0027d-é-long-enough here')).toBe('got [redacted] here')
    expect(clean('got a\\u003Cb\\u003Dc\\u0027d-é-long-enough here')).toBe('got [redacted] here')
    expect(clean("got a<b=c'd-\\u00E9-long-enough here")).toBe('got [redacted] here')
    expect(clean('got <p>pa&#39;ss&amp;word-5e1f</p>')).toBe('got <p>[redacted]</p>')
  })

  it('redacts a whole short value, not a longer run that merely shares characters with one', () => {
    expect(clean('agent 007 and 00 and 07')).toBe('agent [redacted] and 00 and 07')
    expect(clean('sk_live_AAAA')).toBe(REDACTED)
    expect(clean('sk_live_ and more')).toBe('[redacted] and more')
    expect(clean('sk_live and more')).toBe('sk_live and more')
  })

  it('withholds the whole text when the marker itself would show a run of a secret', () => {
    const marked = new UntrustedText(['ab[redacted]cd'])
    expect(marked.clean('xx ab[redacted]cd yy')).toBe(WITHHELD)
    expect(marked.clean('nothing quoted')).toBe('nothing quoted')
  })

  it('cuts a text of megabytes before any other work, saying how long it was', () => {
    const huge = `${'x'.repeat(5 * 1024 * 1024 - 32)}${values[0]}`
    const suffix = '… [cut: 5,242,880 characters in all]'
    expect(clean(huge)).toBe(`${'x'.repeat(DEFAULT_MAX_CHARS - suffix.length)}${suffix}`)
  })

  it('keeps a redaction marker whole at the cut, and a surrogate pair', () => {
    // 100 - 30 for the cut marker leaves 70: 62 characters, then no room for the 10 of [redacted].
    expect(clean(`${'y'.repeat(62)}${values[0]}${'z'.repeat(400)}`, 100)).toBe(
      `${'y'.repeat(62)}… [cut: 494 characters in all]`
    )
    expect(clean(`${'y'.repeat(60)}${values[0]}${'z'.repeat(400)}`, 100)).toBe(
      `${'y'.repeat(60)}[redacted]… [cut: 492 characters in all]`
    )
    // 65 - 30 leaves 35 code units: 17 emoji, not 17 and a half.
    expect(clean('😀'.repeat(200), 65)).toBe(`${'😀'.repeat(17)}… [cut: 400 characters in all]`)
  })

  it('redacts whole characters: never half a surrogate pair', () => {
    // U+1F200 and U+1F600 share their low surrogate (\ude00): a run may start inside a pair.
    expect(new UntrustedText(['\u{1F200}abcdefghij']).clean('\u{1F600}abcdefghij!')).toBe('[redacted]!')
    expect(new UntrustedText(['abcdefghij\u{1F600}']).clean('abcdefghij\u{1F601}!')).toBe('[redacted]!')
  })

  it('looks for secrets across a line break as it is shown', () => {
    const multiline = new UntrustedText(['-----BEGIN KEY-----\nMIIEvQIBADANBg\n-----END KEY-----'])
    expect(multiline.clean('key was -----BEGIN KEY-----\r\nMIIEvQIBADANBg')).toBe('key was [redacted]')
  })

  it('finds any of hundreds of long values', () => {
    const many = Array.from({ length: 300 }, (_, i) => `value-${i}-`.padEnd(1000, 'q'))
    const cleaner = new UntrustedText(many)
    expect(cleaner.clean('ok')).toBe('ok')
    expect(cleaner.clean(`name value-299-qqqq`)).toBe('name [redacted]')
    expect(cleaner.clean('name value-')).toBe('name value-')
  })
})

describe('showControls', () => {
  it('shows every line break as one ⏎, so that the text stays on one line', () => {
    expect(showControls('a\r\nb\nc\rd\u0085e\u2028f\u2029g')).toBe('a⏎b⏎c⏎d⏎e⏎f⏎g')
  })
  it('shows C0 controls as their pictures, tab as a space, DEL as ␡', () => {
    expect(showControls('\0\x1b[31m\tx\x7f')).toBe('␀␛[31m x␡')
  })
  it('replaces C1 controls, bidi overrides and isolates, zero-width characters and lone surrogates', () => {
    expect(showControls('\x9b\u202eevil\u202c\u2066x\u2069\u200b\ufeff\ud800!')).toBe('�\uFFFDevil��x���\uFFFD!')
  })
  it('keeps everything else, astral characters included', () => {
    expect(showControls('pässwörd 🔑 密码 "q" \\n %0A')).toBe('pässwörd 🔑 密码 "q" \\n %0A')
  })
})

describe('defuseCommands', () => {
  it('breaks the older ##[ form anywhere and :: at the start, one character for one', () => {
    expect(defuseCommands('a ##[error]b ##[warning]c')).toBe('a ##［error]b ##［warning]c')
    expect(defuseCommands('  ::set-output name=x::y')).toBe('  ：:set-output name=x::y')
    expect(defuseCommands('a ::b:: c')).toBe('a ::b:: c')
  })
})

describe('quotedForms', () => {
  it('gives the value as is and JSON-escaped (plain, ASCII-only, HTML-safe); encodings are decoded instead', () => {
    expect(quotedForms(`a"b\\c\né<'&`)).toEqual([
      `a"b\\c\né<'&`,
      `a\\"b\\\\c\\né<'&`,
      `a\\"b\\\\c\\n\\u00e9<'&`,
      `a\\"b\\\\c\\né\\u003c\\u0027\\u0026`
    ])
    expect(quotedForms('plain-value')).toEqual(['plain-value'])
  })
})

describe('WindowSet', () => {
  it('finds every window added (a false "no" would be a leak)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }), { maxLength: 50 }), (texts) => {
        const set = new WindowSet(texts.reduce((n, t) => n + t.length, 0))
        for (const t of texts) for (let i = 0; i + 8 <= t.length; i++) set.add(t, i)
        for (const t of texts) for (let i = 0; i + 8 <= t.length; i++) expect(set.has(t, i)).toBe(true)
      })
    )
  })
  it('does not find windows never added', () => {
    const set = new WindowSet(1000)
    for (let i = 0; i < 1000; i++) set.add(`a${String(i).padStart(7, '0')}`, 0)
    const strays = Array.from({ length: 100_000 }, (_, i) => `b${String(i).padStart(7, '0')}`)
    expect(strays.filter((s) => set.has(s, 0))).toEqual([])
  })
})
