/** A buffer on loan from a BufferPool: `bytes` is valid until `release()` (idempotent) is called. */
export interface PooledBuffer {
  readonly bytes: Buffer
  release(): void
}

export interface BufferPoolOptions {
  /** Smallest size class; smaller requests get a buffer of this size. */
  classBytesMin?: number
  /** Requests above this are allocated outright and not pooled. */
  classBytesMax?: number
  /** Bytes kept in free lists at most; released buffers beyond this are dropped for the GC. */
  pooledBytesMax?: number
}

/**
 * Reusable large buffers in size classes of 2^k and 1.5 * 2^k bytes (so a read of 1 MiB plus a little
 * takes 1.5 MiB, not 2). Allocating a fresh Buffer for every produce frame
 * and every fetch read costs more in garbage collection (V8 collects on external-memory pressure) than
 * the copy itself; recycling them keeps the broker's memory flat under load.
 *
 * Whoever acquires a buffer must release it only once nothing references its bytes any more (e.g. the
 * socket has written the response, or the log has written the batch). Single-threaded (event loop).
 */
export class BufferPool {
  readonly #free = new Map<number, Buffer[]>()
  /** Per class, the fewest free buffers seen since the last trimIdle(): those were never needed. */
  readonly #lowWater = new Map<number, number>()
  readonly #classBytesMin: number
  readonly #classBytesMax: number
  readonly #pooledBytesMax: number
  #pooledBytes = 0

  constructor(options: BufferPoolOptions = {}) {
    this.#classBytesMin = options.classBytesMin ?? 64 * 1024
    this.#classBytesMax = options.classBytesMax ?? 16 * 1024 * 1024
    this.#pooledBytesMax = options.pooledBytesMax ?? 64 * 1024 * 1024
  }

  /** Bytes currently held in free lists. */
  get pooledBytes(): number {
    return this.#pooledBytes
  }

  acquire(length: number): PooledBuffer {
    if (length > this.#classBytesMax) return { bytes: Buffer.allocUnsafeSlow(length), release: () => {} }
    const size = this.#classOf(length)
    const list = this.#free.get(size)
    let whole = list?.pop()
    if (whole !== undefined) {
      this.#pooledBytes -= size
      const left = list!.length
      if (left < (this.#lowWater.get(size) ?? Number.POSITIVE_INFINITY)) this.#lowWater.set(size, left)
    } else {
      whole = Buffer.allocUnsafeSlow(size)
    }
    const backing = whole
    let released = false
    return {
      bytes: backing.subarray(0, length),
      release: () => {
        if (released) return
        released = true
        this.#give(size, backing)
      },
    }
  }

  /**
   * Drops the free buffers that sat unused since the previous call (per class, the fewest that were free
   * at any moment in between), so memory taken under load goes back to the system once the load is gone.
   * Call it periodically; a busy pool keeps what it uses.
   */
  trimIdle(): void {
    for (const [size, list] of this.#free) {
      const unused = Math.min(this.#lowWater.get(size) ?? list.length, list.length)
      if (unused > 0) {
        list.splice(0, unused)
        this.#pooledBytes -= unused * size
      }
      this.#lowWater.set(size, list.length)
    }
  }

  /** The smallest class holding `length`: classBytesMin * 2^k or 1.5 times that. */
  #classOf(length: number): number {
    let size = this.#classBytesMin
    while (size < length) {
      if (size * 1.5 >= length) return size * 1.5
      size *= 2
    }
    return size
  }

  #give(size: number, buf: Buffer): void {
    if (this.#pooledBytes + size > this.#pooledBytesMax) return
    let list = this.#free.get(size)
    if (list === undefined) {
      list = []
      this.#free.set(size, list)
    }
    list.push(buf)
    this.#pooledBytes += size
  }
}

/** Below this, borrowing falls back to Buffer.allocUnsafe (Node's own slab serves small buffers well). */
const BORROW_BYTES_MIN = 32 * 1024

/**
 * The buffers one request borrows from a pool (e.g. a Fetch's segment reads), all given back at once by
 * `releaseAll()` once the response holding them has been written. Without a pool it simply allocates.
 */
export class BorrowedBuffers {
  readonly #pool: BufferPool | null
  #loans: PooledBuffer[] = []

  constructor(pool: BufferPool | null) {
    this.#pool = pool
  }

  /** A buffer of `length` bytes, valid until releaseAll(). */
  readonly allocate = (length: number): Buffer => {
    if (this.#pool === null || length < BORROW_BYTES_MIN) return Buffer.allocUnsafe(length)
    const loan = this.#pool.acquire(length)
    this.#loans.push(loan)
    return loan.bytes
  }

  releaseAll(): void {
    const loans = this.#loans
    this.#loans = []
    for (const l of loans) l.release()
  }
}
