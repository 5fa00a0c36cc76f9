import { ErrorCode } from '../../../protocol/error-codes.ts'
import { KafkaProtocolError } from '../../../protocol/kafka-protocol-error.ts'
import { GroupType } from '../group.ts'
import type { ModernGroup } from '../group-metadata-manager.ts'
import type { GroupCoordinatorRecord } from '../records/group-coordinator-record.ts'
import type { OffsetAndMetadata } from '../records/group-records.ts'
import { type Assignment, type ConsumerGroupMember, EMPTY_ASSIGNMENT, isReconciledTo } from './consumer-group-member.ts'
import * as R from './consumer-group-records.ts'

/** States of a KIP-848 consumer group (Kafka's ConsumerGroupState), derived from its members and epochs. */
export const ConsumerGroupState = {
  Empty: 'Empty',
  Assigning: 'Assigning',
  Reconciling: 'Reconciling',
  Stable: 'Stable',
  Dead: 'Dead',
} as const
export type ConsumerGroupState = (typeof ConsumerGroupState)[keyof typeof ConsumerGroupState]

/** A subscribed topic as the group last saw it (ConsumerGroupPartitionMetadataValue). */
export interface TopicMetadata {
  readonly topicId: string
  readonly topicName: string
  readonly numPartitions: number
}

/**
 * A KIP-848 consumer group (Kafka's ConsumerGroup): the group epoch (bumped when subscriptions or topics
 * change), the target assignment computed by the server-side assignor for an epoch, and each member's
 * current assignment reconciling towards it. Changes only by replaying records.
 */
export class ConsumerGroup implements ModernGroup {
  readonly type = GroupType.Consumer
  readonly groupId: string
  groupEpoch = 0
  assignmentEpoch = 0
  readonly members = new Map<string, ConsumerGroupMember>()
  readonly staticMembers = new Map<string, string>()
  readonly targetAssignment = new Map<string, Assignment>()
  subscriptionMetadata: ReadonlyMap<string, TopicMetadata> = new Map()
  /** Owner epoch of each assigned (or still to be revoked) partition, by topic id. */
  readonly #partitionEpochs = new Map<string, Map<number, number>>()

  constructor(groupId: string) {
    this.groupId = groupId
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return ConsumerGroupState.Empty
    if (this.groupEpoch > this.assignmentEpoch) return ConsumerGroupState.Assigning
    for (const m of this.members.values())
      if (!isReconciledTo(m, this.assignmentEpoch)) return ConsumerGroupState.Reconciling
    return ConsumerGroupState.Stable
  }

  get stateName(): string {
    return this.state
  }

  get protocolTypeForListing(): string {
    return 'consumer'
  }

  get isEmpty(): boolean {
    return this.members.size === 0
  }

  staticMember(instanceId: string): ConsumerGroupMember | undefined {
    const id = this.staticMembers.get(instanceId)
    return id === undefined ? undefined : this.members.get(id)
  }

  targetAssignmentOf(memberId: string): Assignment {
    return this.targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT
  }

  /** The epoch of the member owning the partition, or -1 when it is free. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.#partitionEpochs.get(topicId)?.get(partition) ?? -1
  }

  /** Subscribed topic names with the number of members subscribing to each. */
  subscribedTopicNames(replacing?: { old: ConsumerGroupMember | undefined; next: ConsumerGroupMember | null }) {
    const counts = new Map<string, number>()
    const add = (m: ConsumerGroupMember, d: number) => {
      for (const t of m.subscribedTopicNames) {
        const n = (counts.get(t) ?? 0) + d
        if (n === 0) counts.delete(t)
        else counts.set(t, n)
      }
    }
    for (const m of this.members.values()) add(m, 1)
    if (replacing?.old !== undefined && this.members.has(replacing.old.memberId)) add(replacing.old, -1)
    if (replacing?.next !== null && replacing?.next !== undefined) add(replacing.next, 1)
    return counts
  }

  // ---- replay

  updateMember(member: ConsumerGroupMember): void {
    const old = this.members.get(member.memberId)
    if (old !== undefined) this.#removePartitionEpochs(old)
    this.members.set(member.memberId, member)
    if (old?.instanceId !== undefined && old.instanceId !== null && old.instanceId !== member.instanceId)
      this.staticMembers.delete(old.instanceId)
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId)
    this.#addPartitionEpochs(member)
  }

  removeMember(memberId: string): void {
    const old = this.members.get(memberId)
    if (old === undefined) return
    this.#removePartitionEpochs(old)
    this.members.delete(memberId)
    if (old.instanceId !== null && this.staticMembers.get(old.instanceId) === memberId)
      this.staticMembers.delete(old.instanceId)
  }

  #addPartitionEpochs(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, ps] of a) {
        const epochs = this.#partitionEpochs.get(topicId) ?? new Map<number, number>()
        for (const p of ps) epochs.set(p, m.memberEpoch)
        this.#partitionEpochs.set(topicId, epochs)
      }
    }
  }

  #removePartitionEpochs(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, ps] of a) {
        const epochs = this.#partitionEpochs.get(topicId)
        if (epochs === undefined) continue
        for (const p of ps) if (epochs.get(p) === m.memberEpoch) epochs.delete(p)
        if (epochs.size === 0) this.#partitionEpochs.delete(topicId)
      }
    }
  }

  // ---- Group (offsets, deletion)

  /** Kafka's ConsumerGroup.validateOffsetCommit: the member epoch must be the member's current one. */
  validateOffsetCommit(
    memberId: string,
    groupInstanceId: string | null,
    memberEpoch: number,
    isTransactional: boolean,
    apiVersion: number,
  ): void {
    if (memberEpoch < 0 && this.members.size === 0) return
    // TxnOffsetCommit's member fields are optional: a producer that sends only the group id (Kafka 4.0,
    // KAFKA-18060) commits without checks; any identity it does send is validated.
    if (isTransactional && memberEpoch === -1 && memberId === '' && groupInstanceId === null) return
    const member = this.members.get(memberId)
    if (member === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
    if (!isTransactional && apiVersion < 9)
      throw new KafkaProtocolError(
        ErrorCode.UNSUPPORTED_VERSION,
        'OffsetCommit version 9 or above must be used by members using the modern group protocol',
      )
    if (memberEpoch !== member.memberEpoch) throw new KafkaProtocolError(ErrorCode.STALE_MEMBER_EPOCH)
  }

  validateOffsetFetch(memberId: string | null, memberEpoch: number): void {
    if (memberId === null && memberEpoch < 0) return
    const member = memberId === null ? undefined : this.members.get(memberId)
    if (member === undefined) throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID)
    if (memberEpoch !== member.memberEpoch) throw new KafkaProtocolError(ErrorCode.STALE_MEMBER_EPOCH)
  }

  validateOffsetDelete(): void {}

  validateDeleteGroup(): void {
    if (this.state !== ConsumerGroupState.Empty) throw new KafkaProtocolError(ErrorCode.NON_EMPTY_GROUP)
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopicNames().has(topic)
  }

  offsetExpirationBase(): (offset: OffsetAndMetadata) => number {
    return (o) => o.commitTimestampMs
  }

  createGroupTombstoneRecords(records: GroupCoordinatorRecord[]): void {
    const { groupId } = this
    for (const id of this.members.keys()) records.push(R.currentAssignmentTombstone(groupId, id))
    for (const id of this.members.keys()) records.push(R.targetAssignmentTombstone(groupId, id))
    records.push(R.targetAssignmentEpochTombstone(groupId))
    for (const id of this.members.keys()) records.push(R.memberSubscriptionTombstone(groupId, id))
    records.push(R.subscriptionMetadataTombstone(groupId))
    records.push(R.groupEpochTombstone(groupId))
  }
}
