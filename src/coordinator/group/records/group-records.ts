import type { ClassicGroup } from '../classic-group.ts'
import type { GroupMetadataValueMemberMetadata } from './generated/group-metadata-value.ts'
import type { RecordOf } from './group-coordinator-record.ts'

/** Value versions Samsa writes (Kafka 3.x with a current metadata.version). */
export const GROUP_METADATA_VALUE_VERSION = 3
export const OFFSET_COMMIT_VALUE_VERSION = 3
/** Written instead of v3 when the commit carried an explicit retention (OffsetCommit v2-v4). */
export const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1

export interface OffsetAndMetadata {
  readonly committedOffset: number
  /** -1 when unknown. */
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestampMs: number
  /** Only from OffsetCommit v1-v4 with a retention time; null otherwise. */
  readonly expireTimestampMs: number | null
  /** Offset of the record in `__consumer_offsets` (-1 before it is written). */
  readonly recordOffset: number
}

/** Kafka's GroupCoordinatorRecordHelpers.newOffsetCommitRecord. */
export function newOffsetCommitRecord(
  group: string,
  topic: string,
  partition: number,
  o: OffsetAndMetadata,
): RecordOf<'OffsetCommit'> {
  const withExpiry = o.expireTimestampMs !== null
  return {
    type: 'OffsetCommit',
    key: { group, topic, partition },
    value: {
      offset: o.committedOffset,
      leaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      commitTimestamp: o.commitTimestampMs,
      expireTimestamp: o.expireTimestampMs ?? -1,
    },
    valueVersion: withExpiry ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION,
  }
}

export function newOffsetCommitTombstone(group: string, topic: string, partition: number): RecordOf<'OffsetCommit'> {
  return { type: 'OffsetCommit', key: { group, topic, partition }, value: null, valueVersion: -1 }
}

/**
 * Kafka's newGroupMetadataRecord: the generation, the chosen protocol, the leader and every member with
 * its subscription (metadata of the chosen protocol) and assignment. An Empty group has no members,
 * protocol and leader null.
 */
export function newGroupMetadataRecord(
  group: ClassicGroup,
  assignment: ReadonlyMap<string, Buffer>,
): RecordOf<'GroupMetadata'> {
  const members: GroupMetadataValueMemberMetadata[] = []
  for (const m of group.members.values()) {
    const protocol = group.protocolName
    if (protocol === null) throw new Error('Attempted to write non-empty group metadata with no defined protocol.')
    const memberAssignment = assignment.get(m.memberId)
    if (memberAssignment === undefined)
      throw new Error(`Attempted to write member ${m.memberId} of group ${group.groupId} with no assignment.`)
    members.push({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(protocol),
      assignment: memberAssignment,
    })
  }
  return {
    type: 'GroupMetadata',
    key: { group: group.groupId },
    value: {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestampMs ?? -1,
      members,
    },
    valueVersion: GROUP_METADATA_VALUE_VERSION,
  }
}

export function newGroupMetadataTombstone(group: string): RecordOf<'GroupMetadata'> {
  return { type: 'GroupMetadata', key: { group }, value: null, valueVersion: -1 }
}
