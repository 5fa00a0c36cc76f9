/**
 * A record batch v2 written out byte by byte from the layout (PROTOCOL-CLIENTS.md §3, Kafka's
 * DefaultRecordBatch), including its CRC-32C, and compared with what the encoder produces.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isBatchCrcValid } from '../../../src/protocol/records/record-batch.ts'
import { decodeRecordBatch, encodeRecordBatch } from '../../../src/protocol/records/records.ts'

/** Bitwise CRC-32C (reflected polynomial 0x82F63B78), independent of the native implementation. */
function crc32cBitwise(data: Buffer): number {
  let crc = 0xffffffff
  for (const byte of data) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

// Two records: key "k", value "v1", header h="x" at 1700000000000; then null key, value "v2", one ms earlier.
const RECORD_1 = hex(
  [
    '1a', // length 13 (zig-zag varint)
    '00', // attributes
    '00', // timestampDelta 0
    '00', // offsetDelta 0
    '02 6b', // key length 1, "k"
    '04 76 31', // value length 2, "v1"
    '02', // 1 header
    '02 68', // header key length 1, "h"
    '02 78', // header value length 1, "x"
  ].join(''),
)
const RECORD_2 = hex('10 00 01 02 01 04 76 32 00') // length 8, attributes, tsDelta -1, offsetDelta 1, null key, "v2", 0 headers

const CRC = 'b4953823' // CRC-32C of attributes..end, also computed by kafka-python's pure-Python crc32c

const GOLDEN = hex(
  [
    '00 00 00 00 00 00 00 0a', //  0 baseOffset 10
    '00 00 00 48', //              8 batchLength 72
    '00 00 00 03', //             12 partitionLeaderEpoch 3
    '02', //                      16 magic 2
    CRC, //                       17 crc
    '00 00', //                   21 attributes: no compression, CreateTime
    '00 00 00 01', //             23 lastOffsetDelta 1
    '00 00 01 8b cf e5 68 00', // 27 baseTimestamp 1700000000000
    '00 00 01 8b cf e5 68 00', // 35 maxTimestamp 1700000000000
    '00 00 00 00 00 00 00 2a', // 43 producerId 42
    '00 01', //                   51 producerEpoch 1
    '00 00 00 07', //             53 baseSequence 7
    '00 00 00 02', //             57 recordsCount 2
    RECORD_1.toString('hex'), //  61 records
    RECORD_2.toString('hex'),
  ].join(''),
)

describe('record batch v2, byte by byte', () => {
  it('the hand-written records match their annotated layout', () => {
    assert.equal(RECORD_1.toString('hex'), '1a000000026b0476310202680278')
    assert.equal(RECORD_2.length, 9)
  })

  it('the hand-written CRC is the CRC-32C of bytes 21..end', () => {
    assert.equal(GOLDEN.length, 84) // 61-byte header + 23 bytes of records; batchLength 0x48 = 84 - 12
    assert.equal(crc32cBitwise(GOLDEN.subarray(21)).toString(16).padStart(8, '0'), CRC)
    assert.ok(isBatchCrcValid(GOLDEN))
  })

  it('encodeRecordBatch produces exactly these bytes', () => {
    const encoded = encodeRecordBatch({
      baseOffset: 10, //                              offset 0: baseOffset
      partitionLeaderEpoch: 3, //                     offset 12
      producerId: 42, //                              offset 43
      producerEpoch: 1, //                            offset 51
      baseSequence: 7, //                             offset 53
      records: [
        {
          key: Buffer.from('k'),
          value: Buffer.from('v1'),
          headers: [{ key: 'h', value: Buffer.from('x') }],
          timestamp: 1700000000000,
        },
        { key: null, value: Buffer.from('v2'), timestamp: 1699999999999 },
      ],
    })
    assert.equal(encoded.toString('hex'), GOLDEN.toString('hex'))
  })

  it('decodeRecordBatch reads every field back', () => {
    const b = decodeRecordBatch(GOLDEN)
    assert.deepEqual(
      { ...b, records: undefined },
      {
        baseOffset: 10,
        batchLength: 72,
        partitionLeaderEpoch: 3,
        magic: 2,
        crc: 0xb4953823,
        attributes: 0,
        compression: 0,
        timestampType: 0,
        isTransactional: false,
        isControl: false,
        lastOffsetDelta: 1,
        baseTimestamp: 1700000000000,
        maxTimestamp: 1700000000000,
        producerId: 42,
        producerEpoch: 1,
        baseSequence: 7,
        recordCount: 2,
        records: undefined,
      },
    )
    assert.deepEqual(b.records, [
      {
        offset: 10,
        timestamp: 1700000000000,
        key: Buffer.from('k'),
        value: Buffer.from('v1'),
        headers: [{ key: 'h', value: Buffer.from('x') }],
      },
      { offset: 11, timestamp: 1699999999999, key: null, value: Buffer.from('v2'), headers: [] },
    ])
  })
})
