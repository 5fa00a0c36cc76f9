/**
 * zstd's asynchronous calls run on worker threads (zstd-napi has no asynchronous API): results equal the
 * synchronous codec's, concurrent calls are spread over at most the pool's threads, corrupt input fails
 * with the very error the synchronous call raises, the caller's buffer is left intact, and an idle pool
 * does not keep a process alive.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { SamsaError, SamsaErrorCode } from '../../../src/common/errors.ts'
import {
  CompressionType,
  compress,
  compressAsync,
  decompress,
  decompressAsync,
} from '../../../src/protocol/records/compression/index.ts'
import { ZstdPool } from '../../../src/protocol/records/compression/zstd-pool.ts'
import { run } from '../../helpers/interop.ts'

const pools: ZstdPool[] = []
after(async () => {
  for (const p of pools) await p.close()
})

function payload(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n)
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) % 97 < 60 ? 97 + ((i >> 4) % 26) : (i * seed) & 0xff
  return out
}

/** The synchronous call's error (or null), to compare with the asynchronous one's. */
function syncError(fn: () => unknown): SamsaError {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof SamsaError)
    return err
  }
  assert.fail('no error')
}

describe('zstd worker pool', () => {
  it('round trips through the asynchronous path, byte for byte with the synchronous codec', async () => {
    for (const [n, seed] of [
      [0, 1],
      [1, 2],
      [100, 3],
      [4095, 4],
      [70_000, 5],
      [3 * 1024 * 1024, 6],
    ] as const) {
      const data = payload(n, seed)
      const packed = await compressAsync(CompressionType.Zstd, data, { level: 3 })
      assert.deepEqual(packed, compress(CompressionType.Zstd, data, { level: 3 }), `compress ${n} bytes`)
      assert.deepEqual(await decompressAsync(CompressionType.Zstd, packed), data, `decompress ${n} bytes`)
    }
  })

  it('does not settle within the calling turn of the event loop (the work is elsewhere)', async () => {
    let settled = false
    const pending = compressAsync(CompressionType.Zstd, payload(1 << 20, 7)).then(() => {
      settled = true
    })
    for (let i = 0; i < 100; i++) await Promise.resolve()
    assert.equal(settled, false, 'a synchronous codec would have settled in a microtask')
    await pending
    assert.equal(settled, true)
  })

  it('compresses a view into a larger buffer without touching the rest of it, and leaves the input usable', async () => {
    const big = payload(10_000, 8)
    const copy = Buffer.from(big)
    const view = big.subarray(1000, 3000)
    const packed = await compressAsync(CompressionType.Zstd, view)
    assert.deepEqual(big, copy, 'the caller still owns its bytes')
    assert.deepEqual(decompress(CompressionType.Zstd, packed), copy.subarray(1000, 3000))
  })

  it('serves concurrent calls on at most its threads, each with its own result', async () => {
    const pool = new ZstdPool(2)
    pools.push(pool)
    const inputs = Array.from({ length: 40 }, (_, i) => payload(1000 + i * 997, i + 10))
    const packed = await Promise.all(inputs.map((d, i) => pool.compress(d, (i % 5) + 1)))
    assert.equal(pool.threadCount, 2, 'concurrent jobs use both threads, and no more')
    for (const [i, p] of packed.entries())
      assert.deepEqual(p, compress(CompressionType.Zstd, inputs[i]!, { level: (i % 5) + 1 }))
    const unpacked = await Promise.all(packed.map((p) => pool.decompress(p, 1 << 20)))
    assert.deepEqual(unpacked, inputs)
    assert.equal(pool.threadCount, 2)
  })

  it('reports corrupt input and output beyond the cap with the errors the synchronous codec raises', async () => {
    const valid = compress(CompressionType.Zstd, payload(5000, 11))
    const bomb = compress(CompressionType.Zstd, Buffer.alloc(4 * 1024 * 1024))
    const cases: [Buffer, number][] = [
      [Buffer.alloc(0), 1 << 20],
      [Buffer.from('not compressed at all'), 1 << 20],
      [valid.subarray(0, valid.length >> 1), 1 << 20],
      [Buffer.concat([valid, Buffer.from('trailing junk')]), 1 << 20],
      [bomb, 1024 * 1024],
    ]
    for (const [input, bytesMax] of cases) {
      const expected = syncError(() => decompress(CompressionType.Zstd, input, bytesMax))
      await assert.rejects(decompressAsync(CompressionType.Zstd, input, bytesMax), (err: unknown) => {
        assert.ok(err instanceof SamsaError)
        assert.equal(err.code, SamsaErrorCode.ProtocolCompression)
        assert.equal(err.message, expected.message)
        assert.equal((err.cause as Error | undefined)?.message, (expected.cause as Error | undefined)?.message)
        return true
      })
    }
    // The thread that saw the bad input keeps serving.
    assert.deepEqual(await decompressAsync(CompressionType.Zstd, valid), payload(5000, 11))
  })

  it('lets a process that used it exit on its own once idle', async () => {
    const url = new URL('../../../src/protocol/records/compression/index.ts', import.meta.url).href
    const script = `
      const { compressAsync, decompressAsync } = await import(${JSON.stringify(url)})
      const packed = await compressAsync(4, Buffer.alloc(100000, 'z'))
      const out = await decompressAsync(4, packed)
      console.log('done', out.length)
    `
    // run() rejects unless the child exits 0 by itself; it is killed after 60 s otherwise.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], '', 60_000)
    assert.equal(stdout.trim(), 'done 100000')
  })
})
