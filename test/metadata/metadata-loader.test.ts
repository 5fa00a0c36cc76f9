/**
 * The metadata log as it is replayed: record values in Kafka's MetadataRecordSerde framing, the
 * MetadataLoader turning committed batches into images (one publication for the whole start-up replay,
 * then one per batch), and a log written by one start and replayed by the next giving the same image.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { SamsaError, SamsaErrorCode } from '../../src/common/errors.ts'
import { createLogger } from '../../src/common/log.ts'
import { SystemScheduler } from '../../src/common/scheduler.ts'
import type { MetadataDelta } from '../../src/metadata/image/metadata-delta.ts'
import type { MetadataImage } from '../../src/metadata/image/metadata-image.ts'
import { MetadataLoader } from '../../src/metadata/metadata-loader.ts'
import {
  deserializeMetadataRecord,
  type MetadataRecord,
  serializeMetadataRecord,
} from '../../src/metadata/records/metadata-record.ts'
import { Writer } from '../../src/protocol/primitives/writer.ts'
import { LocalRaftClient } from '../../src/raft/local-raft-client.ts'
import { buildLogConfig } from '../../src/storage/log-config.ts'
import {
  BROKER_RESOURCE,
  config,
  EVENTS_AGAIN_ID,
  EVENTS_ID,
  featureLevel,
  ORDERS_ID,
  partition,
  partitionChange,
  plain,
  producerIds,
  registerBroker,
  removeTopic,
  TOPIC_RESOURCE,
  topic,
} from './fixtures.ts'

const logger = createLogger({ level: 'silent' })

/** A metadata log's history in batches: a cluster is set up, then changed. */
const BATCHES: MetadataRecord[][] = [
  [featureLevel('metadata.version', 19), registerBroker(1, 9092)],
  [
    topic('orders', ORDERS_ID),
    partition(ORDERS_ID, 0, [1]),
    config(TOPIC_RESOURCE, 'orders', 'retention.ms', '3600000'),
    topic('events', EVENTS_ID),
    partition(EVENTS_ID, 0, [1]),
  ],
  [partition(ORDERS_ID, 1, [1]), config(TOPIC_RESOURCE, 'orders', 'retention.ms', null)],
  [config(BROKER_RESOURCE, '', 'log.retention.ms', '7200000'), producerIds(1000)],
  [removeTopic(EVENTS_ID), topic('events', EVENTS_AGAIN_ID), partition(EVENTS_AGAIN_ID, 0, [1])],
  [partitionChange(ORDERS_ID, 1, { isr: [], leader: -1 }), partitionChange(ORDERS_ID, 1, { isr: [1], leader: 1 })],
]

/** A record value framed like Kafka's, of a type Samsa does not interpret (an ACL or quota record, say). */
function unknownRecordValue(apiKey: number): Buffer {
  const w = new Writer(16)
  w.writeUVarint(1)
  w.writeUVarint(apiKey)
  w.writeUVarint(0)
  w.writeInt32(42)
  return w.toBuffer()
}

function committed(baseOffset: number, records: readonly MetadataRecord[]) {
  return {
    baseOffset,
    lastOffset: baseOffset + records.length - 1,
    epoch: 1,
    appendTimestampMs: 0,
    records: records.map(serializeMetadataRecord),
  }
}

class RecordingPublisher {
  readonly name = 'recording'
  readonly calls: { delta: MetadataDelta; image: MetadataImage }[] = []
  onMetadataUpdate(delta: MetadataDelta, image: MetadataImage): void {
    this.calls.push({ delta, image })
  }
}

describe('metadata records', () => {
  it('round-trip through the serde for every type Samsa writes', () => {
    for (const r of BATCHES.flat()) assert.deepEqual(deserializeMetadataRecord(serializeMetadataRecord(r)), r, r.type)
    const noOp: MetadataRecord = { type: 'NoOpRecord', data: {} }
    assert.deepEqual(deserializeMetadataRecord(serializeMetadataRecord(noOp)), noOp)
  })

  it("are framed as Kafka's MetadataRecordSerde: frame version 1, api key, version", () => {
    const value = serializeMetadataRecord(topic('orders', ORDERS_ID))
    assert.deepEqual([...value.subarray(0, 3)], [1, 2, 0], 'TopicRecord is api key 2, version 0')
  })

  it('skip record types Samsa does not interpret, and refuse corrupt framing', () => {
    assert.equal(deserializeMetadataRecord(unknownRecordValue(6)), null)
    const badFrame = Buffer.from(serializeMetadataRecord(topic('orders', ORDERS_ID)))
    badFrame[0] = 2
    const corrupt = (err: unknown): boolean =>
      err instanceof SamsaError && err.code === SamsaErrorCode.MetadataLogCorrupt
    assert.throws(() => deserializeMetadataRecord(badFrame), corrupt)
    const tooNew = Buffer.from(serializeMetadataRecord(topic('orders', ORDERS_ID)))
    tooNew[2] = 99
    assert.throws(() => deserializeMetadataRecord(tooNew), corrupt)
  })
})

describe('MetadataLoader', () => {
  it('publishes the whole start-up replay once, then each committed batch', async () => {
    const loader = new MetadataLoader(logger)
    const publisher = new RecordingPublisher()
    loader.addPublisher(publisher)
    const images: MetadataImage[] = []
    loader.onImage((image) => images.push(image))
    let offset = 0
    for (const batch of BATCHES.slice(0, 4)) {
      await loader.handleCommit(committed(offset, batch))
      offset += batch.length
    }
    assert.equal(publisher.calls.length, 0, 'nothing is published while catching up')
    assert.equal(loader.image.topics.getTopic('orders')?.partitions.size, 2, 'the image follows the replay')
    await loader.finishCatchUp()
    assert.equal(publisher.calls.length, 1)
    const first = publisher.calls[0]!
    assert.deepEqual([...first.delta.changedTopics.keys()].sort(), [EVENTS_ID, ORDERS_ID].sort())
    assert.deepEqual([...(first.delta.changedTopics.get(ORDERS_ID)?.partitions.keys() ?? [])], [0, 1])
    assert.equal(first.image.offset, offset - 1)
    assert.deepEqual(first.image.configs.toRecord(TOPIC_RESOURCE, 'orders'), {}, 'the override was deleted later')

    for (const batch of BATCHES.slice(4)) {
      await loader.handleCommit(committed(offset, batch))
      offset += batch.length
    }
    assert.equal(publisher.calls.length, 1 + BATCHES.length - 4)
    const removal = publisher.calls[1]!
    assert.deepEqual([...removal.delta.deletedTopics.keys()], [EVENTS_ID])
    assert.equal(removal.image.topics.getTopic('events')?.topicId, EVENTS_AGAIN_ID)
    assert.deepEqual(
      images.map((i) => i.offset),
      publisher.calls.map((c) => c.image.offset),
    )
    const last = loader.image
    assert.equal(last.offset, offset - 1)
    assert.deepEqual(last.topics.getPartition('orders', 1)?.isr, [1])
    assert.equal(last.topics.getPartition('orders', 1)?.leaderEpoch, 2, 'leader -1 then 1: two leader changes')
    assert.equal(last.nextProducerId, 1000)
  })

  it('keeps publishing to the others when one publisher fails', async () => {
    const loader = new MetadataLoader(logger)
    loader.addPublisher({
      name: 'failing',
      onMetadataUpdate: () => {
        throw new Error('boom')
      },
    })
    const publisher = new RecordingPublisher()
    loader.addPublisher(publisher)
    await loader.finishCatchUp()
    await loader.handleCommit(committed(0, BATCHES[0]!))
    assert.equal(publisher.calls.length, 2)
  })
})

describe('the metadata log replayed at the next start', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samsa-metadata-log-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function open(): Promise<{ raft: LocalRaftClient; loader: MetadataLoader }> {
    const loader = new MetadataLoader(logger)
    const raft = new LocalRaftClient({
      nodeId: 1,
      metadataLogDir: dir,
      logConfig: buildLogConfig({ 'segment.bytes': '400' }, {}),
      scheduler: new SystemScheduler(),
      logger,
    })
    raft.register(loader)
    await raft.start()
    await loader.finishCatchUp()
    return { raft, loader }
  }

  it('rebuilds the same image from the log, across segments and with records it skips', async () => {
    const first = await open()
    assert.equal(first.loader.image.offset, -1)
    for (const batch of BATCHES) await first.raft.append(batch.map(serializeMetadataRecord))
    await first.raft.append([unknownRecordValue(6)])
    await first.raft.append(BATCHES[2]!.slice(0, 1).map(serializeMetadataRecord).concat(unknownRecordValue(21)))
    const written = plain(first.loader.image)
    const epoch = first.raft.epoch
    await first.raft.shutdown()

    const segments = (await readdir(join(dir, '__cluster_metadata-0'))).filter((f) => f.endsWith('.log'))
    assert.ok(segments.length > 2, `the log spans several segments: ${segments}`)

    const second = await open()
    try {
      assert.deepEqual(plain(second.loader.image), written)
      assert.equal(second.raft.epoch, epoch + 1, 'each start is a new epoch')
      assert.equal(second.loader.image.topics.getTopic('events')?.topicId, EVENTS_AGAIN_ID)
      assert.equal(second.loader.image.topics.getTopicById(EVENTS_ID), undefined)
      assert.equal(second.loader.image.topics.getTopic('orders')?.partitions.size, 2)
      await second.raft.append([serializeMetadataRecord(config(TOPIC_RESOURCE, 'orders', 'retention.ms', '1'))])
      assert.equal(second.loader.image.offset, (written as { offset: number }).offset + 1, 'offsets continue')
    } finally {
      await second.raft.shutdown()
    }
  })
})
