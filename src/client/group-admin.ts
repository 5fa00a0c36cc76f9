import { ErrorCode } from '../protocol/error-codes.ts'
import { ApiKey } from '../protocol/generated/api-message-types.ts'
import {
  decodeConsumerGroupDescribeResponse,
  encodeConsumerGroupDescribeRequest,
} from '../protocol/generated/consumer-group-describe.ts'
import { decodeDeleteGroupsResponse, encodeDeleteGroupsRequest } from '../protocol/generated/delete-groups.ts'
import { decodeDescribeGroupsResponse, encodeDescribeGroupsRequest } from '../protocol/generated/describe-groups.ts'
import { decodeFindCoordinatorResponse, encodeFindCoordinatorRequest } from '../protocol/generated/find-coordinator.ts'
import { decodeListGroupsResponse, encodeListGroupsRequest } from '../protocol/generated/list-groups.ts'
import { decodeOffsetCommitResponse, encodeOffsetCommitRequest } from '../protocol/generated/offset-commit.ts'
import { decodeOffsetFetchResponse, encodeOffsetFetchRequest } from '../protocol/generated/offset-fetch.ts'
import { Reader } from '../protocol/primitives/reader.ts'
import type { Cluster } from './cluster.ts'
import type { BrokerConnection } from './connection.ts'
import { KafkaResponseError, UnsupportedVersionError } from './errors.ts'

/** Single-key FindCoordinator (v0-3); v4+ is batched and not needed for one group at a time. */
const FIND_COORDINATOR_VERSION_MAX = 3
/** v4 adds the state filter. */
const LIST_GROUPS_VERSION_MAX = 4
const DESCRIBE_GROUPS_VERSION_MAX = 5
const CONSUMER_GROUP_DESCRIBE_VERSION_MAX = 0
const DELETE_GROUPS_VERSION_MAX = 2
/** v8 changes to a multi-group shape; one group at a time keeps v7. */
const OFFSET_FETCH_VERSION_MAX = 7
const OFFSET_COMMIT_VERSION_MAX = 8

export interface GroupListing {
  groupId: string
  protocolType: string
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, Dead (or the KIP-848 states); '' before ListGroups v4. */
  state: string
}

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

export interface GroupMemberDescription {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  /** The member's assignment, decoded when the group uses the consumer protocol. */
  assignment: TopicPartitions[]
}

export interface GroupDescription {
  groupId: string
  state: string
  protocolType: string
  /** The chosen assignor (e.g. range, cooperative-sticky). */
  protocol: string
  members: GroupMemberDescription[]
}

export interface CommittedOffset {
  topic: string
  partition: number
  /** -1 when nothing is committed. */
  offset: number
  leaderEpoch: number
  metadata: string | null
}

export interface OffsetToCommit {
  topic: string
  partition: number
  offset: number
}

/** The connection to the coordinator of `groupId` (retried while the coordinator is loading or moving). */
export async function groupCoordinator(cluster: Cluster, groupId: string): Promise<BrokerConnection> {
  return cluster.retry(async () => {
    const any = await cluster.anyConnection()
    const version = any.versionFor(ApiKey.FindCoordinator, FIND_COORDINATOR_VERSION_MAX)
    const res = await any.request(
      ApiKey.FindCoordinator,
      version,
      (w, v) => encodeFindCoordinatorRequest(w, v, { key: groupId, keyType: 0, coordinatorKeys: [] }),
      decodeFindCoordinatorResponse,
    )
    if (res.errorCode !== ErrorCode.NONE)
      throw new KafkaResponseError(res.errorCode, { resource: groupId, message: res.errorMessage })
    return cluster.connectionTo(res.nodeId)
  })
}

/** Every group on every broker (ListGroups is answered per broker). */
export async function listGroups(cluster: Cluster, states: readonly string[] = []): Promise<GroupListing[]> {
  await cluster.retry(() => cluster.refreshMetadata())
  const out: GroupListing[] = []
  for (const nodeId of cluster.brokers.keys()) {
    const res = await cluster.retry(async () => {
      const conn = await cluster.connectionTo(nodeId)
      const version = conn.versionFor(ApiKey.ListGroups, LIST_GROUPS_VERSION_MAX)
      const r = await conn.request(
        ApiKey.ListGroups,
        version,
        (w, v) => encodeListGroupsRequest(w, v, { statesFilter: [...states], typesFilter: [] }),
        decodeListGroupsResponse,
      )
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(r.errorCode)
      return r
    })
    for (const g of res.groups) out.push({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState })
  }
  return out.sort((a, b) => a.groupId.localeCompare(b.groupId))
}

/**
 * A group as its coordinator describes it. Like Kafka's admin client: ConsumerGroupDescribe first (a
 * KIP-848 group, which DescribeGroups before v6 reports as Dead), then DescribeGroups for a classic group
 * or when the broker lacks ConsumerGroupDescribe.
 */
export async function describeGroup(cluster: Cluster, groupId: string): Promise<GroupDescription> {
  return (await describeConsumerGroup(cluster, groupId)) ?? describeClassicGroup(cluster, groupId)
}

/** ConsumerGroupDescribe for a KIP-848 group; null when the coordinator has no such group or lacks the API. */
async function describeConsumerGroup(cluster: Cluster, groupId: string): Promise<GroupDescription | null> {
  const g = await cluster.retry(async () => {
    const conn = await groupCoordinator(cluster, groupId)
    let version: number
    try {
      version = conn.versionFor(ApiKey.ConsumerGroupDescribe, CONSUMER_GROUP_DESCRIBE_VERSION_MAX)
    } catch (err) {
      if (err instanceof UnsupportedVersionError) return null
      throw err
    }
    const r = await conn.request(
      ApiKey.ConsumerGroupDescribe,
      version,
      (w, v) => encodeConsumerGroupDescribeRequest(w, v, { groupIds: [groupId], includeAuthorizedOperations: false }),
      decodeConsumerGroupDescribeResponse,
    )
    const described = r.groups[0]
    if (described === undefined || described.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return null
    if (described.errorCode !== ErrorCode.NONE)
      throw new KafkaResponseError(described.errorCode, { resource: groupId, message: described.errorMessage })
    return described
  })
  if (g === null) return null
  return {
    groupId: g.groupId,
    state: g.groupState,
    protocolType: 'consumer',
    protocol: g.assignorName,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: m.assignment.topicPartitions.map((tp) => ({ topic: tp.topicName, partitions: [...tp.partitions] })),
    })),
  }
}

async function describeClassicGroup(cluster: Cluster, groupId: string): Promise<GroupDescription> {
  const res = await cluster.retry(async () => {
    const conn = await groupCoordinator(cluster, groupId)
    const version = conn.versionFor(ApiKey.DescribeGroups, DESCRIBE_GROUPS_VERSION_MAX)
    const r = await conn.request(
      ApiKey.DescribeGroups,
      version,
      (w, v) => encodeDescribeGroupsRequest(w, v, { groups: [groupId], includeAuthorizedOperations: false }),
      decodeDescribeGroupsResponse,
    )
    const g = r.groups[0]
    if (g === undefined)
      throw new KafkaResponseError(ErrorCode.UNKNOWN_SERVER_ERROR, {
        resource: groupId,
        message: 'empty DescribeGroups response',
      })
    if (g.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(g.errorCode, { resource: groupId })
    return g
  })
  return {
    groupId: res.groupId,
    state: res.groupState,
    protocolType: res.protocolType,
    protocol: res.protocolData,
    members: res.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: res.protocolType === 'consumer' ? decodeConsumerAssignment(m.memberAssignment) : [],
    })),
  }
}

/** Deletes each group in turn; every group is tried, and each gets its own result (null when deleted). */
export async function deleteGroupsEach(
  cluster: Cluster,
  groupIds: readonly string[],
): Promise<{ groupId: string; error: KafkaResponseError | null }[]> {
  const out: { groupId: string; error: KafkaResponseError | null }[] = []
  for (const groupId of groupIds) {
    try {
      const res = await cluster.retry(async () => {
        const conn = await groupCoordinator(cluster, groupId)
        const version = conn.versionFor(ApiKey.DeleteGroups, DELETE_GROUPS_VERSION_MAX)
        const r = await conn.request(
          ApiKey.DeleteGroups,
          version,
          (w, v) => encodeDeleteGroupsRequest(w, v, { groupsNames: [groupId] }),
          decodeDeleteGroupsResponse,
        )
        const code = r.results[0]?.errorCode ?? ErrorCode.NONE
        if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)
          throw new KafkaResponseError(code, { resource: groupId })
        return r
      })
      const code = res.results[0]?.errorCode ?? ErrorCode.NONE
      out.push({ groupId, error: code === ErrorCode.NONE ? null : new KafkaResponseError(code, { resource: groupId }) })
    } catch (err) {
      if (!(err instanceof KafkaResponseError)) throw err
      out.push({ groupId, error: err })
    }
  }
  return out
}

/** Deletes the groups, trying every one; throws the first group's error after all were tried. */
export async function deleteGroups(cluster: Cluster, groupIds: readonly string[]): Promise<void> {
  const failed = (await deleteGroupsEach(cluster, groupIds)).find((r) => r.error !== null)
  if (failed?.error) throw failed.error
}

/** The group's committed offsets, of all topics when `topics` is omitted. */
export async function fetchCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  topics?: readonly TopicPartitions[],
): Promise<CommittedOffset[]> {
  const res = await cluster.retry(async () => {
    const conn = await groupCoordinator(cluster, groupId)
    const version = conn.versionFor(ApiKey.OffsetFetch, OFFSET_FETCH_VERSION_MAX, 2)
    const r = await conn.request(
      ApiKey.OffsetFetch,
      version,
      (w, v) =>
        encodeOffsetFetchRequest(w, v, {
          groupId,
          topics: topics === undefined ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
          groups: [],
          requireStable: false,
        }),
      decodeOffsetFetchResponse,
    )
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaResponseError(r.errorCode, { resource: groupId })
    return r
  })
  const out: CommittedOffset[] = []
  for (const t of res.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE)
        throw new KafkaResponseError(p.errorCode, { resource: t.name, partition: p.partitionIndex })
      out.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.metadata,
      })
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

/**
 * Commits offsets for a group that has no active members (what kafka-consumer-groups --reset-offsets
 * does): generation -1 and no member id, which the coordinator refuses while the group is active.
 */
export async function alterCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  offsets: readonly OffsetToCommit[],
): Promise<void> {
  const byTopic = new Map<string, OffsetToCommit[]>()
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o])
  const res = await cluster.retry(async () => {
    const conn = await groupCoordinator(cluster, groupId)
    const version = conn.versionFor(ApiKey.OffsetCommit, OFFSET_COMMIT_VERSION_MAX, 2)
    return conn.request(
      ApiKey.OffsetCommit,
      version,
      (w, v) =>
        encodeOffsetCommitRequest(w, v, {
          groupId,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: [...byTopic].map(([name, list]) => ({
            name,
            partitions: list.map((o) => ({
              partitionIndex: o.partition,
              committedOffset: o.offset,
              committedLeaderEpoch: -1,
              commitTimestamp: -1,
              committedMetadata: '',
            })),
          })),
        }),
      decodeOffsetCommitResponse,
    )
  })
  for (const t of res.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== ErrorCode.NONE)
        throw new KafkaResponseError(p.errorCode, { resource: t.name, partition: p.partitionIndex })
    }
  }
}

/** Kafka's ConsumerProtocolAssignment: version, [topic, [partition]], user data (ignored). */
export function decodeConsumerAssignment(bytes: Buffer): TopicPartitions[] {
  if (bytes.length < 2) return []
  try {
    const r = new Reader(bytes)
    r.readInt16()
    return r.readArray((r) => ({ topic: r.readString(), partitions: r.readArray((r) => r.readInt32()) }))
  } catch {
    return []
  }
}
