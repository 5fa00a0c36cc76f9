/**
 * One record batch (magic 2) written out by hand, for the byte-exact Produce and Fetch tests: one record
 * with key "k", value "v", header h="x", CreateTime 1700000000000, no producer id, no compression.
 * The CRC-32C literal is checked against an independent bitwise implementation (crc32cReference).
 */
import { hex, utf8 } from './hex.ts'

export const BATCH_TIMESTAMP = 1_700_000_000_000

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit: slow, obviously right. */
export function crc32cReference(data: Buffer): number {
  let crc = 0xffffffff
  for (const byte of data) {
    crc ^= byte
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

/** The part of the batch the CRC covers: attributes to the end. */
export const BATCH_CRC_COVERED = hex(
  '00 00', // attributes: no compression, CreateTime, not transactional, not control
  '00 00 00 00', // last_offset_delta = 0
  '00 00 01 8b cf e5 68 00', // base_timestamp = 1700000000000
  '00 00 01 8b cf e5 68 00', // max_timestamp
  'ff ff ff ff ff ff ff ff', // producer_id = -1
  'ff ff', // producer_epoch = -1
  'ff ff ff ff', // base_sequence = -1
  '00 00 00 01', // records: 1
  '18', //   length: varint zigzag(12)
  '00', //   attributes
  '00', //   timestamp_delta: varlong 0
  '00', //   offset_delta: varint 0
  '02',
  utf8('k'), //   key: varint length 1 + bytes
  '02',
  utf8('v'), //   value
  '02', //   headers: 1
  '02',
  utf8('h'), //     header key
  '02',
  utf8('x'), //     header value
)

export const BATCH_CRC = 0x5e93538d

/** The whole batch as a producer sends it (base offset 0, partition leader epoch -1). */
export const HAND_BATCH = hex(
  '00 00 00 00 00 00 00 00', // base_offset = 0 (the broker assigns it)
  '00 00 00 3e', // batch_length = 62: everything after this field
  'ff ff ff ff', // partition_leader_epoch = -1 (the broker sets it)
  '02', // magic = 2
  '5e 93 53 8d', // crc: CRC-32C of the bytes below
  BATCH_CRC_COVERED,
)

/** The batch as the broker stores and serves it: base offset and leader epoch rewritten, CRC untouched. */
export function storedBatch(baseOffset: number, leaderEpoch: number): Buffer {
  const b = Buffer.from(HAND_BATCH)
  b.writeBigInt64BE(BigInt(baseOffset), 0)
  b.writeInt32BE(leaderEpoch, 12)
  return b
}
