import { silentLogger } from '../../../src/common/log.ts'
import { FakeScheduler } from '../../../src/common/scheduler.ts'
import { GroupCoordinator } from '../../../src/coordinator/group/group-coordinator.ts'
import * as api from '../../../src/coordinator/group/group-coordinator-api.ts'
import {
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  type GroupCoordinatorConfig,
} from '../../../src/coordinator/group/group-coordinator-config.ts'
import { MetadataDelta } from '../../../src/metadata/image/metadata-delta.ts'
import { MetadataImage } from '../../../src/metadata/image/metadata-image.ts'
import { defaultPartitionRecord } from '../../../src/metadata/records/generated/partition-record.ts'
import {
  defaultRegisterBrokerRecord,
  defaultRegisterBrokerRecordBrokerEndpoint,
} from '../../../src/metadata/records/generated/register-broker-record.ts'
import type { MetadataRecord } from '../../../src/metadata/records/metadata-record.ts'
import { CONSUMER_OFFSETS_TOPIC } from '../../../src/metadata/topic-names.ts'
import type { ConsumerGroupHeartbeatRequest } from '../../../src/protocol/generated/consumer-group-heartbeat.ts'
import type { HeartbeatRequest } from '../../../src/protocol/generated/heartbeat.ts'
import type { JoinGroupRequest, JoinGroupResponse } from '../../../src/protocol/generated/join-group.ts'
import type { OffsetCommitRequest } from '../../../src/protocol/generated/offset-commit.ts'
import type { SyncGroupRequest, SyncGroupResponse } from '../../../src/protocol/generated/sync-group.ts'
import { MemoryCoordinatorLog, settle } from '../memory-coordinator-log.ts'

export const NODE_ID = 1
export const OFFSETS_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ'

/** Consumer protocol subscription bytes (version 0: topics, no user data). */
export function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)]
  for (const t of topics) parts.push(str(t))
  parts.push(int32(-1))
  return Buffer.concat(parts)
}

/** Consumer protocol assignment bytes (version 0). */
export function assignment(partitions: Record<string, number[]>): Buffer {
  const entries = Object.entries(partitions)
  const parts = [Buffer.from([0, 0]), int32(entries.length)]
  for (const [topic, ps] of entries) {
    parts.push(str(topic), int32(ps.length))
    for (const p of ps) parts.push(int32(p))
  }
  parts.push(int32(-1))
  return Buffer.concat(parts)
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}

function str(s: string): Buffer {
  const b = Buffer.from(s)
  const len = Buffer.alloc(2)
  len.writeInt16BE(b.length)
  return Buffer.concat([len, b])
}

export interface ContextOptions {
  config?: Partial<GroupCoordinatorConfig>
  /** User topics with their partition counts. */
  topics?: Record<string, number>
}

/**
 * A group coordinator with one `__consumer_offsets` partition led by this node over an in-memory log,
 * driven by a FakeScheduler (Kafka's GroupMetadataManagerTestContext, one level up).
 */
export class GroupTestContext {
  readonly scheduler = new FakeScheduler()
  readonly log = new MemoryCoordinatorLog()
  readonly config: GroupCoordinatorConfig
  image: MetadataImage = MetadataImage.EMPTY
  gc: GroupCoordinator

  private constructor(options: ContextOptions) {
    this.config = {
      ...DEFAULT_GROUP_COORDINATOR_CONFIG,
      offsetsTopicNumPartitions: 1,
      groupInitialRebalanceDelayMs: 0,
      ...options.config,
    }
    this.gc = this.newCoordinator()
  }

  newCoordinator(): GroupCoordinator {
    return new GroupCoordinator({
      nodeId: NODE_ID,
      config: this.config,
      scheduler: this.scheduler,
      logger: silentLogger(),
      leaderLog: (p) => (p === 0 && this.log.isLeader ? this.log : undefined),
      createTopics: async () => [],
      metadata: () => this.image,
    })
  }

  static async create(options: ContextOptions = {}): Promise<GroupTestContext> {
    const ctx = new GroupTestContext(options)
    const records: MetadataRecord[] = [
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
      ...topicRecords(CONSUMER_OFFSETS_TOPIC, OFFSETS_TOPIC_ID, 1),
    ]
    let i = 2
    for (const [name, n] of Object.entries(options.topics ?? { foo: 3, bar: 2 }))
      records.push(...topicRecords(name, `AAAAAAAAAAAAAAAAAAAA${String.fromCharCode(65 + i++)}A`, n))
    await ctx.publish(records)
    return ctx
  }

  /** Applies metadata records and publishes the new image to the coordinator. */
  async publish(records: MetadataRecord[]): Promise<void> {
    const delta = new MetadataDelta(this.image)
    for (const r of records) delta.replay(r)
    this.image = delta.apply(this.image.offset + 1)
    this.gc.onMetadataUpdate(delta, this.image)
    await settle()
  }

  /**
   * Advances the fake clock in small steps, letting each fired timer's operation run before time moves
   * on (as it would: a timer's operation runs when it fires, not after the whole interval).
   */
  async advance(ms: number): Promise<void> {
    await settle()
    const step = Math.max(Math.ceil(ms / 200), 1)
    let done = 0
    do {
      const n = Math.min(step, ms - done)
      this.scheduler.advance(n)
      done += n
      await settle(3)
    } while (done < ms)
    await settle()
  }

  /** Runs what is due now (timers of 0 ms, like a delay of group.initial.rebalance.delay.ms=0). */
  async #pumped<T>(p: Promise<T>): Promise<T> {
    await settle()
    this.scheduler.advance(0)
    await settle()
    return p
  }

  join(
    r: Partial<JoinGroupRequest> & { groupId: string },
    version = 5,
    clientId = 'client',
  ): Promise<JoinGroupResponse> {
    return this.#pumped(this.#join(r, version, clientId))
  }

  #join(
    r: Partial<JoinGroupRequest> & { groupId: string },
    version: number,
    clientId: string,
  ): Promise<JoinGroupResponse> {
    return api.joinGroup(
      this.gc,
      {
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription('foo') }],
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 30_000,
        reason: null,
        ...r,
      },
      { clientId, clientHost: '/127.0.0.1', apiVersion: version },
    )
  }

  /** A dynamic member joins with v4+ (MEMBER_ID_REQUIRED, then again with the id). Returns the parked join. */
  async joinWithId(
    r: Partial<JoinGroupRequest> & { groupId: string },
    version = 5,
  ): Promise<{ memberId: string; response: Promise<JoinGroupResponse> }> {
    const first = await this.join(r, version)
    const memberId = first.memberId
    return { memberId, response: this.join({ ...r, memberId }, version) }
  }

  sync(
    r: Partial<SyncGroupRequest> & { groupId: string; memberId: string; generationId: number },
  ): Promise<SyncGroupResponse> {
    return api.syncGroup(this.gc, {
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [],
      ...r,
    })
  }

  heartbeat(
    r: Partial<HeartbeatRequest> & { groupId: string; memberId: string; generationId: number },
  ): Promise<number> {
    return api.heartbeat(this.gc, { groupInstanceId: null, ...r })
  }

  commit(
    r: Partial<OffsetCommitRequest> & { groupId: string },
    offsets: Record<string, Record<number, number>>,
    version = 8,
    metadata: string | null = '',
  ) {
    return api.commitOffsets(
      this.gc,
      {
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        ...r,
        topics: Object.entries(offsets).map(([name, ps]) => ({
          name,
          partitions: Object.entries(ps).map(([p, o]) => ({
            partitionIndex: Number(p),
            committedOffset: o,
            committedLeaderEpoch: -1,
            commitTimestamp: -1,
            committedMetadata: metadata,
          })),
        })),
      },
      version,
    )
  }

  fetch(groupId: string, topics: Record<string, number[]> | null, requireStable = false) {
    return api.fetchOffsets(
      this.gc,
      groupId,
      topics === null ? null : Object.entries(topics).map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
      requireStable,
    )
  }

  /** ConsumerGroupHeartbeat (KIP-848). */
  cgHeartbeat(r: Partial<ConsumerGroupHeartbeatRequest> & { groupId: string }) {
    return api.consumerGroupHeartbeat(
      this.gc,
      {
        memberId: '',
        memberEpoch: 0,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: null,
        ...r,
      },
      { clientId: 'client', clientHost: '/127.0.0.1' },
    )
  }

  /** A KIP-848 member joins (epoch 0) subscribed to `topics`. */
  cgJoin(groupId: string, topics: string[], extra: Partial<ConsumerGroupHeartbeatRequest> = {}) {
    return this.cgHeartbeat({
      groupId,
      memberEpoch: 0,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: topics,
      topicPartitions: [],
      ...extra,
    })
  }

  topicId(name: string): string {
    return this.image.topics.getTopic(name)!.topicId
  }

  /** The classic group as the shard holds it. */
  group(groupId: string) {
    return this.gc.read(groupId, (s) => s.groups.classicGroup(groupId))
  }
}

export function topicRecords(name: string, topicId: string, partitions: number): MetadataRecord[] {
  const records: MetadataRecord[] = [{ type: 'TopicRecord', data: { name, topicId } }]
  for (let p = 0; p < partitions; p++) {
    records.push({
      type: 'PartitionRecord',
      data: {
        ...defaultPartitionRecord(),
        partitionId: p,
        topicId,
        replicas: [NODE_ID],
        isr: [NODE_ID],
        leader: NODE_ID,
      },
    })
  }
  return records
}

/** Resolves to 'pending' when the promise has not settled after the queue drained. */
export async function state<T>(p: Promise<T>): Promise<T | 'pending'> {
  await settle()
  return Promise.race([p, Promise.resolve('pending' as const)])
}
