/**
 * Committed offsets survive a broker restart (they live in `__consumer_offsets` and are replayed when the
 * broker leads its partitions again), and two groups on one topic each receive every record. Consumers are
 * kafkajs, kafka-python and confluent-kafka child processes; committed offsets are also read back with
 * kafkajs' admin client (OffsetFetch) and kafka-python's (OffsetFetch v1+).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { Kafka, logLevel, Partitioners } from 'kafkajs'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { runPython } from '../helpers/interop.ts'
import { type ClientKind, ConsumerProcess, clientMissing, waitUntil } from './groups-harness.ts'

const KINDS: readonly ClientKind[] = ['kafkajs', 'kafka-python', 'confluent-kafka']
const PARTITIONS = 3
const BROKER_CONFIG = { 'group.min.session.timeout.ms': '1000', 'offsets.topic.num.partitions': '5' }

function client(broker: EmbeddedBroker) {
  return new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
}

async function produce(broker: EmbeddedBroker, topic: string, prefix: string, n: number): Promise<void> {
  const producer = client(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  await producer.send({
    topic,
    messages: Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}`, partition: i % PARTITIONS })),
  })
  await producer.disconnect()
}

async function createTopic(broker: EmbeddedBroker, topic: string): Promise<void> {
  const admin = client(broker).admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] })
  await admin.disconnect()
}

/** Runs one consumer until it reported `n` records, then closes it. */
async function consumeN(kind: ClientKind, broker: EmbeddedBroker, group: string, topic: string, n: number) {
  const c = ConsumerProcess.start(kind, `${kind}@${group}`, {
    bootstrap: broker.bootstrap,
    group,
    topic,
    sessionTimeoutMs: 6000,
  })
  try {
    await waitUntil([c], () => c.records.length >= n, `${n} records in ${group}`)
  } finally {
    await c.stop()
  }
  return c.records
}

describe('committed offsets survive a broker restart', () => {
  const available = KINDS.filter((k) => clientMissing(k) === null)
  for (const k of KINDS) {
    const missing = clientMissing(k)
    if (missing !== null)
      test(k, (t) => {
        console.warn(`SKIPPED: ${missing}`)
        t.skip(`SKIPPED: ${missing}`)
      })
  }

  test(available.join(', '), { timeout: 300_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'samsa-groups-restart-'))
    let broker = await startBroker({ dataDir, config: BROKER_CONFIG })
    try {
      for (const kind of available) {
        await createTopic(broker, `t-${kind}`)
        await produce(broker, `t-${kind}`, 'before', 30)
        const got = await consumeN(kind, broker, `g-${kind}`, `t-${kind}`, 30)
        assert.equal(new Set(got.map((r) => r.v)).size, 30, kind)
      }
      await broker.close()
      broker = await startBroker({ dataDir, config: BROKER_CONFIG })

      const admin = client(broker).admin()
      await admin.connect()
      for (const kind of available) {
        const offsets = await admin.fetchOffsets({ groupId: `g-${kind}`, topics: [`t-${kind}`] })
        assert.deepEqual(
          offsets[0]?.partitions.map((p) => [p.partition, p.offset]).sort(),
          [
            [0, '10'],
            [1, '10'],
            [2, '10'],
          ],
          `${kind}: committed offsets after the restart`,
        )
      }
      await admin.disconnect()
      if (clientMissing('kafka-python') === null) {
        const py = await runPython<Record<string, number>>(
          `
import json, sys
from kafka.admin import KafkaAdminClient
a = json.load(sys.stdin)
admin = KafkaAdminClient(bootstrap_servers=a['bootstrap'])
o = admin.list_consumer_group_offsets(a['group'])
admin.close()
print(json.dumps({'%s-%d' % (tp.topic, tp.partition): m.offset for tp, m in o.items()}))
`,
          { bootstrap: broker.bootstrap, group: `g-${available[0]}` },
        )
        assert.deepEqual(Object.values(py), [10, 10, 10])
      }

      for (const kind of available) {
        await produce(broker, `t-${kind}`, 'after', 15)
        const got = await consumeN(kind, broker, `g-${kind}`, `t-${kind}`, 15)
        assert.deepEqual(
          got.map((r) => r.v).sort(),
          Array.from({ length: 15 }, (_, i) => `after-${i}`).sort(),
          `${kind}: resumes from the committed offsets, nothing read twice`,
        )
      }
    } finally {
      await broker.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})

describe('two groups each receive every record', () => {
  for (const kind of KINDS) {
    test(kind, { timeout: 120_000 }, async (t) => {
      const missing = clientMissing(kind)
      if (missing !== null) {
        console.warn(`SKIPPED: ${missing}`)
        t.skip(`SKIPPED: ${missing}`)
        return
      }
      const broker = await startBroker({ config: BROKER_CONFIG })
      try {
        await createTopic(broker, 'shared')
        await produce(broker, 'shared', 'r', 45)
        const [x, y] = await Promise.all([
          consumeN(kind, broker, 'group-x', 'shared', 45),
          consumeN(kind, broker, 'group-y', 'shared', 45),
        ])
        const all = Array.from({ length: 45 }, (_, i) => `r-${i}`).sort()
        assert.deepEqual(x.map((r) => r.v).sort(), all)
        assert.deepEqual(y.map((r) => r.v).sort(), all)
      } finally {
        await broker.close()
      }
    })
  }
})
