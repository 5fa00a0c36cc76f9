/**
 * Fetch long polling and response sizes against a live broker, over the wire: max_wait_ms and min_bytes
 * (a fetch parks until enough bytes arrive or the wait ends, and then answers with what the log holds),
 * and the KIP-74 limits max_bytes and partition_max_bytes. Times are checked only as generous lower
 * bounds (a fetch that must wait did wait) and far-off upper bounds (a fetch that must wake did not sit
 * out its whole wait).
 */
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import type { FetchResponse, FetchResponsePartitionData } from '../../../src/protocol/generated/fetch.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../../src/server/embed.ts'
import { WireClient } from '../../helpers/kafka-wire.ts'

/** One uncompressed batch with `count` records whose values are `valueBytes` long. */
function batch(tag: string, count = 1, valueBytes = 100): Buffer {
  return encodeRecordBatch({
    records: Array.from({ length: count }, (_, i) => ({
      key: Buffer.from(`${tag}-${i}`),
      value: Buffer.alloc(valueBytes, tag),
      timestamp: Date.now(),
    })),
  })
}

function only(res: FetchResponse): FetchResponsePartitionData {
  assert.equal(res.errorCode, ErrorCode.NONE)
  const p = res.responses[0]?.partitions[0]
  assert.ok(p !== undefined, 'one partition in the response')
  return p
}

function keys(records: Buffer | null): string[] {
  return decodeRecordBatches(records ?? Buffer.alloc(0)).flatMap((b) => b.records.map((r) => r.key!.toString()))
}

describe('Fetch long polling (max_wait_ms, min_bytes)', () => {
  let broker: EmbeddedBroker
  let producer: WireClient
  before(async () => {
    broker = await startBroker()
    producer = await WireClient.connect(broker.port)
    for (const t of ['idle', 'wake', 'accumulate', 'below-min'])
      assert.equal((await producer.createTopic(t, 1)).topics[0]?.errorCode, ErrorCode.NONE)
  })
  after(async () => {
    producer?.close()
    await broker?.close()
  })

  async function produce(topic: string, records: Buffer): Promise<void> {
    const res = await producer.produce(topic, 0, records, { acks: -1 })
    assert.equal(res.errorCode, ErrorCode.NONE)
  }

  it('without data, waits about max_wait_ms and answers empty with the current watermarks', async () => {
    const c = await WireClient.connect(broker.port)
    const started = performance.now()
    const p = only(
      await c.fetchPartitions({
        maxWaitMs: 600,
        minBytes: 1,
        partitions: [{ topic: 'idle', partition: 0, fetchOffset: 0 }],
      }),
    )
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 500, `answered after ${elapsed.toFixed(0)} ms, before max_wait_ms`)
    assert.ok(elapsed < 20_000, `answered after ${elapsed.toFixed(0)} ms`)
    assert.equal(p.errorCode, ErrorCode.NONE)
    assert.equal(p.records?.length ?? 0, 0)
    assert.equal(p.highWatermark, 0)
    c.close()
  })

  it('a parked fetch (min_bytes 1) is answered as soon as a produce arrives, long before max_wait_ms', async () => {
    const c = await WireClient.connect(broker.port)
    const started = performance.now()
    const pending = c.fetchPartitions({
      maxWaitMs: 60_000,
      minBytes: 1,
      partitions: [{ topic: 'wake', partition: 0, fetchOffset: 0 }],
    })
    await sleep(200)
    await produce('wake', batch('w'))
    const p = only(await pending)
    const elapsed = performance.now() - started
    assert.ok(elapsed < 30_000, `answered after ${elapsed.toFixed(0)} ms: not woken by the produce`)
    assert.deepEqual(keys(p.records), ['w-0'])
    assert.equal(p.highWatermark, 1)
    c.close()
  })

  it('answers once the produces together reach min_bytes, before max_wait_ms', async () => {
    const one = batch('a', 1, 400)
    const c = await WireClient.connect(broker.port)
    const started = performance.now()
    const pending = c.fetchPartitions({
      maxWaitMs: 60_000,
      minBytes: one.length * 2 + 10,
      partitions: [{ topic: 'accumulate', partition: 0, fetchOffset: 0 }],
    })
    let answered = false
    void pending.then(() => {
      answered = true
    })
    await sleep(200)
    await produce('accumulate', one)
    await produce('accumulate', batch('b', 1, 400))
    await sleep(300)
    assert.equal(answered, false, 'answered below min_bytes')
    await produce('accumulate', batch('c', 1, 400))
    const p = only(await pending)
    assert.ok(performance.now() - started < 30_000, 'not woken once min_bytes were there')
    assert.deepEqual(keys(p.records), ['a-0', 'b-0', 'c-0'])
    assert.equal(p.highWatermark, 3)
    c.close()
  })

  it('when less than min_bytes arrives during the wait, answers at max_wait_ms with that data and the new high watermark', async () => {
    // Kafka's DelayedFetch reads the log again when the wait ends, whatever the reason.
    await produce('below-min', batch('before'))
    const c = await WireClient.connect(broker.port)
    const started = performance.now()
    const pending = c.fetchPartitions({
      maxWaitMs: 1500,
      minBytes: 5000,
      partitions: [{ topic: 'below-min', partition: 0, fetchOffset: 1 }],
    })
    await sleep(300)
    await produce('below-min', batch('during'))
    const p = only(await pending)
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 1400, `answered after ${elapsed.toFixed(0)} ms, before max_wait_ms`)
    assert.equal(p.highWatermark, 2)
    assert.deepEqual(keys(p.records), ['during-0'])
    c.close()
  })
})

describe('Fetch response sizes (KIP-74: max_bytes, partition_max_bytes)', () => {
  let broker: EmbeddedBroker
  const small: Buffer[] = []
  let big: Buffer
  before(async () => {
    broker = await startBroker()
    const c = await WireClient.connect(broker.port)
    assert.equal((await c.createTopic('sizes', 3)).topics[0]?.errorCode, ErrorCode.NONE)
    assert.equal((await c.createTopic('big-later', 2)).topics[0]?.errorCode, ErrorCode.NONE)
    big = batch('big', 4, 1000)
    for (let partition = 0; partition < 3; partition++) {
      for (let i = 0; i < 4; i++) {
        const b = batch(`p${partition}b${i}`, 2, 200)
        if (partition === 0) small.push(b)
        assert.equal((await c.produce('sizes', partition, b, { acks: -1 })).errorCode, ErrorCode.NONE)
      }
    }
    // big-later: partition 0 stays empty, partition 1 starts with one batch larger than every limit below.
    assert.equal((await c.produce('big-later', 1, big, { acks: -1 })).errorCode, ErrorCode.NONE)
    assert.equal((await c.produce('big-later', 1, batch('after-big'), { acks: -1 })).errorCode, ErrorCode.NONE)
    c.close()
  })
  after(async () => {
    await broker?.close()
  })

  const all = (partitionMaxBytes: number) =>
    [0, 1, 2].map((partition) => ({ topic: 'sizes', partition, fetchOffset: 0, partitionMaxBytes }))

  it('partition_max_bytes caps each partition at whole batches', async () => {
    const c = await WireClient.connect(broker.port)
    const batchBytes = small[0]!.length
    const limit = batchBytes * 2 + Math.floor(batchBytes / 2)
    const res = await c.fetchPartitions({ partitions: all(limit) })
    const parts = res.responses[0]!.partitions
    assert.deepEqual(
      parts.map((p) => keys(p.records)),
      [0, 1, 2].map((n) => [`p${n}b0-0`, `p${n}b0-1`, `p${n}b1-0`, `p${n}b1-1`]),
    )
    for (const p of parts) assert.ok((p.records?.length ?? 0) <= limit)
    c.close()
  })

  it('max_bytes bounds the whole response: later partitions get nothing once the budget is used', async () => {
    const c = await WireClient.connect(broker.port)
    const batchBytes = small[0]!.length
    // Room for five batches: four from partition 0, one from partition 1, none from partition 2.
    const res = await c.fetchPartitions({ maxBytes: batchBytes * 5 + 10, partitions: all(1024 * 1024) })
    const parts = res.responses[0]!.partitions
    assert.deepEqual(
      parts.map((p) => decodeRecordBatches(p.records ?? Buffer.alloc(0)).length),
      [4, 1, 0],
    )
    for (const p of parts) {
      assert.equal(p.errorCode, ErrorCode.NONE)
      assert.equal(p.highWatermark, 8, 'every partition still reports its high watermark')
    }
    c.close()
  })

  it("returns the first non-empty partition's first batch whole even when it exceeds both limits", async () => {
    const c = await WireClient.connect(broker.port)
    const limit = 500
    assert.ok(big.length > limit * 4)
    const res = await c.fetchPartitions({
      maxBytes: limit,
      partitions: [
        { topic: 'big-later', partition: 0, fetchOffset: 0, partitionMaxBytes: limit },
        { topic: 'big-later', partition: 1, fetchOffset: 0, partitionMaxBytes: limit },
        { topic: 'sizes', partition: 0, fetchOffset: 0, partitionMaxBytes: limit },
      ],
    })
    const [empty, first] = res.responses[0]!.partitions
    const later = res.responses[1]!.partitions[0]!
    assert.equal(empty?.records?.length ?? 0, 0)
    assert.equal(first?.records?.length, big.length, 'the oversized batch, whole, and nothing after it')
    assert.deepEqual(keys(first?.records ?? null), ['big-0', 'big-1', 'big-2', 'big-3'])
    assert.equal(later.records?.length ?? 0, 0, 'nothing once the response budget is spent')
    assert.equal(later.highWatermark, 8)
    c.close()
  })

  it('a later partition whose first batch exceeds partition_max_bytes gets nothing', async () => {
    const c = await WireClient.connect(broker.port)
    const res = await c.fetchPartitions({
      partitions: [
        { topic: 'sizes', partition: 0, fetchOffset: 0, partitionMaxBytes: 1024 * 1024 },
        { topic: 'big-later', partition: 1, fetchOffset: 0, partitionMaxBytes: 500 },
      ],
    })
    assert.equal(decodeRecordBatches(res.responses[0]!.partitions[0]!.records ?? Buffer.alloc(0)).length, 4)
    assert.deepEqual(decodeRecordBatches(res.responses[1]!.partitions[0]!.records ?? Buffer.alloc(0)), [])
    c.close()
  })
})
