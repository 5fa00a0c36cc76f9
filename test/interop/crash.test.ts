/**
 * Crash safety: a producer (our own Produce v9 requests, acks=1, pipelined on several connections,
 * plain and gzip batches) writes while the broker process is killed with SIGKILL; the broker is started
 * again on the same data directory. Every acknowledged record must be readable at its acknowledged
 * offset with its key and value, offsets must be dense from 0 (no holes), no record may be stored twice,
 * and new records take the next offsets. Six crash cycles, with small segments so that rolls and index
 * writes are in flight when the kill lands.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeProduceResponse, encodeProduceRequest } from '../../src/protocol/generated/produce.ts'
import { readResponseHeader } from '../../src/protocol/headers.ts'
import { Reader } from '../../src/protocol/primitives/reader.ts'
import { CompressionType } from '../../src/protocol/records/compression/index.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import {
  ConnectionClosedError,
  produceRequest,
  readPartition,
  requestFrame,
  type StoredRecord,
  WireClient,
} from '../helpers/kafka-wire.ts'

const TOPIC = 'crash'
const PARTITIONS = 3
const CONNECTIONS = 4
const PIPELINE_DEPTH = 16
const PRODUCE_VERSION = 9
/** Records acknowledged before the kill is sent, per cycle; more are acknowledged while it lands. */
const CYCLES = 6
const ACKED_BEFORE_KILL = 2000

interface Acked {
  partition: number
  offset: number
  key: string
  value: string
}

interface Sent {
  correlationId: number
  partition: number
  records: { key: string; value: string }[]
}

/**
 * Keeps PIPELINE_DEPTH Produce requests in flight on each connection until the broker goes away; once
 * `killAfter` records are acknowledged, `kill` is called (once) while requests are still in flight.
 * Returns every record the broker acknowledged, at the offset it acknowledged.
 */
async function produceUntilKilled(port: number, cycle: number, killAfter: number, kill: () => Promise<void>) {
  const acked: Acked[] = []
  let killing: Promise<void> | null = null
  let seq = 0
  const connection = async (conn: number): Promise<void> => {
    const client = await WireClient.connect(port)
    const inFlight: Sent[] = []
    const sendOne = (): void => {
      const n = 1 + (seq % 40)
      const partition = seq % PARTITIONS
      const records = Array.from({ length: n }, (_, i) => ({
        key: `k${(seq + i) % 101}`,
        value: `c${cycle}-n${conn}-s${seq}-i${i}-${'x'.repeat((seq * 7 + i) % 200)}`,
      }))
      const batch = encodeRecordBatch({
        compression: seq % 3 === 0 ? CompressionType.Gzip : CompressionType.None,
        records: records.map((r, i) => ({
          key: Buffer.from(r.key),
          value: Buffer.from(r.value),
          headers: [{ key: 'i', value: Buffer.from(String(i)) }],
          timestamp: Date.now(),
        })),
      })
      seq++
      const correlationId = client.correlationId()
      inFlight.push({ correlationId, partition, records })
      client.send(
        requestFrame(ApiKey.Produce, PRODUCE_VERSION, correlationId, (w) =>
          encodeProduceRequest(w, PRODUCE_VERSION, produceRequest(TOPIC, partition, batch, 1)),
        ),
      )
    }
    try {
      for (let i = 0; i < PIPELINE_DEPTH; i++) sendOne()
      for (;;) {
        const frame = await client.nextFrame()
        const sent = inFlight.shift()!
        const r = new Reader(frame)
        assert.equal(readResponseHeader(r, ApiKey.Produce, PRODUCE_VERSION), sent.correlationId)
        const p = decodeProduceResponse(r, PRODUCE_VERSION).responses[0]!.partitionResponses[0]!
        assert.equal(p.errorCode, 0, `produce to ${TOPIC}-${sent.partition} failed before the crash`)
        sent.records.forEach((rec, i) => {
          acked.push({ partition: sent.partition, offset: p.baseOffset + i, ...rec })
        })
        if (acked.length >= killAfter && killing === null) killing = kill()
        if (killing === null) sendOne()
      }
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) throw err
    } finally {
      client.close()
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => connection(i)))
  await killing
  return acked
}

/** The whole log; `acked` names the acknowledged records among the holes, should there be any. */
async function readLog(port: number, acked: Acked[] = []): Promise<Map<number, StoredRecord[]>> {
  const out = new Map<number, StoredRecord[]>()
  for (let p = 0; p < PARTITIONS; p++) {
    const { records, highWatermark, logStartOffset, holes } = await readPartition(port, TOPIC, p)
    assert.equal(logStartOffset, 0)
    if (holes.length > 0) {
      const lost = acked.filter((a) => a.partition === p && holes.includes(a.offset)).map((a) => a.offset)
      assert.fail(
        `partition ${p}: offsets ${holes[0]}..${holes.at(-1)} (${holes.length}) below the high watermark ` +
          `${highWatermark} hold no record; ${lost.length} of them were acknowledged: ${lost.join(',')}`,
      )
    }
    assert.equal(records.length, highWatermark, `partition ${p}: one record per offset up to the high watermark`)
    for (const [i, r] of records.entries()) assert.equal(r.offset, i, `partition ${p}: offsets dense and monotonic`)
    out.set(p, records)
  }
  return out
}

function checkAcked(log: Map<number, StoredRecord[]>, acked: Acked[], label: string): void {
  const values = new Set<string>()
  for (const [p, records] of log) {
    for (const r of records) {
      assert.ok(r.value !== null && !values.has(r.value), `${label}: ${p}@${r.offset} stored once`)
      values.add(r.value)
    }
  }
  for (const a of acked) {
    const r = log.get(a.partition)?.[a.offset]
    assert.ok(r !== undefined, `${label}: acknowledged ${a.partition}@${a.offset} is in the log`)
    assert.deepEqual(
      { key: r.key, value: r.value },
      { key: a.key, value: a.value },
      `${label}: ${a.partition}@${a.offset}`,
    )
  }
}

describe('kill -9 while a producer writes (acks=1)', () => {
  let broker: BrokerProcess
  const acked: Acked[] = []

  before(async () => {
    broker = await BrokerProcess.start({
      overrides: { 'log.segment.bytes': String(16 * 1024), 'log.index.interval.bytes': '1024' },
    })
    const c = await WireClient.connect(broker.port)
    const res = await c.createTopic(TOPIC, PARTITIONS)
    c.close()
    assert.equal(res.topics[0]?.errorCode, 0)
  })
  after(async () => {
    await broker?.close()
  })

  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    it(`cycle ${cycle}: every acknowledged record survives the kill at its offset, offsets stay dense`, async (t) => {
      const before = await readLog(broker.port)
      const ends = [...before.values()].map((r) => r.length)
      const got = await produceUntilKilled(broker.port, cycle, ACKED_BEFORE_KILL, () => broker.kill())
      assert.ok(got.length >= ACKED_BEFORE_KILL)
      for (const a of got) {
        assert.ok(a.offset >= ends[a.partition]!, `cycle ${cycle}: new records take offsets after the old end`)
      }
      acked.push(...got)
      await broker.startAgain()
      const log = await readLog(broker.port, acked)
      checkAcked(log, acked, `after crash ${cycle}`)
      const stored = [...log.values()].reduce((n, r) => n + r.length, 0) - ends.reduce((n, e) => n + e, 0)
      t.diagnostic(
        `${got.length} records acknowledged in this cycle, ${stored} stored (unacknowledged ones may be kept)`,
      )
      for (const [p, records] of before) {
        assert.deepEqual(log.get(p)!.slice(0, records.length), records, `cycle ${cycle}: partition ${p} unchanged`)
      }
    })
  }

  it('after the crashes, new records take the next offsets and a graceful restart keeps everything', async () => {
    const before = await readLog(broker.port)
    const c = await WireClient.connect(broker.port)
    for (let p = 0; p < PARTITIONS; p++) {
      const res = await c.produce(
        TOPIC,
        p,
        encodeRecordBatch({
          records: [{ key: Buffer.from('after'), value: Buffer.from(`after-${p}`), timestamp: Date.now() }],
        }),
        { acks: 1 },
      )
      assert.equal(res.errorCode, 0)
      assert.equal(res.baseOffset, before.get(p)!.length, `partition ${p}: the next offset`)
      acked.push({ partition: p, offset: res.baseOffset, key: 'after', value: `after-${p}` })
    }
    c.close()
    await broker.restart()
    checkAcked(await readLog(broker.port, acked), acked, 'after a graceful restart')
    assert.deepEqual(broker.rawLines, [])
  })
})
