import fs from 'node:fs'
import { join } from 'node:path'
import { crc32c } from '../protocol/records/crc32c.ts'
import { writeFileAtomic } from './file-io.ts'
import { baseOffsetFromFileName, offsetFileNamePrefix, SNAPSHOT_FILE_SUFFIX } from './log-file-names.ts'
import { lastDataOffsetOf, lastSeqOf, type ProducerStateEntry } from './producer-state.ts'

/**
 * Kafka's producer state snapshot, `<20-digit offset>.snapshot` (ProducerSnapshot.json, version 1): the
 * state of every producer after the records below that offset. Layout, big-endian:
 *
 *   int16 version (1) · uint32 crc (CRC-32C of everything after it) · int32 entry count · entries of
 *   int64 producerId, int16 epoch, int32 lastSequence, int64 lastOffset, int32 offsetDelta,
 *   int64 timestamp, int32 coordinatorEpoch, int64 currentTxnFirstOffset (-1 = none)
 *
 * Only the producer's last batch is kept (as in Kafka): duplicates of older batches are detected again
 * only from records replayed after the snapshot.
 */
export const PRODUCER_SNAPSHOT_VERSION = 1
const HEADER_BYTES = 2 + 4 + 4
const ENTRY_BYTES = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8
const CRC_FROM = 6
const TWO_POW_32 = 4294967296

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_POW_32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * TWO_POW_32, pos + 4)
}

function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4)
}

export function snapshotFilePath(dir: string, offset: number): string {
  return join(dir, offsetFileNamePrefix(offset) + SNAPSHOT_FILE_SUFFIX)
}

export function encodeProducerSnapshot(entries: Iterable<ProducerStateEntry>): Buffer {
  const list = [...entries]
  const buf = Buffer.alloc(HEADER_BYTES + list.length * ENTRY_BYTES)
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0)
  buf.writeInt32BE(list.length, 6)
  let p = HEADER_BYTES
  for (const e of list) {
    const last = e.batches.at(-1)
    writeInt64(buf, p, e.producerId)
    buf.writeInt16BE(e.producerEpoch, p + 8)
    buf.writeInt32BE(lastSeqOf(e), p + 10)
    writeInt64(buf, p + 14, lastDataOffsetOf(e))
    buf.writeInt32BE(last?.offsetDelta ?? 0, p + 22)
    writeInt64(buf, p + 26, e.lastTimestamp)
    buf.writeInt32BE(e.coordinatorEpoch, p + 34)
    writeInt64(buf, p + 38, e.currentTxnFirstOffset)
    p += ENTRY_BYTES
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_FROM)), 2)
  return buf
}

/** The entries of a snapshot, or an error message when it is not a valid version 1 snapshot. */
export function decodeProducerSnapshot(buf: Buffer): ProducerStateEntry[] | string {
  if (buf.length < HEADER_BYTES) return 'snapshot shorter than its header'
  const version = buf.readInt16BE(0)
  if (version !== PRODUCER_SNAPSHOT_VERSION) return `unknown snapshot version ${version}`
  const crc = buf.readUInt32BE(2)
  const computed = crc32c(buf.subarray(CRC_FROM))
  if (crc !== computed) return `snapshot CRC mismatch (stored ${crc}, computed ${computed})`
  const count = buf.readInt32BE(6)
  if (count < 0 || HEADER_BYTES + count * ENTRY_BYTES !== buf.length)
    return `snapshot holds ${count} entries in ${buf.length} bytes`
  const out: ProducerStateEntry[] = []
  for (let i = 0, p = HEADER_BYTES; i < count; i++, p += ENTRY_BYTES) {
    const lastOffset = readInt64(buf, p + 14)
    const timestamp = readInt64(buf, p + 26)
    out.push({
      producerId: readInt64(buf, p),
      producerEpoch: buf.readInt16BE(p + 8),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      lastTimestamp: timestamp,
      currentTxnFirstOffset: readInt64(buf, p + 38),
      batches:
        lastOffset >= 0
          ? [{ lastSeq: buf.readInt32BE(p + 10), lastOffset, offsetDelta: buf.readInt32BE(p + 22), timestamp }]
          : [],
    })
  }
  return out
}

/** Snapshot offsets in `dir`, ascending (start-up only). */
export function listSnapshotOffsetsSync(dir: string): number[] {
  const out: number[] = []
  for (const name of fs.readdirSync(dir)) {
    const offset = baseOffsetFromFileName(name, SNAPSHOT_FILE_SUFFIX)
    if (offset !== null) out.push(offset)
  }
  return out.sort((a, b) => a - b)
}

export function writeProducerSnapshot(dir: string, offset: number, data: Buffer): Promise<void> {
  return writeFileAtomic(snapshotFilePath(dir, offset), data)
}

export async function deleteProducerSnapshot(dir: string, offset: number): Promise<void> {
  await fs.promises.rm(snapshotFilePath(dir, offset), { force: true })
}
