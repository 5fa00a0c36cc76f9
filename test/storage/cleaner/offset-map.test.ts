import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { murmur3x86x128, OFFSET_MAP_SLOT_BYTES, OffsetMap } from '../../../src/storage/cleaner/offset-map.ts'

function hex(s: string, seed: number): string {
  const out = new Int32Array(4)
  murmur3x86x128(Buffer.from(s), 0, Buffer.byteLength(s), out, seed)
  return [...out].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('')
}

describe('offset map', () => {
  it('hashes with MurmurHash3 x86_128 (reference vectors)', () => {
    assert.equal(hex('Hello, world!', 123), '61c9129e5a1aacd7a41621629e37c886')
    assert.equal(hex('Hello, world!', 321), 'd5fbdcb3c26c4193045880c5a7170f0f')
    assert.equal(hex('xxxxxxxxxxxxxxxxxxxxxxxxxxxx', 123), '5e40bab278825a164cf929d31fec6047')
    assert.equal(hex('', 0), '0'.repeat(32))
  })

  it('keeps the latest offset per key across growth, with keys compared by bytes', () => {
    const map = new OffsetMap(64 * 1024 * 1024)
    const n = 200_000
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < n; i++) map.put(Buffer.from(`key-${i}`), 0, Buffer.byteLength(`key-${i}`), round * n + i)
    }
    assert.equal(map.size, n)
    assert.equal(map.latestOffset, 2 * n - 1)
    for (let i = 0; i < n; i += 997)
      assert.equal(map.get(Buffer.from(`key-${i}`), 0, Buffer.byteLength(`key-${i}`)), n + i)
    assert.equal(map.get(Buffer.from('absent'), 0, 6), -1)
    // A key is its bytes wherever they sit in a buffer.
    const buf = Buffer.from('xxkey-7yy')
    assert.equal(map.get(buf, 2, 7), n + 7)
  })

  it('is bounded by its byte budget: keysMax keys at the load factor', () => {
    const map = new OffsetMap(1024 * 1024, 0.9)
    assert.ok(map.slotsMax * OFFSET_MAP_SLOT_BYTES <= 1024 * 1024)
    assert.equal(map.keysMax, Math.floor(map.slotsMax * 0.9))
    for (let i = 0; i < map.keysMax; i++) map.put(Buffer.from(String(i)), 0, String(i).length, i)
    assert.equal(map.size, map.keysMax)
    assert.ok(map.bytes <= 1024 * 1024)
  })
})
