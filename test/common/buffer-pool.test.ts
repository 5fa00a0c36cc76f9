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
