import { truncateFile, writeAt } from './file-io.ts'

/**
 * The on-disk half of an in-memory index: appends the entries not yet in the file and trims the file after
 * a truncation. Node has no mmap, so indexes live in typed arrays and this class copies their new entries
 * to the file lazily (when enough are pending, on roll, flush and close). File operations are chained so
 * at most one is in flight per index file. Single-threaded (event loop).
 *
 * Invariant: after `persist()` resolves, the file holds exactly the entries the index had when the
 * operation started.
 */
export class IndexFile {
  readonly entryBytes: number
  #fd: number | null = null
  #fileEntries: number
  #trimPending = false
  /** Bumped by every truncation, so a write that raced with one does not claim entries it did not write. */
  #generation = 0
  #op: Promise<void> = Promise.resolve()

  constructor(entryBytes: number, fileEntries: number) {
    this.entryBytes = entryBytes
    this.#fileEntries = fileEntries
  }

  get fd(): number | null {
    return this.#fd
  }

  attach(fd: number): void {
    this.#fd = fd
  }

  /** Entries already on disk. */
  get fileEntries(): number {
    return this.#fileEntries
  }

  /** Records that the file was rewritten synchronously (recovery) with `entries` entries. */
  resetFileEntries(entries: number): void {
    this.#fileEntries = entries
    this.#trimPending = false
    this.#generation++
  }

  /** The index dropped its entries from `count` on: the file must be trimmed before it grows again. */
  noteTruncated(count: number): void {
    // Always trim: a write racing with this truncation may put entries past `count` in the file.
    this.#fileEntries = Math.min(this.#fileEntries, count)
    this.#trimPending = true
    this.#generation++
  }

  /**
   * Brings the file in line with the index: trims it after a truncation, then writes the missing tail.
   * `snapshot(from, to)` returns the encoded entries [from, to).
   */
  persist(entries: () => number, snapshot: (from: number, to: number) => Buffer): Promise<void> {
    const run = async (): Promise<void> => {
      const fd = this.#fd
      if (fd === null) return
      if (this.#trimPending) {
        const generation = this.#generation
        const length = this.#fileEntries * this.entryBytes
        await truncateFile(fd, length)
        if (generation === this.#generation) this.#trimPending = false
      }
      const count = entries()
      if (count > this.#fileEntries) {
        const generation = this.#generation
        const from = this.#fileEntries
        await writeAt(fd, snapshot(from, count), from * this.entryBytes)
        if (generation === this.#generation) this.#fileEntries = count
      }
    }
    const next = this.#op.then(run)
    this.#op = next.catch(() => {})
    return next
  }

  /** Resolves when queued file operations are done (errors are reported by the persist call itself). */
  idle(): Promise<void> {
    return this.#op
  }
}

/** Capacity for `needed` entries: doubling from 16 up to the limit. */
export function grownCapacity(current: number, needed: number): number {
  let c = Math.max(16, current)
  while (c < needed) c *= 2
  return c
}
