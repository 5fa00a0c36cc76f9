/**
 * Record batch v2: property round trips over every codec, cross-checks against batches built by
 * kafka-python (fixtures/kafka-python.json), CRC detection, LogAppendTime, compaction fields, control
 * batches and multi-batch buffers.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { SamsaError, SamsaErrorCode } from '../../../src/common/errors.ts'
import { CompressionType, compressionName } from '../../../src/protocol/records/compression/index.ts'
import { isBatchCrcValid, setBatchLogAppendTime, TimestampType } from '../../../src/protocol/records/record-batch.ts'
import {
  ControlRecordType,
  type DecodedRecord,
  decodeControlRecordKey,
  decodeEndTxnMarkerValue,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeControlBatch,
  encodeRecordBatch,
  type RecordBatchInput,
  type RecordInput,
} from '../../../src/protocol/records/records.ts'
import { fixture, fixtureBytes, fixtureRecords } from './kafka-python-fixtures.ts'

const CODECS = [0, 1, 2, 3, 4] as const

function isCorrupt(err: unknown): boolean {
  return err instanceof SamsaError && err.code === SamsaErrorCode.ProtocolCorruptRecord
}

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b))
const nullableBytes = (maxLength: number) => fc.option(bytes(maxLength), { nil: null })

const recordsArb = fc
  .tuple(
    fc.integer({ min: 0, max: 2 ** 42 }),
    fc.array(
      fc.record({
        key: nullableBytes(40),
        value: nullableBytes(300),
        headers: fc.array(
          fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 12 }), value: nullableBytes(20) }),
          {
            maxLength: 4,
          },
        ),
        // Deltas around the first timestamp, negative ones included.
        timestampDelta: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      }),
      { maxLength: 30 },
    ),
  )
  .map(([base, rs]) =>
    rs.map(
      (r): RecordInput => ({ key: r.key, value: r.value, headers: r.headers, timestamp: base + r.timestampDelta }),
    ),
  )

const batchArb = fc.record({
  baseOffset: fc.integer({ min: 0, max: 2 ** 50 }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  compression: fc.constantFrom(...CODECS),
  isTransactional: fc.boolean(),
  producerId: fc.integer({ min: -1, max: 2 ** 50 }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  records: recordsArb,
})

function expectedRecords(input: RecordBatchInput): DecodedRecord[] {
  return input.records.map((r, i) => ({
    offset: (input.baseOffset ?? 0) + (input.offsetDeltas?.[i] ?? i),
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    // fc.record builds null-prototype objects; the decoder returns plain ones.
    headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value })),
  }))
}

describe('encodeRecordBatch / decodeRecordBatch', () => {
  it('round-trips arbitrary batches over every codec', () => {
    fc.assert(
      fc.property(batchArb, (input) => {
        const buf = encodeRecordBatch(input)
        assert.ok(isBatchCrcValid(buf))
        const b = decodeRecordBatch(buf)
        assert.equal(b.batchLength, buf.length - 12)
        assert.equal(b.baseOffset, input.baseOffset)
        assert.equal(b.partitionLeaderEpoch, input.partitionLeaderEpoch)
        assert.equal(b.magic, 2)
        assert.equal(b.compression, input.compression)
        assert.equal(b.isTransactional, input.isTransactional)
        assert.equal(b.isControl, false)
        assert.equal(b.producerId, input.producerId)
        assert.equal(b.producerEpoch, input.producerEpoch)
        assert.equal(b.baseSequence, input.baseSequence)
        assert.equal(b.recordCount, input.records.length)
        assert.equal(b.lastOffsetDelta, Math.max(0, input.records.length - 1))
        assert.equal(b.baseTimestamp, input.records[0]?.timestamp ?? -1)
        assert.equal(b.maxTimestamp, Math.max(-1, ...input.records.map((r) => r.timestamp)))
        assert.deepEqual(b.records, expectedRecords(input))
      }),
      { numRuns: 300 },
    )
  })

  for (const codec of CODECS) {
    it(`${compressionName(codec)}: a large batch (20,000 records and a 1 MiB value)`, () => {
      const records: RecordInput[] = []
      for (let i = 0; i < 20_000; i++) {
        records.push({ key: Buffer.from(`key-${i}`), value: Buffer.from(`value ${i} `.repeat(8)), timestamp: 1e12 + i })
      }
      records.push({
        key: null,
        value: Buffer.alloc(1024 * 1024, 7),
        timestamp: 1e12 - 5,
        headers: [{ key: 'big', value: null }],
      })
      const input = { baseOffset: 1000, compression: codec, records }
      const buf = encodeRecordBatch(input)
      if (codec !== CompressionType.None) assert.ok(buf.length < 1024 * 1024)
      assert.deepEqual(decodeRecordBatch(buf).records, expectedRecords(input))
    })
  }

  it('LogAppendTime: every record takes maxTimestamp', () => {
    const records = [
      { key: null, value: Buffer.from('a'), timestamp: 10 },
      { key: null, value: Buffer.from('b'), timestamp: 20 },
    ]
    const b = decodeRecordBatch(
      encodeRecordBatch({ timestampType: TimestampType.LogAppendTime, logAppendTimeMs: 5000, records }),
    )
    assert.equal(b.timestampType, TimestampType.LogAppendTime)
    assert.equal(b.maxTimestamp, 5000)
    assert.deepEqual(
      b.records.map((r) => r.timestamp),
      [5000, 5000],
    )
    // The broker's in-place switch (record-batch.ts) gives the same view.
    for (const codec of CODECS) {
      const buf = encodeRecordBatch({ compression: codec, records })
      setBatchLogAppendTime(buf, 0, 7777)
      const d = decodeRecordBatch(buf)
      assert.deepEqual(
        d.records.map((r) => r.timestamp),
        [7777, 7777],
      )
    }
  })

  it('keeps explicit offset deltas, lastOffsetDelta and the delete horizon (compaction)', () => {
    const records = [10, 30, 20].map((t) => ({ key: Buffer.from('k'), value: null, timestamp: 1000 + t }))
    const input = {
      baseOffset: 100,
      offsetDeltas: [0, 3, 7],
      lastOffsetDelta: 9,
      deleteHorizonMs: 900,
      compression: CompressionType.Gzip,
      records,
    }
    const b = decodeRecordBatch(encodeRecordBatch(input))
    assert.equal(b.lastOffsetDelta, 9)
    assert.equal(b.baseTimestamp, 900)
    assert.equal(b.attributes & 0x40, 0x40)
    assert.equal(b.maxTimestamp, 1030)
    assert.deepEqual(b.records, expectedRecords(input))
  })

  it('encodes and decodes an empty batch (what compaction may leave)', () => {
    for (const codec of CODECS) {
      const b = decodeRecordBatch(encodeRecordBatch({ compression: codec, records: [], lastOffsetDelta: 4 }))
      assert.equal(b.recordCount, 0)
      assert.deepEqual(b.records, [])
      assert.equal(b.lastOffsetDelta, 4)
      assert.equal(b.baseTimestamp, -1)
      assert.equal(b.maxTimestamp, -1)
    }
  })

  it('detects any flipped byte in the checksummed range', () => {
    const buf = encodeRecordBatch({
      compression: CompressionType.Snappy,
      records: [
        {
          key: Buffer.from('key'),
          value: Buffer.from('value'.repeat(10)),
          timestamp: 1,
          headers: [{ key: 'h', value: null }],
        },
      ],
    })
    for (let pos = 17; pos < buf.length; pos++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const copy = Buffer.from(buf)
        copy[pos]! ^= mask
        assert.throws(() => decodeRecordBatch(copy), isCorrupt, `byte ${pos} mask ${mask}`)
      }
    }
  })

  it('rejects records that do not fill the declared section exactly', () => {
    const buf = encodeRecordBatch({ records: [{ key: null, value: Buffer.from('abc'), timestamp: 0 }] })
    const extra = Buffer.concat([buf, Buffer.from([0])])
    extra.writeInt32BE(extra.length - 12, 8)
    assert.throws(() => decodeRecordBatch(extra, 0, { verifyCrc: false }), /bytes left after/)
    const moreRecords = Buffer.from(buf)
    moreRecords.writeInt32BE(2, 57)
    assert.throws(() => decodeRecordBatch(moreRecords, 0, { verifyCrc: false }), isCorrupt)
  })

  it('refuses an unknown magic and a batch shorter than its header', () => {
    const buf = encodeRecordBatch({ records: [] })
    const magic3 = Buffer.from(buf)
    magic3[16] = 3
    assert.throws(() => decodeRecordBatch(magic3), /unknown magic 3/)
    assert.throws(() => decodeRecordBatch(buf.subarray(0, 40)), isCorrupt)
    assert.throws(() => decodeRecordBatch(buf, 5), isCorrupt)
  })

  it('limits the decompressed size of a batch', () => {
    const buf = encodeRecordBatch({
      compression: CompressionType.Zstd,
      records: [{ key: null, value: Buffer.alloc(2 * 1024 * 1024), timestamp: 0 }],
    })
    assert.throws(
      () => decodeRecordBatch(buf, 0, { decompressedBytesMax: 1024 * 1024 }),
      (err: unknown) => err instanceof SamsaError && err.code === SamsaErrorCode.ProtocolCompression,
    )
  })
})

describe('decodeRecordBatches', () => {
  it('decodes consecutive batches at their positions and ignores a truncated trailing batch', () => {
    const a = encodeRecordBatch({ baseOffset: 0, records: [{ key: null, value: Buffer.from('a'), timestamp: 1 }] })
    const b = encodeRecordBatch({
      baseOffset: 1,
      compression: CompressionType.Lz4,
      records: [{ key: null, value: Buffer.from('b'), timestamp: 2 }],
    })
    const c = encodeRecordBatch({ baseOffset: 2, records: [{ key: null, value: Buffer.from('c'), timestamp: 3 }] })
    const all = Buffer.concat([a, b, c])
    for (let cut = 0; cut <= all.length; cut++) {
      const complete = [a.length, a.length + b.length, all.length].filter((end) => end <= cut).length
      assert.equal(decodeRecordBatches(all.subarray(0, cut)).length, complete)
    }
    assert.deepEqual(
      decodeRecordBatches(all).map((x) => x.records[0]?.value?.toString()),
      ['a', 'b', 'c'],
    )
    assert.equal(decodeRecordBatch(all, a.length).baseOffset, 1)
  })

  it('decodes legacy entries as batches with magic 0 and 1', () => {
    const v0 = fixtureBytes('v0-none')
    const v1 = fixtureBytes('v1-gzip')
    const v2 = encodeRecordBatch({ baseOffset: 50, records: [{ key: null, value: Buffer.from('z'), timestamp: 9 }] })
    const batches = decodeRecordBatches(Buffer.concat([v0, v1, v2]))
    assert.deepEqual(
      batches.map((b) => [b.magic, b.compression, b.recordCount]),
      [
        [0, 0, 1],
        [0, 0, 1],
        [0, 0, 1],
        [1, 1, 4],
        [2, 0, 1],
      ],
    )
  })
})

describe('kafka-python fixtures', () => {
  for (const name of ['v2-none', 'v2-gzip', 'v2-none-idempotent', 'v2-gzip-transactional']) {
    it(`decodes ${name}`, () => {
      const b = decodeRecordBatch(fixtureBytes(name))
      assert.deepEqual(b.records, fixtureRecords(name))
      assert.equal(b.compression, name.includes('gzip') ? CompressionType.Gzip : CompressionType.None)
      assert.equal(b.isTransactional, name.includes('transactional'))
      assert.equal(b.producerId, name.endsWith('none') || name === 'v2-gzip' ? -1 : 42)
    })
  }

  for (const name of ['v2-none', 'v2-none-idempotent']) {
    it(`encodes ${name} byte for byte as kafka-python does`, () => {
      const idempotent = name.endsWith('idempotent')
      const encoded = encodeRecordBatch({
        partitionLeaderEpoch: 0, // kafka-python writes 0
        producerId: idempotent ? 42 : -1,
        producerEpoch: idempotent ? 1 : -1,
        baseSequence: idempotent ? 7 : -1,
        records: fixtureRecords(name),
      })
      assert.equal(encoded.toString('hex'), fixture(name).hex)
    })
  }

  it('decodes legacy message sets of magic 0 and 1, plain and gzip', () => {
    for (const name of ['v0-none', 'v0-gzip', 'v1-none', 'v1-gzip']) {
      const batches = decodeRecordBatches(fixtureBytes(name))
      assert.deepEqual(
        batches.flatMap((b) => b.records),
        fixtureRecords(name),
        name,
      )
    }
  })
})

describe('control batches', () => {
  it('writes a transaction marker with the 4-byte key and the 6-byte value', () => {
    for (const type of ['ABORT', 'COMMIT'] as const) {
      const buf = encodeControlBatch({
        type,
        producerId: 4000,
        producerEpoch: 3,
        coordinatorEpoch: 17,
        timestamp: 1_700_000_000_000,
        baseOffset: 99,
        partitionLeaderEpoch: 5,
      })
      const b = decodeRecordBatch(buf)
      assert.equal(b.isControl, true)
      assert.equal(b.isTransactional, true)
      assert.equal(b.attributes, 0x30)
      assert.equal(b.baseOffset, 99)
      assert.equal(b.partitionLeaderEpoch, 5)
      assert.equal(b.producerId, 4000)
      assert.equal(b.producerEpoch, 3)
      assert.equal(b.baseSequence, -1)
      assert.equal(b.recordCount, 1)
      const r = b.records[0]!
      assert.equal(r.key?.toString('hex'), type === 'COMMIT' ? '00000001' : '00000000')
      assert.equal(r.value?.toString('hex'), '000000000011')
      assert.deepEqual(decodeControlRecordKey(r.key), {
        version: 0,
        type: type === 'COMMIT' ? ControlRecordType.Commit : ControlRecordType.Abort,
      })
      assert.deepEqual(decodeEndTxnMarkerValue(r.value), { version: 0, coordinatorEpoch: 17 })
    }
  })

  it('rejects short control keys and marker values', () => {
    assert.throws(() => decodeControlRecordKey(null), isCorrupt)
    assert.throws(() => decodeControlRecordKey(Buffer.from([0, 0, 0])), isCorrupt)
    assert.throws(() => decodeControlRecordKey(Buffer.from([0xff, 0xff, 0, 0])), isCorrupt)
    assert.throws(() => decodeEndTxnMarkerValue(Buffer.from([0, 0, 0, 0])), isCorrupt)
    assert.deepEqual(decodeControlRecordKey(Buffer.from([0, 1, 0, 6])), { version: 1, type: 6 })
  })
})
