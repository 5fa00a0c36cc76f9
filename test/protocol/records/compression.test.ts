/**
 * Codecs: round trips for every codec (sync and async), the framings real clients write (raw and xerial
 * snappy, LZ4 frames with Kafka's pre-0.10 header checksum), the decompressed-size cap and error mapping.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { compressSync as snappyRaw } from 'snappy'
import { compress as zstdNative } from 'zstd-napi'
import { SamsaError, SamsaErrorCode } from '../../../src/common/errors.ts'
import {
  CompressionType,
  compress,
  compressAsync,
  compressionName,
  decompress,
  decompressAsync,
} from '../../../src/protocol/records/compression/index.ts'
import { isXerialSnappy } from '../../../src/protocol/records/compression/snappy.ts'
import { xxhash32 } from '../../../src/protocol/records/compression/xxhash32.ts'

const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const
const XERIAL_HEADER = Buffer.from('82534e41505059000000000100000001', 'hex')

function isCompressionError(err: unknown): boolean {
  return err instanceof SamsaError && err.code === SamsaErrorCode.ProtocolCompression
}

function xerial(blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER]
  for (const b of blocks) {
    const len = Buffer.alloc(4)
    len.writeInt32BE(b.length)
    parts.push(len, b)
  }
  return Buffer.concat(parts)
}

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.string({ maxLength: 3000 }).map((s) => Buffer.from(s.repeat(3))),
  fc.integer({ min: 0, max: 200_000 }).map((n) => Buffer.alloc(n, 'kafka')),
)

describe('compression round trips', () => {
  for (const codec of CODECS) {
    it(`${compressionName(codec)}: decompress(compress(x)) = x`, () => {
      fc.assert(
        fc.property(payload, (bytes) => {
          const data = Buffer.from(bytes)
          assert.deepEqual(decompress(codec, compress(codec, data)), data)
        }),
        { numRuns: 60 },
      )
    })

    it(`${compressionName(codec)}: async variants agree with the sync ones`, async () => {
      await fc.assert(
        fc.asyncProperty(payload, async (bytes) => {
          const data = Buffer.from(bytes)
          const packed = await compressAsync(codec, data)
          assert.deepEqual(await decompressAsync(codec, packed), data)
          assert.deepEqual(decompress(codec, packed), data)
        }),
        { numRuns: 30 },
      )
    })

    it(`${compressionName(codec)}: garbage raises SAMSA_ERR_PROTOCOL_COMPRESSION, sync and async`, async () => {
      const valid = compress(codec, Buffer.alloc(5000, 'abc'))
      const inputs = [Buffer.alloc(0), Buffer.from('not compressed at all'), valid.subarray(0, valid.length >> 1)]
      for (const input of inputs) {
        assert.throws(() => decompress(codec, input), isCompressionError)
        await assert.rejects(decompressAsync(codec, input), isCompressionError)
      }
    })

    it(`${compressionName(codec)}: output beyond the cap is refused`, async () => {
      const bomb = compress(codec, Buffer.alloc(4 * 1024 * 1024))
      assert.ok(bomb.length < 512 * 1024)
      assert.throws(() => decompress(codec, bomb, 1024 * 1024), isCompressionError)
      await assert.rejects(decompressAsync(codec, bomb, 1024 * 1024), isCompressionError)
      assert.equal(decompress(codec, bomb, 4 * 1024 * 1024).length, 4 * 1024 * 1024)
    })
  }

  it('none passes bytes through', () => {
    const data = Buffer.from('abc')
    assert.equal(compress(CompressionType.None, data), data)
    assert.equal(decompress(CompressionType.None, data), data)
  })

  it('unknown codec ids are compression errors', () => {
    assert.throws(() => decompress(5 as CompressionType, Buffer.from('x')), isCompressionError)
  })
})

describe('gzip', () => {
  it('reads a standard gzip member and concatenated members', () => {
    const a = Buffer.from('hello ')
    const b = Buffer.from('world')
    assert.deepEqual(decompress(CompressionType.Gzip, gzipSync(a)), a)
    assert.deepEqual(
      decompress(CompressionType.Gzip, Buffer.concat([gzipSync(a), gzipSync(b)])),
      Buffer.from('hello world'),
    )
  })

  it('writes a gzip member (magic 1f 8b, deflate)', () => {
    assert.deepEqual(compress(CompressionType.Gzip, Buffer.from('x')).subarray(0, 3), Buffer.from([0x1f, 0x8b, 0x08]))
  })
})

describe('snappy', () => {
  it('reads raw snappy (librdkafka, Sarama)', () => {
    const data = Buffer.from('raw snappy block '.repeat(50))
    const raw = snappyRaw(data)
    assert.equal(isXerialSnappy(raw), false)
    assert.deepEqual(decompress(CompressionType.Snappy, raw), data)
  })

  it('reads xerial framing with many blocks (Java, kafka-python)', () => {
    const chunks = [
      Buffer.alloc(32 * 1024, 'a'),
      Buffer.from('second block'),
      Buffer.alloc(1000, 'c'),
      Buffer.from('z'),
    ]
    const framed = xerial(chunks.map((c) => snappyRaw(c)))
    assert.deepEqual(decompress(CompressionType.Snappy, framed), Buffer.concat(chunks))
  })

  it('reads a xerial header without blocks as empty', () => {
    assert.equal(decompress(CompressionType.Snappy, XERIAL_HEADER).length, 0)
  })

  it('rejects a xerial block whose length runs past the end', () => {
    const framed = xerial([snappyRaw(Buffer.from('abc'))])
    framed.writeInt32BE(1000, 16)
    assert.throws(() => decompress(CompressionType.Snappy, framed), isCompressionError)
    assert.throws(
      () => decompress(CompressionType.Snappy, Buffer.concat([framed, Buffer.from([0, 0])])),
      isCompressionError,
    )
  })

  it('checks declared block sizes against the cap before inflating', () => {
    const framed = xerial([snappyRaw(Buffer.alloc(40_000)), snappyRaw(Buffer.alloc(40_000))])
    assert.throws(() => decompress(CompressionType.Snappy, framed, 60_000), /exceeds the limit/)
    // A raw block whose preamble claims 4 GiB is refused without allocating.
    const lying = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00])
    assert.throws(() => decompress(CompressionType.Snappy, lying), /exceeds the limit/)
  })

  it('writes xerial framing in 32 KiB blocks, like snappy-java', () => {
    const data = Buffer.alloc(70 * 1024, 'q')
    const framed = compress(CompressionType.Snappy, data)
    assert.deepEqual(framed.subarray(0, 16), XERIAL_HEADER)
    let pos = 16
    let blocks = 0
    while (pos < framed.length) {
      pos += 4 + framed.readInt32BE(pos)
      blocks++
    }
    assert.equal(pos, framed.length)
    assert.equal(blocks, 3)
  })
})

describe('lz4', () => {
  it('xxhash32 matches the reference vectors', () => {
    assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05)
    assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff)
    assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f)
  })

  it('writes an LZ4 frame with independent blocks and no checksums (what KafkaLZ4BlockInputStream reads)', () => {
    const frame = compress(CompressionType.Lz4, Buffer.from('hello hello hello hello'))
    assert.deepEqual(frame.subarray(0, 4), Buffer.from([0x04, 0x22, 0x4d, 0x18]))
    assert.equal(frame[4], 0x60) // version 01, block independence
    assert.equal(frame[6], (xxhash32(frame, 4, 6) >>> 8) & 0xff)
  })

  it('writes and reads the pre-0.10 header checksum (KAFKA-3160) for magic 0', () => {
    const data = Buffer.from('old kafka '.repeat(20))
    const frame = compress(CompressionType.Lz4, data, { lz4BrokenHeaderChecksum: true })
    assert.equal(frame[6], (xxhash32(frame, 0, 6) >>> 8) & 0xff)
    assert.notEqual(frame[6], (xxhash32(frame, 4, 6) >>> 8) & 0xff)
    assert.deepEqual(decompress(CompressionType.Lz4, frame), data)
  })

  it('rejects a header checksum that is neither the right nor the old value', () => {
    const frame = compress(CompressionType.Lz4, Buffer.from('abc'))
    frame[6] = (frame[6]! + 1) & 0xff
    if (frame[6] === ((xxhash32(frame, 0, 6) >>> 8) & 0xff)) frame[6] = (frame[6]! + 1) & 0xff
    assert.throws(() => decompress(CompressionType.Lz4, frame), /header checksum/)
  })

  it('reads concatenated frames', () => {
    const a = Buffer.alloc(1000, 'a')
    const b = Buffer.alloc(2000, 'b')
    const both = Buffer.concat([compress(CompressionType.Lz4, a), compress(CompressionType.Lz4, b)])
    assert.deepEqual(decompress(CompressionType.Lz4, both), Buffer.concat([a, b]))
  })
})

describe('zstd', () => {
  it('reads concatenated frames and frames without a content size', () => {
    const a = Buffer.alloc(1000, 'a')
    const b = Buffer.from('second frame')
    assert.deepEqual(
      decompress(CompressionType.Zstd, Buffer.concat([zstdNative(a), zstdNative(b)])),
      Buffer.concat([a, b]),
    )
    const noSize = zstdNative(a, { contentSizeFlag: false })
    assert.deepEqual(decompress(CompressionType.Zstd, noSize), a)
  })

  it('does not trust a frame content size for allocation', () => {
    const frame = zstdNative(Buffer.alloc(3 * 1024 * 1024))
    assert.throws(() => decompress(CompressionType.Zstd, frame, 1024 * 1024), /exceeds the limit/)
    // The shared context recovers after an aborted frame.
    assert.deepEqual(decompress(CompressionType.Zstd, zstdNative(Buffer.from('ok'))), Buffer.from('ok'))
  })
})
