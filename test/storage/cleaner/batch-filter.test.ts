import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CompressionType } from '../../../src/protocol/records/compression/index.ts'
import { isBatchCrcValid } from '../../../src/protocol/records/record-batch.ts'
import { decodeRecordBatch, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { FilterOutcome, filterBatch } from '../../../src/storage/cleaner/batch-filter.ts'
import { OffsetMap } from '../../../src/storage/cleaner/offset-map.ts'

const NOW = 1_700_000_000_000

function batch(
  records: [string | null, string | null][],
  baseOffset: number,
  compression: CompressionType = CompressionType.None,
): Buffer {
  return encodeRecordBatch({
    baseOffset,
    compression,
    producerId: 9,
    producerEpoch: 1,
    baseSequence: 5,
    partitionLeaderEpoch: 3,
    records: records.map(([k, v], i) => ({
      key: k === null ? null : Buffer.from(k),
      value: v === null ? null : Buffer.from(v),
      headers: [{ key: 'h', value: Buffer.from(String(i)) }],
      timestamp: NOW + i * 10,
    })),
  })
}

function mapOf(entries: [string, number][]): OffsetMap {
  const map = new OffsetMap(1 << 20)
  for (const [k, o] of entries) map.put(Buffer.from(k), 0, k.length, o)
  return map
}

const ctx = (map: OffsetMap, nowMs = NOW) => ({
  map,
  nowMs,
  deleteRetentionMs: 1000,
  logStartOffset: 0,
  decompressedBytesMax: 1 << 20,
})

describe('batch filter', () => {
  for (const codec of [CompressionType.None, CompressionType.Gzip, CompressionType.Zstd]) {
    it(`rebuilds a batch with only the latest records, offsets and headers intact (codec ${codec})`, () => {
      const b = batch(
        [
          ['a', '1'],
          ['b', '2'],
          ['a', '3'],
          [null, 'keyless'],
          ['c', '5'],
        ],
        100,
        codec,
      )
      const r = filterBatch(
        b,
        0,
        ctx(
          mapOf([
            ['a', 102],
            ['b', 200],
            ['c', 104],
          ]),
        ),
      )
      assert.equal(r.outcome, FilterOutcome.Rewrite)
      assert.equal(r.recordsRemoved, 3)
      const out = r.batch!
      assert.ok(isBatchCrcValid(out))
      const d = decodeRecordBatch(out)
      assert.equal(d.compression, codec)
      assert.deepEqual(
        d.records.map((x) => [
          x.offset,
          x.key?.toString(),
          x.value?.toString(),
          x.timestamp,
          x.headers[0]?.value?.toString(),
        ]),
        [
          [102, 'a', '3', NOW + 20, '2'],
          [104, 'c', '5', NOW + 40, '4'],
        ],
      )
      // Kafka keeps a v2 batch's base offset and last offset delta when it drops records
      // (buildRetainedRecordsInto), so the producer's sequence range still maps to the batch.
      assert.deepEqual(
        [d.baseOffset, d.lastOffsetDelta, d.producerId, d.producerEpoch, d.baseSequence, d.partitionLeaderEpoch],
        [100, 4, 9, 1, 5, 3],
      )
      assert.equal(d.maxTimestamp, NOW + 40)
    })
  }

  it('keeps a batch byte for byte when every record stays and it holds no tombstone', () => {
    const b = batch(
      [
        ['a', '1'],
        ['b', '2'],
      ],
      0,
    )
    const r = filterBatch(b, 0, ctx(mapOf([['a', 0]])))
    assert.equal(r.outcome, FilterOutcome.Keep)
  })

  it('gives a tombstone a delete horizon first, removes it once the horizon passed', () => {
    const b = batch([['a', null]], 7)
    const first = filterBatch(b, 0, ctx(mapOf([['a', 7]])))
    assert.equal(first.outcome, FilterOutcome.Rewrite)
    assert.equal(first.deleteHorizonMs, NOW + 1000)
    const d = decodeRecordBatch(first.batch!)
    assert.equal(d.attributes & 0x40, 0x40)
    assert.equal(d.baseTimestamp, NOW + 1000, 'baseTimestamp holds the horizon')
    assert.equal(d.records[0]!.timestamp, NOW, 'the record keeps its own timestamp')
    const kept = filterBatch(first.batch!, 0, ctx(mapOf([['a', 7]]), NOW + 999))
    assert.equal(kept.outcome, FilterOutcome.Keep)
    const gone = filterBatch(first.batch!, 0, ctx(mapOf([['a', 7]]), NOW + 1000))
    assert.equal(gone.outcome, FilterOutcome.Drop)
  })

  it('drops a batch whose records were all superseded', () => {
    const r = filterBatch(batch([['a', '1']], 0), 0, ctx(mapOf([['a', 5]])))
    assert.equal(r.outcome, FilterOutcome.Drop)
  })
})
