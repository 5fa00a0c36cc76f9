import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BorrowedBuffers, BufferPool } from '../../src/common/buffer-pool.ts'

describe('BufferPool', () => {
  it('hands out buffers of the asked length from 2^k and 1.5 * 2^k classes and reuses released ones', () => {
    const pool = new BufferPool({ classBytesMin: 1024, classBytesMax: 8192, pooledBytesMax: 16384 })
    const a = pool.acquire(1500)
    assert.equal(a.bytes.length, 1500)
    a.bytes.fill(1)
    a.release()
    a.release()
    assert.equal(pool.pooledBytes, 1536, 'released once, into the 1.5 KiB class')
    const b = pool.acquire(1536)
    assert.equal(b.bytes.buffer, a.bytes.buffer, 'the same memory is reused')
    assert.equal(pool.pooledBytes, 0)
    const c = pool.acquire(1536)
    assert.notEqual(c.bytes.buffer, b.bytes.buffer, 'a buffer on loan is never handed out twice')
  })

  it('does not pool requests above the largest class, and caps what it keeps', () => {
    const pool = new BufferPool({ classBytesMin: 1024, classBytesMax: 4096, pooledBytesMax: 4096 })
    const big = pool.acquire(10_000)
    assert.equal(big.bytes.length, 10_000)
    big.release()
    assert.equal(pool.pooledBytes, 0)
    const loans = [pool.acquire(4096), pool.acquire(4096)]
    for (const l of loans) l.release()
    assert.equal(pool.pooledBytes, 4096, 'the second release is dropped for the GC')
  })

  it('sizes classes at 2^k and 1.5 * 2^k', () => {
    const pool = new BufferPool({ classBytesMin: 1024, classBytesMax: 1 << 20, pooledBytesMax: 1 << 22 })
    for (const [asked, kept] of [
      [1, 1024],
      [1025, 1536],
      [1537, 2048],
      [2049, 3072],
      [3073, 4096],
      [(1 << 19) + 100, 3 << 18],
    ]) {
      const loan = pool.acquire(asked!)
      loan.release()
      assert.equal(pool.pooledBytes, kept, `${asked} bytes`)
      pool.acquire(kept!) // empty the pool again
    }
  })
})

describe('BufferPool.trimIdle', () => {
  it('drops the buffers no acquire needed since the previous trim, and keeps those in use', () => {
    const pool = new BufferPool({ classBytesMin: 1024, classBytesMax: 8192, pooledBytesMax: 1 << 20 })
    const loans = Array.from({ length: 4 }, () => pool.acquire(1024))
    for (const l of loans) l.release()
    assert.equal(pool.pooledBytes, 4 * 1024)
    pool.trimIdle() // first period: nothing was taken from the pool, all four were idle
    assert.equal(pool.pooledBytes, 0)

    const again = Array.from({ length: 4 }, () => pool.acquire(1024))
    for (const l of again) l.release()
    pool.trimIdle() // start a period with four free
    // A steady load of two at a time: two stay free throughout, two are used.
    for (let round = 0; round < 3; round++) {
      const busy = [pool.acquire(1000), pool.acquire(1000)]
      for (const l of busy) l.release()
    }
    pool.trimIdle()
    assert.equal(pool.pooledBytes, 2 * 1024, 'the two in use are kept, the two idle ones dropped')
    pool.trimIdle()
    assert.equal(pool.pooledBytes, 0, 'and once the load stops, the rest goes too')
  })
})

describe('BorrowedBuffers', () => {
  it('gives every large buffer back at once, and allocates small ones outright', () => {
    const pool = new BufferPool({ classBytesMin: 64 * 1024 })
    const borrowed = new BorrowedBuffers(pool)
    const small = borrowed.allocate(100)
    assert.equal(small.length, 100)
    const a = borrowed.allocate(100_000)
    const b = borrowed.allocate(70_000)
    assert.equal(a.length, 100_000)
    assert.equal(b.length, 70_000)
    assert.equal(pool.pooledBytes, 0, 'on loan until released')
    borrowed.releaseAll()
    assert.equal(pool.pooledBytes, 128 * 1024 + 96 * 1024)
    borrowed.releaseAll()
    assert.equal(pool.pooledBytes, 128 * 1024 + 96 * 1024, 'released once')
    const withoutPool = new BorrowedBuffers(null)
    assert.equal(withoutPool.allocate(100_000).length, 100_000)
    withoutPool.releaseAll()
  })
})
