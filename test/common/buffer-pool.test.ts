import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BufferPool } from '../../src/common/buffer-pool.ts'

describe('BufferPool', () => {
  it('hands out buffers of the asked length from power-of-two classes and reuses released ones', () => {
    const pool = new BufferPool({ classBytesMin: 1024, classBytesMax: 8192, pooledBytesMax: 16384 })
    const a = pool.acquire(1500)
    assert.equal(a.bytes.length, 1500)
    a.bytes.fill(1)
    a.release()
    a.release()
    assert.equal(pool.pooledBytes, 2048, 'released once, into the 2 KiB class')
    const b = pool.acquire(2000)
    assert.equal(b.bytes.buffer, a.bytes.buffer, 'the same memory is reused')
    assert.equal(pool.pooledBytes, 0)
    const c = pool.acquire(2000)
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
})
