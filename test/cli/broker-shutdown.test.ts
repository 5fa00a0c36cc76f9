/**
 * `samsa broker` shuts down gracefully on SIGTERM and on SIGINT, as Kafka's broker does: a long-poll
 * Fetch in flight is answered at once (not at its max wait), new connections are refused, idle ones are
 * closed, the process exits 0, and the checkpoint files and the clean-shutdown marker are on disk with
 * the final offsets. The next start trusts them (no segment is recovered) and offsets continue.
 */
import assert from 'node:assert/strict'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { readPartition, WireClient } from '../helpers/kafka-wire.ts'

const TOPIC = 'shutdown'
const PARTITIONS = 2
const RECORDS_PER_ROUND = 25
/** Far longer than the shutdown takes, so an early answer shows the long poll was cut short. */
const LONG_POLL_MS = 10_000
/** Lets the Fetch reach the broker and park before the signal (a loopback write takes far less). */
const PARK_MS = 1_000

/** Kafka's offset checkpoint text: version 0, the entry count, then `topic partition offset` lines. */
async function readCheckpoint(path: string): Promise<Map<string, number>> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '')
  assert.equal(lines[0], '0', `${path}: version`)
  const entries = lines.slice(2).map((l) => l.split(' '))
  assert.equal(Number(lines[1]), entries.length, `${path}: entry count`)
  return new Map(entries.map(([topic, partition, offset]) => [`${topic}-${partition}`, Number(offset)]))
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

function batch(round: number, partition: number): Buffer {
  return encodeRecordBatch({
    records: Array.from({ length: RECORDS_PER_ROUND }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`round ${round} partition ${partition} record ${i}`),
      timestamp: Date.now(),
    })),
  })
}

describe('samsa broker: graceful shutdown on SIGTERM and SIGINT', () => {
  let broker: BrokerProcess
  /** The log end offset of each partition, as acknowledged so far. */
  const ends = new Array<number>(PARTITIONS).fill(0)
  let round = 0

  async function produceRound(): Promise<void> {
    const c = await WireClient.connect(broker.port)
    try {
      round++
      for (let p = 0; p < PARTITIONS; p++) {
        const res = await c.produce(TOPIC, p, batch(round, p), { acks: -1 })
        assert.equal(res.errorCode, 0)
        assert.equal(res.baseOffset, ends[p], `partition ${p}: the next offset`)
        ends[p]! += RECORDS_PER_ROUND
      }
    } finally {
      c.close()
    }
  }

  before(async () => {
    broker = await BrokerProcess.start()
    const c = await WireClient.connect(broker.port)
    try {
      assert.equal((await c.createTopic(TOPIC, PARTITIONS)).topics[0]?.errorCode, 0)
    } finally {
      c.close()
    }
    await produceRound()
  })
  after(async () => {
    await broker?.close()
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: answers the parked long poll, refuses new connections, exits 0 with checkpoints written; the restart recovers nothing and offsets continue`, {
      timeout: 60_000,
    }, async () => {
      const port = broker.port
      const linesBefore = broker.logLines.length
      const idle = await WireClient.connect(port)
      const polling = await WireClient.connect(port)
      const sentAt = Date.now()
      let answered = false
      const longPoll = polling
        .fetch(TOPIC, 0, ends[0]!, { maxWaitMs: LONG_POLL_MS, minBytes: 1 })
        .finally(() => (answered = true))
      await delay(PARK_MS)
      assert.equal(answered, false, 'the Fetch waits for data (min_bytes 1, nothing new)')

      const exited = broker.stop(signal)
      const res = await longPoll
      const waited = Date.now() - sentAt
      const p = res.responses[0]?.partitions[0]
      assert.equal(p?.errorCode, 0, 'the in-flight Fetch is answered without an error')
      assert.equal(p?.highWatermark, ends[0])
      assert.ok(waited < LONG_POLL_MS - 2_000, `answered at shutdown (${waited} ms), not at its max wait`)
      await assert.rejects(WireClient.connect(port), { code: 'ECONNREFUSED' }, 'new connections are refused')
      await idle.waitClosed()
      await polling.waitClosed()
      assert.equal(await exited, 0, 'exit code')

      const lines = broker.logLines.slice(linesBefore)
      assert.ok(lines.some((l) => l['msg'] === 'shutdown requested' && l['signal'] === signal))
      assert.ok(lines.some((l) => l['msg'] === 'samsa broker stopped'))
      assert.deepEqual(
        lines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 50),
        [],
      )

      // Checkpoints hold the final offsets: everything was flushed, so the recovery point is the log end.
      const dir = broker.dataDir
      const recoveryPoints = await readCheckpoint(join(dir, 'recovery-point-offset-checkpoint'))
      const logStarts = await readCheckpoint(join(dir, 'log-start-offset-checkpoint'))
      const highWatermarks = await readCheckpoint(join(dir, 'replication-offset-checkpoint'))
      for (let q = 0; q < PARTITIONS; q++) {
        const key = `${TOPIC}-${q}`
        assert.equal(recoveryPoints.get(key), ends[q], `${key}: recovery point`)
        assert.equal(logStarts.get(key), 0, `${key}: log start offset`)
        assert.equal(highWatermarks.get(key), ends[q], `${key}: high watermark`)
      }
      assert.ok(await exists(join(dir, '.kafka_cleanshutdown')), 'the clean-shutdown marker is written')

      // The next start trusts the files: no segment is recovered, and the marker is used up.
      const linesAtRestart = broker.logLines.length
      await broker.startAgain()
      assert.equal(broker.port, port)
      const startLines = broker.logLines.slice(linesAtRestart)
      const loaded = startLines.find((l) => l['msg'] === 'loaded logs')
      assert.equal(loaded?.['hadCleanShutdown'], true, 'the restart sees the clean shutdown')
      for (let q = 0; q < PARTITIONS; q++) {
        const line = startLines.find((l) => l['msg'] === 'log loaded' && l['topic'] === TOPIC && l['partition'] === q)
        assert.equal(line?.['recoveredSegments'], 0, `${TOPIC}-${q}: no segment recovered`)
        assert.equal(line?.['logEndOffset'], ends[q], `${TOPIC}-${q}: log end offset`)
      }
      assert.equal(await exists(join(dir, '.kafka_cleanshutdown')), false, 'the marker is valid for one start')

      await produceRound()
      for (let q = 0; q < PARTITIONS; q++) {
        const { records, highWatermark, holes } = await readPartition(broker.port, TOPIC, q)
        assert.equal(highWatermark, ends[q])
        assert.deepEqual(holes, [])
        assert.deepEqual(
          records.map((r) => r.offset),
          Array.from({ length: ends[q]! }, (_, i) => i),
          `${TOPIC}-${q}: dense offsets across the restart`,
        )
        assert.equal(records.at(-1)?.value, `round ${round} partition ${q} record ${RECORDS_PER_ROUND - 1}`)
      }
    })
  }
})
