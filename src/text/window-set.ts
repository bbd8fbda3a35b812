/** The length, in UTF-16 code units, of the windows a WindowSet holds. */
export const WINDOW = 8

/**
 * A set of 8-code-unit windows of text, kept as fingerprints in an open-addressing
 * table of 32-bit words (4 bytes a slot, two slots a window at most), so that megabytes
 * of secrets cost megabytes, not a string object per window. One hash picks the slot,
 * another is stored: two windows with the same fingerprint count as one, so `has` may
 * say yes for a window never added (about once in 2^31 lookups), never no for one that was.
 */
export class WindowSet {
  readonly #slots: Uint32Array
  readonly #mask: number
  /** The fingerprint of the window last located (set by #locate). */
  #tag = 0

  /** `windows`: how many will be added, at most. */
  constructor(windows: number) {
    let size = 16
    while (size < windows * 2) size *= 2
    this.#slots = new Uint32Array(size)
    this.#mask = size - 1
  }

  /** Adds the window of `text` starting at `at`. */
  add(text: string, at: number): void {
    const slot = this.#locate(text, at)
    this.#slots[slot] = this.#tag
  }

  /** Whether the window of `text` starting at `at` was added (or shares its fingerprint). */
  has(text: string, at: number): boolean {
    return this.#slots[this.#locate(text, at)] !== 0
  }

  /** The slot holding the window's fingerprint, or the empty slot where it would go (linear probing). */
  #locate(text: string, at: number): number {
    let a = 0x811c9dc5
    let b = 0x27d4eb2f
    for (let i = at; i < at + WINDOW; i++) {
      const c = text.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x85ebca6b)
      b ^= b >>> 13
    }
    // 0 marks an empty slot, so a stored fingerprint is never 0.
    this.#tag = (mix(b) | 1) >>> 0
    let slot = mix(a) & this.#mask
    while (this.#slots[slot] !== 0 && this.#slots[slot] !== this.#tag) slot = (slot + 1) & this.#mask
    return slot
  }
}

/** MurmurHash3's finaliser: spreads every input bit over the whole word. */
function mix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
