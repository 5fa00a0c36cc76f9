/**
 * Topics, partitions and configs live only as records in the metadata log, rebuilt by replay at start.
 * After topic creation and deletion (also of a name that is then created again), CreatePartitions, topic
 * config overrides set and deleted with IncrementalAlterConfigs, and dynamic broker configs (cluster-wide
 * and per broker), a restart on the same data directory shows exactly the same cluster through Metadata
 * and DescribeConfigs: the same topic ids, partitions, leaders and replicas, values and sources; deleted
 * topics stay deleted and their directories are gone; offsets continue.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { Admin } from '../../src/client/admin.ts'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { encodeRecordBatch } from '../../src/protocol/records/records.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { BROKER, describeConfigs, incrementalAlterConfigs, Op, TOPIC } from '../broker/handlers/config-wire.ts'
import { WireClient } from '../helpers/kafka-wire.ts'

/** Deleted partition directories go at once (Kafka waits file.delete.delay.ms, a minute by default). */
const CONFIG = { 'log.segment.delete.delay.ms': '0' }

interface ClusterView {
  topics: Record<string, { topicId: string; partitions: [number, number, number[], number[]][] }>
  configs: Record<string, [string, string | null, number][]>
}

/** Everything a client sees of the cluster's metadata: topics through Metadata, configs through DescribeConfigs. */
async function view(c: WireClient, nodeId: number, topics: string[]): Promise<ClusterView> {
  const md = await c.metadata(null)
  const out: ClusterView = { topics: {}, configs: {} }
  for (const t of [...md.topics].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))) {
    assert.equal(t.errorCode, ErrorCode.NONE)
    out.topics[t.name!] = {
      topicId: t.topicId,
      partitions: t.partitions
        .map((p): [number, number, number[], number[]] => [p.partitionIndex, p.leaderId, p.replicaNodes, p.isrNodes])
        .sort((a, b) => a[0] - b[0]),
    }
  }
  const entries = (m: Awaited<ReturnType<typeof describeConfigs>>): [string, string | null, number][] =>
    [...m.values()].map((e): [string, string | null, number] => [e.name, e.value, e.configSource]).sort()
  for (const t of topics) out.configs[`topic ${t}`] = entries(await describeConfigs(c, TOPIC, t))
  out.configs[`broker ${nodeId}`] = entries(await describeConfigs(c, BROKER, String(nodeId)))
  return out
}

function records(n: number, tag: string): Buffer {
  return encodeRecordBatch({
    records: Array.from({ length: n }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from(`${tag}-${i}`),
      timestamp: Date.now(),
    })),
  })
}

/** Partition directories of `topic` in the data directory, including ones renamed for deletion. */
async function partitionDirs(dataDir: string, topic: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((d) => d.startsWith(`${topic}-`))
}

describe('metadata log replay across a restart', () => {
  let dataDir: string
  let broker: EmbeddedBroker
  let c: WireClient
  let admin: Admin
  let nodeId: number
  let before_: ClusterView
  let goneId: string
  let rebornFirstId: string

  const connect = async (): Promise<void> => {
    c = await WireClient.connect(broker.port)
    admin = new Admin({ bootstrapServers: broker.bootstrap, clientId: 'metadata-restart' })
    await admin.connect()
  }
  const disconnect = async (): Promise<void> => {
    c.close()
    await admin.close()
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'samsa-metadata-restart-'))
    broker = await startBroker({ dataDir, config: CONFIG })
    await connect()
    nodeId = (await admin.describeCluster()).brokers[0]!.nodeId
  })
  after(async () => {
    await disconnect()
    await broker.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('changes topics, partitions and configs', async () => {
    const created = await admin.createTopics([
      { topic: 'kept', numPartitions: 2, configs: { 'retention.ms': '3600000', 'segment.bytes': '1048576' } },
      { topic: 'grown', numPartitions: 1 },
      { topic: 'gone', numPartitions: 2 },
      { topic: 'reborn', numPartitions: 1 },
    ])
    goneId = created.find((t) => t.topic === 'gone')!.topicId
    rebornFirstId = created.find((t) => t.topic === 'reborn')!.topicId
    for (const [t, p] of [
      ['kept', 0],
      ['kept', 1],
      ['grown', 0],
      ['gone', 0],
    ] as const) {
      assert.equal((await c.produce(t, p, records(5, `${t}-${p}`))).errorCode, ErrorCode.NONE)
    }

    await admin.createPartitions('grown', 3)
    const ok = async (type: number, name: string, ops: [string, number, string | null][]): Promise<void> => {
      const r = await incrementalAlterConfigs(c, 1, type, name, ops)
      assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '')
    }
    await ok(TOPIC, 'kept', [
      ['retention.ms', Op.Delete, null],
      ['cleanup.policy', Op.Append, 'compact'],
      ['max.message.bytes', Op.Set, '2048'],
    ])
    await ok(TOPIC, 'grown', [['retention.bytes', Op.Set, '1000000']])
    await ok(TOPIC, 'gone', [['retention.ms', Op.Set, '1000']])
    await ok(BROKER, '', [['log.retention.ms', Op.Set, '7200000']])
    await ok(BROKER, String(nodeId), [
      ['log.cleaner.backoff.ms', Op.Set, '1000'],
      ['log.retention.bytes', Op.Set, '5000000'],
    ])
    await ok(BROKER, String(nodeId), [['log.retention.bytes', Op.Delete, null]])

    await admin.deleteTopics(['gone', 'reborn'])
    const [reborn] = await admin.createTopics([{ topic: 'reborn', numPartitions: 2 }])
    assert.notEqual(reborn!.topicId, rebornFirstId, 'a topic created again under the same name gets a new id')

    before_ = await view(c, nodeId, ['kept', 'grown', 'reborn'])
    assert.deepEqual(Object.keys(before_.topics), ['grown', 'kept', 'reborn'])
    assert.equal(before_.topics['grown']!.partitions.length, 3)
    const keptConfigs = new Map(before_.configs['topic kept']!.map(([k, v, s]) => [k, [v, s]]))
    assert.deepEqual(keptConfigs.get('cleanup.policy'), ['delete,compact', 1])
    assert.deepEqual(keptConfigs.get('retention.ms'), ['7200000', 3], 'from the dynamic cluster default')
    const brokerConfigs = new Map(before_.configs[`broker ${nodeId}`]!.map(([k, v, s]) => [k, [v, s]]))
    assert.deepEqual(brokerConfigs.get('log.cleaner.backoff.ms'), ['1000', 2])
    assert.deepEqual(brokerConfigs.get('log.retention.bytes'), ['-1', 5])
  })

  it('restarts on the same data directory: the same topics, ids, partitions and configs', async () => {
    assert.ok(before_ !== undefined, 'the changes were made')
    await disconnect()
    await broker.close()
    broker = await startBroker({ dataDir, config: CONFIG })
    await connect()
    const after_ = await view(c, nodeId, ['kept', 'grown', 'reborn'])
    assert.deepEqual(after_, before_)
  })

  it('deleted topics stay deleted, with their partition directories gone', async () => {
    const md = await c.metadata(['gone'])
    assert.equal(md.topics[0]?.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    assert.ok(![...Object.values(before_.topics)].some((t) => t.topicId === goneId))
    await assert.rejects(describeConfigs(c, TOPIC, 'gone'), /DescribeConfigs failed: 3 /, 'UNKNOWN_TOPIC_OR_PARTITION')
    // Directories renamed for deletion are removed in the background (log.segment.delete.delay.ms is 0).
    for (let i = 0; (await partitionDirs(dataDir, 'gone')).length > 0; i++) {
      assert.ok(i < 200, `still there: ${await partitionDirs(dataDir, 'gone')}`)
      await delay(50)
    }
    assert.deepEqual((await partitionDirs(dataDir, 'reborn')).sort(), ['reborn-0', 'reborn-1'])
  })

  it('offsets continue where they were', async () => {
    for (const [t, p, end] of [
      ['kept', 0, 5],
      ['kept', 1, 5],
      ['grown', 0, 5],
      ['grown', 2, 0],
      ['reborn', 0, 0],
    ] as const) {
      const r = await c.produce(t, p, records(3, `${t}-${p}-after`))
      assert.equal(r.errorCode, ErrorCode.NONE)
      assert.equal(r.baseOffset, end, `${t}-${p}`)
    }
  })
})
