import { silentLogger } from '../../../src/common/log.ts'
import { FakeScheduler } from '../../../src/common/scheduler.ts'
import { txnRecordSerde } from '../../../src/coordinator/txn/records/txn-records.ts'
import { TransactionCoordinator } from '../../../src/coordinator/txn/txn-coordinator.ts'
import * as api from '../../../src/coordinator/txn/txn-coordinator-api.ts'
import {
  DEFAULT_TXN_COORDINATOR_CONFIG,
  type TxnCoordinatorConfig,
} from '../../../src/coordinator/txn/txn-coordinator-config.ts'
import { MetadataDelta } from '../../../src/metadata/image/metadata-delta.ts'
import { MetadataImage } from '../../../src/metadata/image/metadata-image.ts'
import {
  defaultRegisterBrokerRecord,
  defaultRegisterBrokerRecordBrokerEndpoint,
} from '../../../src/metadata/records/generated/register-broker-record.ts'
import type { MetadataRecord } from '../../../src/metadata/records/metadata-record.ts'
import { TRANSACTION_STATE_TOPIC } from '../../../src/metadata/topic-names.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import type {
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
} from '../../../src/protocol/generated/write-txn-markers.ts'
import { NODE_ID, topicRecords } from '../group/group-test-context.ts'
import { MemoryCoordinatorLog, settle } from '../memory-coordinator-log.ts'

export const TXN_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAEw'

export interface SentMarkers {
  readonly nodeId: number
  readonly request: WriteTxnMarkersRequest
}

/**
 * A transaction coordinator with one `__transaction_state` partition led by this node over an in-memory
 * log, a FakeScheduler, and a marker sender that records every WriteTxnMarkers request and answers it
 * with `markerError(topic, partition)` (NONE by default).
 */
export class TxnTestContext {
  readonly scheduler = new FakeScheduler()
  readonly log = new MemoryCoordinatorLog()
  readonly config: TxnCoordinatorConfig
  readonly sent: SentMarkers[] = []
  markerError: (topic: string, partition: number) => number = () => ErrorCode.NONE
  image: MetadataImage = MetadataImage.EMPTY
  nextBlock = 0
  tc: TransactionCoordinator

  private constructor(config: Partial<TxnCoordinatorConfig>) {
    this.config = { ...DEFAULT_TXN_COORDINATOR_CONFIG, transactionStateLogNumPartitions: 1, ...config }
    this.tc = this.newCoordinator()
  }

  newCoordinator(): TransactionCoordinator {
    return new TransactionCoordinator({
      nodeId: NODE_ID,
      config: this.config,
      scheduler: this.scheduler,
      logger: silentLogger(),
      leaderLog: (p) => (p === 0 && this.log.isLeader ? this.log : undefined),
      createTopics: async () => [],
      metadata: () => this.image,
      allocateProducerIds: async (blockSize) => {
        const first = this.nextBlock
        this.nextBlock += blockSize
        return first
      },
      sendMarkers: async (nodeId, request) => {
        this.sent.push({ nodeId, request })
        const response: WriteTxnMarkersResponse = {
          markers: request.markers.map((m) => ({
            producerId: m.producerId,
            topics: m.topics.map((t) => ({
              name: t.name,
              partitions: t.partitionIndexes.map((partitionIndex) => ({
                partitionIndex,
                errorCode: this.markerError(t.name, partitionIndex),
              })),
            })),
          })),
        }
        return response
      },
    })
  }

  static async create(config: Partial<TxnCoordinatorConfig> = {}): Promise<TxnTestContext> {
    const ctx = new TxnTestContext(config)
    await ctx.publish([
      {
        type: 'RegisterBrokerRecord',
        data: {
          ...defaultRegisterBrokerRecord(),
          brokerId: NODE_ID,
          brokerEpoch: 1,
          fenced: false,
          endPoints: [
            { ...defaultRegisterBrokerRecordBrokerEndpoint(), name: 'PLAINTEXT', host: 'localhost', port: 9092 },
          ],
        },
      },
      ...topicRecords(TRANSACTION_STATE_TOPIC, TXN_TOPIC_ID, 1),
      ...topicRecords('foo', 'AAAAAAAAAAAAAAAAAAAAFA', 3),
      ...topicRecords('bar', 'AAAAAAAAAAAAAAAAAAAAFQ', 2),
    ])
    return ctx
  }

  async publish(records: MetadataRecord[]): Promise<void> {
    const delta = new MetadataDelta(this.image)
    for (const r of records) delta.replay(r)
    this.image = delta.apply(this.image.offset + 1)
    this.tc.onMetadataUpdate(delta, this.image)
    await settle()
  }

  /** A restart: a new coordinator replays the same log. */
  async reload(): Promise<void> {
    this.tc.shutdown()
    this.tc = this.newCoordinator()
    this.tc.onMetadataUpdate(new MetadataDelta(this.image), this.image)
    await settle()
  }

  /** Advances the fake clock and lets what fired run (marker retries, timers). */
  async advance(ms: number): Promise<void> {
    await settle()
    this.scheduler.advance(ms)
    await settle()
  }

  readonly now = (): number => this.scheduler.clock.nowMs()

  init(
    transactionalId: string | null,
    timeoutMs = 60_000,
    expected: { producerId: number; producerEpoch: number } | null = null,
  ) {
    return api.initProducerId(this.tc, transactionalId, timeoutMs, expected, this.now)
  }

  add(transactionalId: string, producerId: number, producerEpoch: number, partitions: [string, number][]) {
    return api.addPartitionsToTxn(
      this.tc,
      transactionalId,
      producerId,
      producerEpoch,
      partitions.map(([topic, partition]) => ({ topic, partition })),
      this.now,
    )
  }

  end(transactionalId: string, producerId: number, producerEpoch: number, committed: boolean) {
    return api.endTxn(this.tc, transactionalId, producerId, producerEpoch, committed, this.now)
  }

  describe(transactionalId: string) {
    return api.describeTransactions(this.tc, [transactionalId])[0]!
  }

  /** The decoded `__transaction_state` values written so far, as [transactionalId, state name | null]. */
  written(): [string, string | null][] {
    return this.log.records().flatMap((r) => {
      const rec = r.key === null ? null : txnRecordSerde.deserialize(r.key, r.value)
      return rec === null ? [] : [[rec.transactionalId, rec.metadata?.state ?? null] as [string, string | null]]
    })
  }
}
