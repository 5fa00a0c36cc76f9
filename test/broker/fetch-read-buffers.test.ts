/**
 * Fetch reads land in pooled buffers that go back to the pool once the response is written. A buffer
 * given back too early would be refilled by another read while the socket still sends it, and a client
 * would get another partition's bytes or a batch failing its CRC. Many clients fetch overlapping ranges
 * at once, some stop reading for a while (their responses wait in the broker's socket buffers) and others
 * drop their connections mid-request; every batch must arrive intact and hold exactly the records stored
 * at its offsets.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { WireClient } from '../helpers/kafka-wire.ts'

const TOPIC = 'read-buffers'
const PARTITIONS = 2
const BATCHES = 200
const RECORDS_PER_BATCH = 10
const VALUE_BYTES = 1500
const SEED = Number(process.env['SAMSA_FUZZ_SEED'] ?? 20261122)

/** The value stored at `offset` of `partition`: unique per partition and offset, easy to recognise. */
function valueAt(partition: number, offset: number): string {
  return `${partition}:${offset}:`.padEnd(VALUE_BYTES, String.fromCharCode(97 + ((offset + partition * 7) % 26)))
}

describe('Fetch read buffers', () => {
  let broker: EmbeddedBroker
  before(async () => {
    broker = await startBroker()
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic(TOPIC, PARTITIONS)).topics[0]?.errorCode, ErrorCode.NONE)
    for (let p = 0; p < PARTITIONS; p++) {
      for (let b = 0; b < BATCHES; b++) {
        const base = b * RECORDS_PER_BATCH
        const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
          key: null,
          value: Buffer.from(valueAt(p, base + i)),
          timestamp: 1_700_000_000_000 + base + i,
        }))
        const res = await c.produce(TOPIC, p, encodeRecordBatch({ records }), { acks: 1 })
        assert.equal(res.errorCode, ErrorCode.NONE)
        assert.equal(res.baseOffset, base)
      }
    }
    c.close()
  })
  after(async () => {
    await broker?.close()
  })

  it('serves every batch intact while other clients fetch and drop their connections', async () => {
    const endOffset = BATCHES * RECORDS_PER_BATCH
    const fetches = fc.sample(
      fc.record({
        partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
        offset: fc.integer({ min: 0, max: endOffset - 1 }),
        maxBytes: fc.integer({ min: 40_000, max: 1_500_000 }),
        dropConnection: fc.boolean(),
        // The reader stops reading for a while: the response waits in the broker's socket buffers,
        // still referring to the read buffers, while other fetches need buffers of the same size.
        stallMs: fc.constantFrom(0, 0, 20, 60),
      }),
      { numRuns: 240, seed: SEED },
    )
    const readers = await Promise.all(Array.from({ length: 6 }, () => WireClient.connect(broker.port)))
    let checkedRecords = 0
    const check = (partition: number, records: Buffer | null | undefined): void => {
      const batches = decodeRecordBatches(records ?? Buffer.alloc(0)) // throws on a CRC mismatch
      assert.ok(batches.length > 0, `data in partition ${partition}`)
      for (const batch of batches) {
        for (const r of batch.records) {
          assert.equal(r.value?.toString(), valueAt(partition, r.offset), `record ${partition}/${r.offset}`)
          checkedRecords++
        }
      }
    }
    const verify = async (reader: WireClient, f: (typeof fetches)[number]): Promise<void> => {
      // A stalled reader has several large responses pending at once: more than the kernel buffers of a
      // loopback connection hold, so part of them waits in the broker's process.
      const offsets = f.stallMs > 0 ? Array.from({ length: 8 }, (_, k) => (f.offset + k * 97) % endOffset) : [f.offset]
      if (f.stallMs > 0) {
        reader.socket.pause()
        setTimeout(() => reader.socket.resume(), f.stallMs)
      }
      const responses = await Promise.all(
        offsets.map((offset) => reader.fetch(TOPIC, f.partition, offset, { maxBytes: f.maxBytes })),
      )
      for (const res of responses) {
        const p = res.responses[0]?.partitions[0]
        assert.equal(p?.errorCode, ErrorCode.NONE)
        check(f.partition, p?.records)
      }
    }
    const drop = async (f: (typeof fetches)[number]): Promise<void> => {
      const c = await WireClient.connect(broker.port)
      const pending = c.fetch(TOPIC, f.partition, f.offset, { maxBytes: f.maxBytes }).catch(() => undefined)
      setImmediate(() => c.close())
      await pending
    }
    let next = 0
    await Promise.all(
      readers.map(async (reader) => {
        while (next < fetches.length) {
          const f = fetches[next++]!
          await Promise.all([verify(reader, f), f.dropConnection ? drop(f) : Promise.resolve()])
        }
      }),
    )
    for (const r of readers) r.close()
    assert.ok(checkedRecords > fetches.length * RECORDS_PER_BATCH, `${checkedRecords} records checked`)
  })
})
