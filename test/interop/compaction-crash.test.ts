/**
 * kill -9 during log cleaning loses nothing. The broker runs as a real process (the built CLI) with its
 * cleaner slowed down by log.cleaner.io.max.bytes.per.second, so a round takes many seconds; the test
 * kills it at a point the broker's own log lines mark: once as a round starts (the worker reads the
 * dirty section), once right after a cleaned segment was swapped in while the next one is being
 * written. Each time the broker restarts on the same data directory without the throttle, and
 * every key must read its last write at its original offset, before and after the cleaner finishes.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import {
  decodeIncrementalAlterConfigsResponse,
  encodeIncrementalAlterConfigsRequest,
} from '../../src/protocol/generated/incremental-alter-configs.ts'
import type { CompressionType } from '../../src/protocol/records/compression/index.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { BrokerProcess } from '../helpers/broker-process.ts'
import { readPartition, WireClient } from '../helpers/kafka-wire.ts'

const TOPIC = 'compacted-crash'
const KEYS = 300
const BATCHES = 200
const PER_BATCH = 25
const VALUE_PAD = 'v'.repeat(200)
const THROTTLED = {
  'log.cleaner.backoff.ms': '100',
  'log.cleaner.min.cleanable.ratio': '0.01',
  'log.cleaner.io.max.bytes.per.second': '400000',
}
const FREE = { 'log.cleaner.backoff.ms': '100', 'log.cleaner.min.cleanable.ratio': '0.01' }

interface Written {
  offset: number
  key: string
  value: string | null
}

/** Resolves when the broker has logged a line matching `match` (checking as lines arrive). */
async function logged(
  broker: BrokerProcess,
  match: (l: Record<string, unknown>) => boolean,
  what: string,
  from = 0,
): Promise<void> {
  const deadline = Date.now() + 120_000
  let seen = from
  for (;;) {
    for (; seen < broker.logLines.length; seen++) if (match(broker.logLines[seen]!)) return
    if (!broker.isRunning) throw new Error(`the broker exited before logging ${what}`)
    if (Date.now() > deadline) throw new Error(`no ${what} within 120 s`)
    // Polls the lines the broker printed so far; the kill point is the line, not this delay.
    await new Promise<void>((resolve) => setTimeout(resolve, 5))
  }
}

async function fill(port: number): Promise<Written[]> {
  const c = await WireClient.connect(port)
  try {
    const created = await c.createTopic(TOPIC, 1, {
      // Written with the delete policy, so that no round starts before the whole log is there.
      configs: { 'cleanup.policy': 'delete', 'segment.bytes': '262144', 'min.cleanable.dirty.ratio': '0.01' },
    })
    assert.equal(created.topics[0]?.errorCode, 0)
    const history: Written[] = []
    let seq = 0
    for (let b = 0; b < BATCHES; b++) {
      const kvs = Array.from({ length: PER_BATCH }, () => {
        const key = `key-${(seq * 7919) % KEYS}`
        const value = seq % 11 === 10 ? null : `${key}=${seq}|${VALUE_PAD}`
        seq++
        return { key, value }
      })
      const batch = encodeRecordBatch({
        compression: (b % 2) as CompressionType,
        records: kvs.map((kv) => ({
          key: Buffer.from(kv.key),
          value: kv.value === null ? null : Buffer.from(kv.value),
          timestamp: Date.now(),
        })),
      })
      const res = await c.produce(TOPIC, 0, batch)
      assert.equal(res.errorCode, 0)
      for (const [i, kv] of kvs.entries()) history.push({ offset: res.baseOffset + i, ...kv })
    }
    return history
  } finally {
    c.close()
  }
}

/** Switches the topic to cleanup.policy=compact (IncrementalAlterConfigs, applied live). */
async function compact(port: number): Promise<void> {
  const c = await WireClient.connect(port)
  try {
    const res = await c.request(
      ApiKey.IncrementalAlterConfigs,
      1,
      (w) =>
        encodeIncrementalAlterConfigsRequest(w, 1, {
          resources: [
            {
              resourceType: 2,
              resourceName: TOPIC,
              configs: [{ name: 'cleanup.policy', configOperation: 0, value: 'compact' }],
            },
          ],
          validateOnly: false,
        }),
      decodeIncrementalAlterConfigsResponse,
    )
    assert.equal(res.responses[0]?.errorCode, 0)
  } finally {
    c.close()
  }
}

/** Every key reads its last write at its original offset; offsets increase; no record appears twice. */
async function checkNothingLost(port: number, history: Written[]): Promise<void> {
  const { records, highWatermark, holes } = await readPartition(port, TOPIC, 0)
  assert.equal(highWatermark, history.length)
  assert.deepEqual(holes, [])
  for (let i = 1; i < records.length; i++) assert.ok(records[i]!.offset > records[i - 1]!.offset, 'offsets increase')
  const byOffset = new Map(history.map((h) => [h.offset, h]))
  for (const r of records) {
    const w = byOffset.get(r.offset)
    assert.deepEqual([r.key, r.value], [w?.key, w?.value], `offset ${r.offset} holds what was written there`)
  }
  const lastRead = new Map<string, number>()
  for (const r of records) lastRead.set(r.key!, r.offset)
  const lastWritten = new Map<string, Written>()
  for (const h of history) lastWritten.set(h.key, h)
  for (const [key, w] of lastWritten) {
    if (w.value !== null) assert.equal(lastRead.get(key), w.offset, `${key} reads its last write`)
    else assert.ok(lastRead.get(key) === undefined || lastRead.get(key) === w.offset, `${key} stays deleted`)
  }
}

const killPoints: [string, (l: Record<string, unknown>) => boolean][] = [
  ['as a round starts (the dirty section is being read)', (l) => l['msg'] === 'cleaning log' && l['topic'] === TOPIC],
  [
    'right after a cleaned segment was swapped in, while the next one is written',
    (l) => l['msg'] === 'swapped in a cleaned segment' && l['topic'] === TOPIC,
  ],
]

describe('kill -9 during log cleaning', () => {
  const brokers: BrokerProcess[] = []
  after(async () => {
    for (const b of brokers) await b.close()
  })

  for (const [where, match] of killPoints) {
    it(`loses nothing when killed ${where}`, async () => {
      const first = await BrokerProcess.start({ overrides: THROTTLED })
      brokers.push(first)
      const history = await fill(first.port)
      await checkNothingLost(first.port, history)
      const mark = first.logLines.length
      await compact(first.port)
      await logged(first, match, where, mark)
      await first.kill()
      assert.equal(
        first.logLines.some((l) => l['msg'] === 'cleaned log' && l['topic'] === TOPIC),
        false,
        'the round had not finished',
      )

      const second = await BrokerProcess.start({ dataDir: first.dataDir, port: first.port, overrides: FREE })
      brokers.push(second)
      await checkNothingLost(second.port, history)
      await logged(
        second,
        (l) => l['msg'] === 'cleaned log' && l['topic'] === TOPIC && l['completed'] === true,
        'a finished round',
      )
      await checkNothingLost(second.port, history)
      const { records } = await readPartition(second.port, TOPIC, 0)
      assert.ok(
        records.length < history.length / 3,
        `compacted after the restart: ${records.length} of ${history.length}`,
      )
      await second.stop()
    })
  }
})
