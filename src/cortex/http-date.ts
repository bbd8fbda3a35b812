const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAY_NAME = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const LONG_DAY_NAME = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const MONTH = `(?<month>${MONTHS.join('|')})`
const TIME = '(?<hour>\\d{2}):(?<minute>\\d{2}):(?<second>\\d{2})'

/**
 * The three forms RFC 9110 (5.6.7) says a recipient must accept, and nothing
 * else: Date.parse would read "-5" as the year -5, and a date without a zone
 * as local time.
 */
const HTTP_DATE_FORMATS = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  new RegExp(`^${DAY_NAME}, (?<day>\\d{2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`),
  // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT
  new RegExp(`^${LONG_DAY_NAME}, (?<day>\\d{2})-${MONTH}-(?<year>\\d{2}) ${TIME} GMT$`),
  // asctime-date: Sun Nov  6 08:49:37 1994
  new RegExp(`^${DAY_NAME} ${MONTH} (?<day>[ \\d]\\d) ${TIME} (?<year>\\d{4})$`)
]

/** An HTTP-date as epoch milliseconds; undefined when `text` is not one, or names no real instant. */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  const fields = HTTP_DATE_FORMATS.map((format) => format.exec(text)?.groups).find((groups) => groups)
  if (!fields) return undefined
  const [day, hour, minute, second] = [fields.day, fields.hour, fields.minute, fields.second].map(Number) as [
    number,
    number,
    number,
    number
  ]
  const month = MONTHS.indexOf(fields.month as string)
  let year = Number(fields.year)
  if ((fields.year as string).length === 2) {
    // A two-digit year more than 50 years ahead is the latest past year ending in those digits.
    const thisYear = new Date(nowMs).getUTCFullYear()
    year += thisYear - (thisYear % 100)
    if (year > thisYear + 50) year -= 100
  }
  if (hour > 23 || minute > 59 || second > 60) return undefined
  // A leap second counts as the second before it.
  const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59))
  // Date.UTC rolls 31 Feb over into March: such a date names no real day.
  return new Date(ms).getUTCDate() === day ? ms : undefined
}
