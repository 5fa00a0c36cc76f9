/**
 * Legacy message sets (magic 0/1): decoding (offsets of compressed wrappers), up-conversion for Produce
 * v0-v2 and down-conversion for Fetch v0-v3, including round trips and Kafka's error codes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../src/protocol/kafka-protocol-error.ts'
import {
  CompressionType,
  compress,
  compressionName,
  decompress,
} from '../../../src/protocol/records/compression/index.ts'
import { xxhash32 } from '../../../src/protocol/records/compression/xxhash32.ts'
import { downConvertBatches, isLegacyMessageSet, upConvertMessageSet } from '../../../src/protocol/records/legacy.ts'
import {
  encodeLegacyMessages,
  encodeLegacyWrapper,
  type LegacyMessageInput,
} from '../../../src/protocol/records/legacy-message-set.ts'
import { TimestampType } from '../../../src/protocol/records/record-batch.ts'
import {
  decodeRecordBatch,
  decodeRecordBatches,
  encodeControlBatch,
  encodeRecordBatch,
  type RecordInput,
} from '../../../src/protocol/records/records.ts'
import { fixtureBytes, fixtureRecords } from './kafka-python-fixtures.ts'

const LEGACY_CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4] as const

const kafkaError = (code: number) => (err: unknown) => err instanceof KafkaProtocolError && err.errorCode === code

function messages(n: number, firstOffset = 0): LegacyMessageInput[] {
  return Array.from({ length: n }, (_, i) => ({
    offset: firstOffset + i,
    timestamp: 1_600_000_000_000 + i,
    key: i % 2 === 0 ? Buffer.from(`k${i}`) : null,
    value: i % 3 === 2 ? null : Buffer.from(`value ${i}`),
  }))
}

const flat = (buf: Buffer) =>
  decodeRecordBatches(buf).flatMap((b) => b.records.map((r) => ({ ...r, magic: b.magic, codec: b.compression })))

describe('isLegacyMessageSet', () => {
  it('looks at the magic byte of the first entry', () => {
    assert.equal(isLegacyMessageSet(fixtureBytes('v0-none')), true)
    assert.equal(isLegacyMessageSet(fixtureBytes('v1-gzip')), true)
    assert.equal(isLegacyMessageSet(fixtureBytes('v2-none')), false)
    assert.equal(isLegacyMessageSet(Buffer.alloc(16)), false)
  })
})

describe('legacy decoding', () => {
  it('magic 1 wrapper: relative inner offsets end at the wrapper offset', () => {
    const set = encodeLegacyWrapper(1, CompressionType.Gzip, 0, 5, messages(4, 97))
    assert.equal(set.readInt32BE(4), 100) // the wrapper carries the last offset
    const b = decodeRecordBatch(set)
    assert.deepEqual(
      b.records.map((r) => r.offset),
      [97, 98, 99, 100],
    )
    assert.equal(b.baseOffset, 97)
    assert.equal(b.lastOffsetDelta, 3)
  })

  it('magic 1 wrapper at offset 0 (as producers send it) keeps the inner offsets', () => {
    const b = decodeRecordBatches(fixtureBytes('v1-gzip'))
    assert.deepEqual(
      b[0]?.records.map((r) => r.offset),
      [0, 1, 2, 3],
    )
  })

  it('rejects a magic 1 wrapper offset below its last inner offset', () => {
    const inner = encodeLegacyMessages(1, 0, messages(4, 10))
    const wrapper = encodeLegacyMessages(1, CompressionType.Gzip, [
      { offset: 2, timestamp: 5, key: null, value: compress(CompressionType.Gzip, inner) },
    ])
    assert.throws(() => decodeRecordBatch(wrapper), /wrapper offset below/)
  })

  it('magic 0 wrapper: inner offsets are absolute', () => {
    const b = decodeRecordBatch(encodeLegacyWrapper(0, CompressionType.Snappy, 0, -1, messages(3, 40)))
    assert.deepEqual(
      b.records.map((r) => [r.offset, r.timestamp]),
      [
        [40, -1],
        [41, -1],
        [42, -1],
      ],
    )
  })

  it('magic 1 LogAppendTime wrapper: inner records take the wrapper timestamp', () => {
    const b = decodeRecordBatch(encodeLegacyWrapper(1, CompressionType.Lz4, 0x08, 777, messages(3)))
    assert.equal(b.timestampType, TimestampType.LogAppendTime)
    assert.deepEqual(
      b.records.map((r) => r.timestamp),
      [777, 777, 777],
    )
  })

  it('rejects empty or null wrappers, nested compression and zstd wrappers', () => {
    const gz = (set: Buffer) => compress(CompressionType.Gzip, set)
    const wrap = (magic: 0 | 1, codec: number, value: Buffer | null) =>
      encodeLegacyMessages(magic, codec, [{ offset: 0, timestamp: 0, key: null, value }])
    assert.throws(() => decodeRecordBatch(wrap(1, CompressionType.Gzip, gz(Buffer.alloc(0)))), /without inner/)
    assert.throws(() => decodeRecordBatch(wrap(0, CompressionType.Gzip, null)), /null value/)
    const nested = encodeLegacyWrapper(0, CompressionType.Gzip, 0, -1, messages(2))
    assert.throws(() => decodeRecordBatch(wrap(0, CompressionType.Gzip, gz(nested))), /must not be compressed/)
    assert.throws(() => decodeRecordBatch(wrap(1, CompressionType.Zstd, Buffer.from('x'))), /not valid for magic/)
  })

  it('checks the CRC-32 of wrappers and inner messages', () => {
    const plain = encodeLegacyMessages(1, 0, messages(1))
    plain[plain.length - 1]! ^= 1
    assert.throws(() => decodeRecordBatch(plain), /CRC-32 mismatch/)
    assert.equal(decodeRecordBatch(plain, 0, { verifyCrc: false }).recordCount, 1)
  })
})

describe('upConvertMessageSet (Produce v0-v2)', () => {
  for (const name of ['v0-none', 'v0-gzip', 'v1-none', 'v1-gzip']) {
    it(`converts kafka-python's ${name} into one v2 batch`, async () => {
      const batch = await upConvertMessageSet(fixtureBytes(name), { nowMs: 1 })
      const [b, ...rest] = decodeRecordBatches(batch)
      assert.equal(rest.length, 0)
      assert.ok(b)
      assert.equal(b.magic, 2)
      assert.equal(b.compression, name.endsWith('gzip') ? CompressionType.Gzip : CompressionType.None)
      assert.equal(b.producerId, -1)
      assert.equal(b.producerEpoch, -1)
      assert.equal(b.baseSequence, -1)
      assert.equal(b.timestampType, TimestampType.CreateTime)
      const expected = fixtureRecords(name).map((r, i) => ({ ...r, offset: i, headers: [] }))
      assert.deepEqual(b.records, expected)
      // Magic 0 has no timestamps: NO_TIMESTAMP (-1) throughout, as Kafka's LogValidator leaves it.
      const magic0 = name.startsWith('v0')
      assert.equal(b.maxTimestamp, magic0 ? -1 : Math.max(...expected.map((r) => r.timestamp)))
      assert.equal(b.baseTimestamp, magic0 ? -1 : expected[0]?.timestamp)
    })
  }

  it('joins several entries and keeps the codec of the compressed wrapper', async () => {
    const set = Buffer.concat([
      encodeLegacyMessages(1, 0, messages(2, 0)),
      encodeLegacyWrapper(1, CompressionType.Snappy, 0, 0, messages(3, 0)),
      encodeLegacyMessages(1, 0, messages(1, 0)),
    ])
    const b = decodeRecordBatch(await upConvertMessageSet(set, { nowMs: 0 }))
    assert.equal(b.compression, CompressionType.Snappy)
    assert.equal(b.recordCount, 6)
    assert.deepEqual(
      b.records.map((r) => r.offset),
      [0, 1, 2, 3, 4, 5],
    )
  })

  it('applies the topic settings: LogAppendTime with the broker clock, compression.type', async () => {
    const b = decodeRecordBatch(
      await upConvertMessageSet(fixtureBytes('v1-none'), {
        nowMs: 1_234_567,
        timestampType: TimestampType.LogAppendTime,
        compression: CompressionType.Zstd,
      }),
    )
    assert.equal(b.compression, CompressionType.Zstd)
    assert.equal(b.maxTimestamp, 1_234_567)
    assert.ok(b.records.every((r) => r.timestamp === 1_234_567))
  })

  it('answers CORRUPT_MESSAGE for a bad CRC in a message or in an inner message', async () => {
    const plain = encodeLegacyMessages(0, 0, messages(2))
    plain[30]! ^= 0x10
    await assert.rejects(upConvertMessageSet(plain, { nowMs: 0 }), kafkaError(ErrorCode.CORRUPT_MESSAGE))
    const inner = encodeLegacyMessages(1, 0, messages(2))
    inner[inner.length - 1]! ^= 1
    const wrapper = encodeLegacyMessages(1, CompressionType.Gzip, [
      { offset: 0, timestamp: 0, key: null, value: compress(CompressionType.Gzip, inner) },
    ])
    await assert.rejects(upConvertMessageSet(wrapper, { nowMs: 0 }), kafkaError(ErrorCode.CORRUPT_MESSAGE))
    const badSize = encodeLegacyMessages(0, 0, messages(1))
    badSize.writeInt32BE(3, 8)
    await assert.rejects(upConvertMessageSet(badSize, { nowMs: 0 }), kafkaError(ErrorCode.CORRUPT_MESSAGE))
  })

  it('answers UNSUPPORTED_COMPRESSION_TYPE for zstd and INVALID_RECORD for a v2 batch among legacy entries', async () => {
    const zstd = encodeLegacyMessages(1, CompressionType.Zstd, [
      {
        offset: 0,
        timestamp: 0,
        key: null,
        value: compress(CompressionType.Zstd, encodeLegacyMessages(1, 0, messages(1))),
      },
    ])
    await assert.rejects(upConvertMessageSet(zstd, { nowMs: 0 }), kafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE))
    const mixed = Buffer.concat([encodeLegacyMessages(1, 0, messages(1)), encodeRecordBatch({ records: [] })])
    await assert.rejects(upConvertMessageSet(mixed, { nowMs: 0 }), kafkaError(ErrorCode.INVALID_RECORD))
  })

  it('drops a partial trailing message and returns nothing for no complete message', async () => {
    const set = encodeLegacyMessages(0, 0, messages(3))
    const b = decodeRecordBatch(await upConvertMessageSet(set.subarray(0, set.length - 2), { nowMs: 0 }))
    assert.equal(b.recordCount, 2)
    assert.equal((await upConvertMessageSet(set.subarray(0, 20), { nowMs: 0 })).length, 0)
  })
})

const v2Records = (n: number): RecordInput[] =>
  Array.from({ length: n }, (_, i) => ({
    key: i % 3 === 0 ? null : Buffer.from(`key ${i}`),
    value: i % 4 === 3 ? null : Buffer.from(`value ${i} `.repeat(5)),
    timestamp: 1_700_000_000_000 + ((i * 7919) % 1000) - 500,
    headers: [{ key: 'dropped', value: Buffer.from('h') }],
  }))

describe('downConvertBatches (Fetch v0-v3)', () => {
  for (const codec of LEGACY_CODECS) {
    for (const toMagic of [0, 1] as const) {
      it(`${compressionName(codec)} to magic ${toMagic}: same offsets, keys, values (and magic 1 timestamps)`, async () => {
        const a = encodeRecordBatch({ baseOffset: 10, compression: codec, records: v2Records(5) })
        const b = encodeRecordBatch({ baseOffset: 15, compression: codec, records: v2Records(3) })
        const legacy = await downConvertBatches(Buffer.concat([a, b]), toMagic)
        const entries = decodeRecordBatches(legacy)
        // A compressed batch becomes one wrapper; an uncompressed one, one message per record.
        assert.equal(entries.length, codec === CompressionType.None ? 8 : 2)
        const expected = [...v2Records(5), ...v2Records(3)].map((r, i) => ({
          offset: 10 + i,
          timestamp: toMagic === 0 ? -1 : r.timestamp,
          key: r.key,
          value: r.value,
          headers: [],
        }))
        assert.deepEqual(
          entries.flatMap((e) => e.records),
          expected,
        )
        for (const e of entries) {
          assert.equal(e.magic, toMagic)
          assert.equal(e.compression, codec)
        }
        if (codec !== CompressionType.None) {
          // Kafka's wrapper: the last offset, the max timestamp of its messages.
          assert.equal(
            entries[0]?.maxTimestamp,
            toMagic === 0 ? -1 : Math.max(...expected.slice(0, 5).map((r) => r.timestamp)),
          )
          assert.equal(legacy.readInt32BE(4), 14)
        }
      })
    }
  }

  it('writes LZ4 wrappers with the old header checksum for magic 0 only', async () => {
    const batch = encodeRecordBatch({ compression: CompressionType.Lz4, records: v2Records(4) })
    for (const toMagic of [0, 1] as const) {
      const wrapper = decodeRecordBatches(await downConvertBatches(batch, toMagic))
      assert.equal(wrapper.length, 1)
      const legacy = await downConvertBatches(batch, toMagic)
      const valueStart = 12 + 4 + 2 + (toMagic === 1 ? 8 : 0) + 4 + 4
      const frame = legacy.subarray(valueStart)
      const wanted = toMagic === 0 ? xxhash32(frame, 0, 6) : xxhash32(frame, 4, 6)
      assert.equal(frame[6], (wanted >>> 8) & 0xff)
      assert.equal(decompress(CompressionType.Lz4, frame).length > 0, true)
    }
  })

  it('keeps the gaps of compacted batches: relative inner offsets, wrapper at the last offset', async () => {
    const records = v2Records(3)
    const batch = encodeRecordBatch({
      baseOffset: 200,
      compression: CompressionType.Gzip,
      offsetDeltas: [0, 2, 5],
      records,
    })
    const legacy = await downConvertBatches(batch, 1)
    assert.equal(legacy.readInt32BE(4), 205)
    const inner = decompress(CompressionType.Gzip, decodeRawWrapperValue(legacy))
    assert.deepEqual(
      [0, 1, 2].map((i) => innerOffsetAt(inner, i)),
      [0, 2, 5],
    )
    assert.deepEqual(
      decodeRecordBatch(legacy).records.map((r) => r.offset),
      [200, 202, 205],
    )
  })

  it('skips control batches and a truncated trailing batch', async () => {
    const data = encodeRecordBatch({
      baseOffset: 0,
      isTransactional: true,
      producerId: 1,
      producerEpoch: 0,
      records: v2Records(2),
    })
    const marker = encodeControlBatch({
      type: 'COMMIT',
      producerId: 1,
      producerEpoch: 0,
      coordinatorEpoch: 0,
      timestamp: 0,
      baseOffset: 2,
    })
    const next = encodeRecordBatch({ baseOffset: 3, records: v2Records(1) })
    const all = Buffer.concat([data, marker, next])
    assert.deepEqual(
      flat(await downConvertBatches(all, 1)).map((r) => r.offset),
      [0, 1, 3],
    )
    assert.deepEqual(
      flat(await downConvertBatches(all.subarray(0, all.length - 1), 1)).map((r) => r.offset),
      [0, 1],
    )
  })

  it('drops records below the fetch offset from uncompressed batches only', async () => {
    const plain = encodeRecordBatch({ baseOffset: 0, records: v2Records(5) })
    const gzip = encodeRecordBatch({ baseOffset: 5, compression: CompressionType.Gzip, records: v2Records(5) })
    assert.deepEqual(
      flat(await downConvertBatches(plain, 1, { firstOffset: 3 })).map((r) => r.offset),
      [3, 4],
    )
    assert.equal(flat(await downConvertBatches(gzip, 1, { firstOffset: 8 })).length, 5)
  })

  it('LogAppendTime batches become LogAppendTime messages stamped with maxTimestamp', async () => {
    for (const codec of [CompressionType.None, CompressionType.Snappy]) {
      const batch = encodeRecordBatch({
        compression: codec,
        timestampType: TimestampType.LogAppendTime,
        logAppendTimeMs: 4242,
        records: v2Records(3),
      })
      for (const e of decodeRecordBatches(await downConvertBatches(batch, 1))) {
        assert.equal(e.timestampType, TimestampType.LogAppendTime)
        assert.ok(e.records.every((r) => r.timestamp === 4242))
      }
    }
  })

  it('throws UNSUPPORTED_COMPRESSION_TYPE for zstd batches, but not for zstd control batches', async () => {
    const zstd = encodeRecordBatch({ compression: CompressionType.Zstd, records: v2Records(2) })
    await assert.rejects(downConvertBatches(zstd, 1), kafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE))
    const control = encodeRecordBatch({ compression: CompressionType.Zstd, isControl: true, records: v2Records(1) })
    assert.equal((await downConvertBatches(control, 1)).length, 0)
  })

  it('copies entries already in the target format and converts magic 1 to magic 0', async () => {
    const v1 = encodeLegacyWrapper(1, CompressionType.Gzip, 0, 9, messages(3, 7))
    assert.deepEqual(await downConvertBatches(v1, 1), v1)
    const v0 = await downConvertBatches(v1, 0)
    assert.deepEqual(
      flat(v0).map((r) => [r.magic, r.offset, r.timestamp]),
      [
        [0, 7, -1],
        [0, 8, -1],
        [0, 9, -1],
      ],
    )
  })

  it('round trip: v2 -> legacy -> v2 keeps records (headers aside) for every legacy codec', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LEGACY_CODECS),
        fc.constantFrom(0 as const, 1 as const),
        fc.integer({ min: 1, max: 40 }),
        async (codec, toMagic, n) => {
          const records = v2Records(n)
          const v2 = encodeRecordBatch({ baseOffset: 0, compression: codec, records })
          const back = decodeRecordBatch(await upConvertMessageSet(await downConvertBatches(v2, toMagic), { nowMs: 0 }))
          assert.equal(back.compression, codec)
          assert.deepEqual(
            back.records,
            records.map((r, i) => ({
              offset: i,
              timestamp: toMagic === 0 ? -1 : r.timestamp,
              key: r.key,
              value: r.value,
              headers: [],
            })),
          )
        },
      ),
      { numRuns: 60 },
    )
  })
})

/** The value field of the first (wrapper) message of a magic 1 set. */
function decodeRawWrapperValue(set: Buffer): Buffer {
  const keyLength = set.readInt32BE(26)
  const valuePos = 30 + Math.max(0, keyLength)
  return set.subarray(valuePos + 4, valuePos + 4 + set.readInt32BE(valuePos))
}

/** The offset field of the i-th entry of an uncompressed message set. */
function innerOffsetAt(set: Buffer, i: number): number {
  let pos = 0
  for (let k = 0; k < i; k++) pos += 12 + set.readInt32BE(pos + 8)
  return set.readInt32BE(pos + 4)
}
