/**
 * Idempotence across kill -9 of the broker, over the wire (our own InitProducerId and Produce v9): an
 * idempotent producer writes batches of five records to a topic whose small segments roll every two
 * batches, each roll taking a producer-state snapshot. The broker is killed once the recovery point
 * checkpoint reached the newest snapshot, then started again on the same data directory. It rebuilds the
 * producer's state from that snapshot plus a replay of the log after it, and then:
 *
 * - a retried batch is answered with its original offset and appends nothing: the producer's batch the
 *   snapshot holds, and the batches the replay found;
 * - a batch older than those (a snapshot keeps one batch per producer, as Kafka's does), and one leaving
 *   a gap, are OUT_OF_ORDER_SEQUENCE_NUMBER; the next sequence is appended at the log end;
 * - InitProducerId hands out producer ids never handed out before the kill.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { readPartition, WireClient } from '../helpers/kafka-wire.ts'

const TOPIC = 'idempotence-crash'
const BATCHES = 14
const RECORDS_PER_BATCH = 5

/** Batch `n` of producer `producerId`: sequences n*5 .. n*5+4. */
function batch(producerId: number, n: number): Buffer {
  return encodeRecordBatch({
    producerId,
    producerEpoch: 0,
    baseSequence: n * RECORDS_PER_BATCH,
    records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
      key: null,
      value: Buffer.from(`b${n}|r${i}|${'x'.repeat(40)}`),
      timestamp: Date.now(),
    })),
  })
}

/** Offsets of the `.snapshot` files of the topic's partition 0. */
function snapshotOffsets(dataDir: string): number[] {
  return readdirSync(join(dataDir, `${TOPIC}-0`))
    .filter((f) => f.endsWith('.snapshot'))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b)
}

/** The topic's partition 0 offset in recovery-point-offset-checkpoint, or -1. */
function checkpointedRecoveryPoint(dataDir: string): number {
  let text: string
  try {
    text = readFileSync(join(dataDir, 'recovery-point-offset-checkpoint'), 'utf8')
  } catch {
    return -1
  }
  const line = text.split('\n').find((l) => l.startsWith(`${TOPIC} 0 `))
  return line === undefined ? -1 : Number(line.split(' ')[2])
}

describe('idempotent producer state across kill -9', () => {
  let broker: BrokerProcess
  before(async () => {
    broker = await BrokerProcess.start({
      overrides: { 'log.flush.offset.checkpoint.interval.ms': '100', 'log.initial.task.delay.ms': '0' },
    })
  })
  after(async () => {
    await broker?.close()
  })

  it('answers retried batches with their original offsets from the snapshot and the replay; gaps and old sequences are refused; producer ids are not reused', async () => {
    const client = await WireClient.connect(broker.port)
    const created = await client.createTopic(TOPIC, 1, { configs: { 'segment.bytes': '900' } })
    assert.equal(created.topics[0]?.errorCode, ErrorCode.NONE)
    const issued: number[] = []
    for (let i = 0; i < 3; i++) issued.push((await client.initProducerId(null)).producerId)
    const producerId = issued[1]!
    const offsets: number[] = []
    for (let n = 0; n < BATCHES; n++) {
      const r = await client.produce(TOPIC, 0, batch(producerId, n))
      assert.equal(r.errorCode, ErrorCode.NONE)
      offsets.push(r.baseOffset)
    }
    const logEnd = BATCHES * RECORDS_PER_BATCH
    assert.equal(offsets.at(-1), logEnd - RECORDS_PER_BATCH)
    // The newest snapshot (written in the background at the last roll) and the recovery point behind it.
    let snapshot = -1
    while (snapshot < 0 || checkpointedRecoveryPoint(broker.dataDir) < snapshot) {
      await new Promise<void>((resolve) => setTimeout(resolve, 50))
      const files = readdirSync(join(broker.dataDir, `${TOPIC}-0`))
      if (!files.some((f) => f.endsWith('.snapshot.tmp'))) snapshot = snapshotOffsets(broker.dataDir).at(-1) ?? -1
    }
    const replayed = offsets.flatMap((o, n) => (o >= snapshot ? [n] : []))
    const lastInSnapshot = replayed[0]! - 1
    assert.ok(lastInSnapshot >= 1 && replayed.length >= 2, `a snapshot at ${snapshot} amid ${offsets}`)
    client.close()
    await broker.kill()

    const linesBeforeRestart = broker.logLines.length
    await broker.startAgain()
    const rebuilt = broker.logLines
      .slice(linesBeforeRestart)
      .find((l) => l['msg'] === 'rebuilt producer state' && l['topic'] === TOPIC)
    assert.equal(rebuilt?.['fromOffset'], snapshot, 'loaded the snapshot and replayed the log after it')

    const again = await WireClient.connect(broker.port)
    try {
      // The snapshot's batch of the producer, then batches the replay found.
      for (const n of [lastInSnapshot, ...replayed]) {
        const r = await again.produce(TOPIC, 0, batch(producerId, n))
        assert.deepEqual([r.errorCode, r.baseOffset], [ErrorCode.NONE, offsets[n]], `batch ${n} retried`)
      }
      // As in Kafka, a snapshot keeps each producer's last batch only: earlier ones are no longer known.
      const older = await again.produce(TOPIC, 0, batch(producerId, lastInSnapshot - 1))
      assert.equal(older.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'older than the batch in the snapshot')
      const gap = await again.produce(TOPIC, 0, batch(producerId, BATCHES + 1))
      assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'a sequence gap')
      const next = await again.produce(TOPIC, 0, batch(producerId, BATCHES))
      assert.deepEqual([next.errorCode, next.baseOffset], [ErrorCode.NONE, logEnd])

      const fresh: number[] = []
      for (let i = 0; i < 3; i++) fresh.push((await again.initProducerId(null)).producerId)
      assert.ok(
        fresh.every((id) => id > Math.max(...issued)),
        `new producer ids ${fresh} after the ids handed out before the kill ${issued}`,
      )
    } finally {
      again.close()
    }
    const { records, holes } = await readPartition(broker.port, TOPIC, 0)
    assert.deepEqual(holes, [])
    assert.equal(records.length, logEnd + RECORDS_PER_BATCH, 'nothing stored twice')
    assert.deepEqual(
      records.map((r) => r.value!.slice(0, r.value!.indexOf('|x'))),
      Array.from({ length: BATCHES + 1 }, (_, n) =>
        Array.from({ length: RECORDS_PER_BATCH }, (_, i) => `b${n}|r${i}`),
      ).flat(),
    )
  })
})
