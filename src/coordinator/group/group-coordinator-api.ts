/**
 * The group APIs as the broker's handlers call them (Kafka's GroupCoordinatorService methods): request
 * validation done before a shard is involved (INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT), routing to the
 * group's shard, and the error each API reports when the shard cannot serve it.
 */
import { ErrorCode } from '../../protocol/error-codes.ts'
import type { ConsumerGroupDescribeResponseDescribedGroup } from '../../protocol/generated/consumer-group-describe.ts'
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/consumer-group-heartbeat.ts'
import type { DeleteGroupsResponseDeletableGroupResult } from '../../protocol/generated/delete-groups.ts'
import type { DescribeGroupsResponseDescribedGroup } from '../../protocol/generated/describe-groups.ts'
import type { HeartbeatRequest } from '../../protocol/generated/heartbeat.ts'
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/join-group.ts'
import type { LeaveGroupRequestMemberIdentity } from '../../protocol/generated/leave-group.ts'
import type { ListGroupsResponseListedGroup } from '../../protocol/generated/list-groups.ts'
import type {
  OffsetCommitRequest,
  OffsetCommitResponseOffsetCommitResponseTopic,
} from '../../protocol/generated/offset-commit.ts'
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/offset-delete.ts'
import type { OffsetFetchResponseOffsetFetchResponseGroup } from '../../protocol/generated/offset-fetch.ts'
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/sync-group.ts'
import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponseTxnOffsetCommitResponseTopic,
} from '../../protocol/generated/txn-offset-commit.ts'
import { KafkaProtocolError } from '../../protocol/kafka-protocol-error.ts'
import type { JoinContext } from './classic-join.ts'
import type { LeaveResult } from './classic-leave.ts'
import { joinError } from './classic-rebalance.ts'
import { syncError } from './classic-sync.ts'
import { describeError } from './consumer/consumer-group-describe.ts'
import type { HeartbeatContext } from './consumer/consumer-group-heartbeat.ts'
import type { GroupCoordinator } from './group-coordinator.ts'
import type { GroupCoordinatorShard } from './group-coordinator-shard.ts'
import { describedGroup } from './group-metadata-manager.ts'
import type { TopicPartitions } from './offset-metadata-manager.ts'

/** The error code of a failed coordinator operation. */
export function errorCodeOf(err: unknown): number {
  if (err instanceof KafkaProtocolError) return err.errorCode
  return ErrorCode.UNKNOWN_SERVER_ERROR
}

function unexpected(gc: GroupCoordinator, operation: string, err: unknown): void {
  if (!(err instanceof KafkaProtocolError)) gc.log.error({ err, operation }, 'group operation failed')
}

export async function joinGroup(
  gc: GroupCoordinator,
  request: JoinGroupRequest,
  jc: JoinContext,
): Promise<JoinGroupResponse> {
  if (!gc.isActive) return joinError(request.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE)
  if (request.groupId === '') return joinError(request.memberId, ErrorCode.INVALID_GROUP_ID)
  const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = gc.config
  if (request.sessionTimeoutMs < min || request.sessionTimeoutMs > max)
    return joinError(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT)
  const { promise, resolve } = deferred<JoinGroupResponse>()
  try {
    await gc.write(request.groupId, 'classic-group-join', (shard) => shard.classicGroupJoin(request, jc, resolve))
  } catch (err) {
    unexpected(gc, 'classic-group-join', err)
    resolve(joinError(request.memberId, errorCodeOf(err)))
  }
  return promise
}

export async function syncGroup(gc: GroupCoordinator, request: SyncGroupRequest): Promise<SyncGroupResponse> {
  if (!gc.isActive) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  if (request.groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID)
  const { promise, resolve } = deferred<SyncGroupResponse>()
  try {
    await gc.write(request.groupId, 'classic-group-sync', (shard) => shard.classicGroupSync(request, resolve))
  } catch (err) {
    unexpected(gc, 'classic-group-sync', err)
    resolve(syncError(errorCodeOf(err)))
  }
  return promise
}

/** Heartbeat's error code; while the partition loads Kafka answers NONE (the member keeps its session). */
export async function heartbeat(gc: GroupCoordinator, request: HeartbeatRequest): Promise<number> {
  if (!gc.isActive) return ErrorCode.COORDINATOR_NOT_AVAILABLE
  if (request.groupId === '') return ErrorCode.INVALID_GROUP_ID
  try {
    return await gc.write(request.groupId, 'classic-group-heartbeat', (shard) => shard.classicGroupHeartbeat(request))
  } catch (err) {
    unexpected(gc, 'classic-group-heartbeat', err)
    const code = errorCodeOf(err)
    return code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : code
  }
}

export async function leaveGroup(
  gc: GroupCoordinator,
  groupId: string,
  members: readonly LeaveGroupRequestMemberIdentity[],
): Promise<LeaveResult> {
  if (!gc.isActive) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] }
  if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] }
  try {
    return await gc.write(groupId, 'classic-group-leave', (shard) => shard.classicGroupLeave(groupId, members))
  } catch (err) {
    unexpected(gc, 'classic-group-leave', err)
    const code = errorCodeOf(err)
    if (code !== ErrorCode.UNKNOWN_MEMBER_ID) return { errorCode: code, members: [] }
    // The group does not exist: every member is unknown.
    return {
      errorCode: ErrorCode.NONE,
      members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: code })),
    }
  }
}

/** OffsetCommit of partitions of existing topics; a group-level failure becomes every partition's error. */
export async function commitOffsets(
  gc: GroupCoordinator,
  request: OffsetCommitRequest,
  apiVersion: number,
): Promise<OffsetCommitResponseOffsetCommitResponseTopic[]> {
  const failAll = (errorCode: number) =>
    request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    }))
  if (!gc.isActive) return failAll(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  if (request.groupId === '') return failAll(ErrorCode.INVALID_GROUP_ID)
  try {
    return await gc.write(request.groupId, 'commit-offset', (shard) => shard.offsets.commitOffset(request, apiVersion))
  } catch (err) {
    unexpected(gc, 'commit-offset', err)
    return failAll(errorCodeOf(err))
  }
}

/**
 * TxnOffsetCommit: the offsets are written in the producer's transaction (its epoch is checked by the
 * partition's producer state: INVALID_PRODUCER_EPOCH for a fenced producer); a group-level failure
 * becomes every partition's error.
 */
export async function commitTransactionalOffsets(
  gc: GroupCoordinator,
  request: TxnOffsetCommitRequest,
  apiVersion: number,
): Promise<TxnOffsetCommitResponseTxnOffsetCommitResponseTopic[]> {
  const failAll = (errorCode: number) =>
    request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    }))
  if (!gc.isActive) return failAll(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  if (request.groupId === '') return failAll(ErrorCode.INVALID_GROUP_ID)
  try {
    return await gc.writeTransactional(
      request.groupId,
      'txn-commit-offset',
      request.producerId,
      request.producerEpoch,
      (shard) => shard.offsets.commitTransactionalOffset(request, apiVersion),
    )
  } catch (err) {
    unexpected(gc, 'txn-commit-offset', err)
    return failAll(errorCodeOf(err))
  }
}

/**
 * A COMMIT or ABORT marker for a `__consumer_offsets` partition (WriteTxnMarkers). Coordinator errors
 * become NOT_LEADER_OR_FOLLOWER, which the transaction coordinator retries (as Kafka's KafkaApis maps them).
 */
export async function completeTransaction(
  gc: GroupCoordinator,
  partition: number,
  producerId: number,
  producerEpoch: number,
  coordinatorEpoch: number,
  committed: boolean,
): Promise<number> {
  try {
    await gc.completeTransaction(partition, producerId, producerEpoch, coordinatorEpoch, committed)
    return ErrorCode.NONE
  } catch (err) {
    unexpected(gc, 'complete-transaction', err)
    const code = errorCodeOf(err)
    return code === ErrorCode.COORDINATOR_NOT_AVAILABLE ||
      code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ||
      code === ErrorCode.NOT_COORDINATOR
      ? ErrorCode.NOT_LEADER_OR_FOLLOWER
      : code
  }
}

/** OffsetFetch of one group; `topics` null = all. require_stable waits for pending writes. */
export async function fetchOffsets(
  gc: GroupCoordinator,
  groupId: string,
  topics: readonly TopicPartitions[] | null,
  requireStable: boolean,
  memberId: string | null = null,
  memberEpoch = -1,
): Promise<OffsetFetchResponseOffsetFetchResponseGroup> {
  if (!gc.isActive) return { groupId, topics: [], errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }
  if (groupId === '') return { groupId, topics: [], errorCode: ErrorCode.INVALID_GROUP_ID }
  const fetch = (shard: GroupCoordinatorShard) =>
    shard.offsets.fetchOffsets(groupId, topics, requireStable, memberId, memberEpoch)
  try {
    if (!requireStable) return gc.read(groupId, fetch)
    return await gc.write(groupId, 'fetch-offsets', (shard) => ({
      records: [],
      response: fetch(shard),
      replayRecords: false,
    }))
  } catch (err) {
    unexpected(gc, 'fetch-offsets', err)
    return { groupId, topics: [], errorCode: errorCodeOf(err) }
  }
}

export function describeGroups(
  gc: GroupCoordinator,
  groupIds: readonly string[],
): DescribeGroupsResponseDescribedGroup[] {
  return groupIds.map((groupId) => {
    if (!gc.isActive) return describedGroup(groupId, ErrorCode.COORDINATOR_NOT_AVAILABLE, '', '', '')
    if (groupId === '') return describedGroup(groupId, ErrorCode.INVALID_GROUP_ID, '', '', '')
    try {
      return gc.read(groupId, (shard) => shard.groups.describeGroup(groupId))
    } catch (err) {
      unexpected(gc, 'describe-groups', err)
      return describedGroup(groupId, errorCodeOf(err), '', '', '')
    }
  })
}

/** ListGroups over every partition this broker leads; an error while any of them loads. */
export function listGroups(
  gc: GroupCoordinator,
  statesFilter: readonly string[],
  typesFilter: readonly string[],
): { errorCode: number; groups: ListGroupsResponseListedGroup[] } {
  if (!gc.isActive) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] }
  const { shards, loading } = gc.activeShards()
  if (loading) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groups: [] }
  return { errorCode: ErrorCode.NONE, groups: shards.flatMap((s) => s.groups.listGroups(statesFilter, typesFilter)) }
}

/** DeleteGroups: one write per `__consumer_offsets` partition involved. */
export async function deleteGroups(
  gc: GroupCoordinator,
  groupIds: readonly string[],
): Promise<DeleteGroupsResponseDeletableGroupResult[]> {
  if (!gc.isActive) return groupIds.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }))
  const byPartition = new Map<number, string[]>()
  for (const g of groupIds) {
    if (g === '') continue
    const p = gc.partitionFor(g)
    byPartition.set(p, [...(byPartition.get(p) ?? []), g])
  }
  const results = await Promise.all(
    [...byPartition.values()].map(async (ids) => {
      try {
        return await gc.write(ids[0]!, 'delete-groups', (shard) => shard.deleteGroups(ids))
      } catch (err) {
        unexpected(gc, 'delete-groups', err)
        return ids.map((groupId) => ({ groupId, errorCode: errorCodeOf(err) }))
      }
    }),
  )
  const byId = new Map(results.flat().map((r) => [r.groupId, r]))
  return groupIds.map(
    (g) =>
      byId.get(g) ?? { groupId: g, errorCode: g === '' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.UNKNOWN_SERVER_ERROR },
  )
}

export async function deleteOffsets(gc: GroupCoordinator, request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
  const failed = (errorCode: number): OffsetDeleteResponse => ({ errorCode, throttleTimeMs: 0, topics: [] })
  if (!gc.isActive) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE)
  if (request.groupId === '') return failed(ErrorCode.INVALID_GROUP_ID)
  try {
    return await gc.write(request.groupId, 'delete-offsets', (shard) => shard.offsets.deleteOffsets(request))
  } catch (err) {
    unexpected(gc, 'delete-offsets', err)
    return failed(errorCodeOf(err))
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** ConsumerGroupHeartbeat (KIP-848); errors carry Kafka's message. */
export async function consumerGroupHeartbeat(
  gc: GroupCoordinator,
  request: ConsumerGroupHeartbeatRequest,
  hc: HeartbeatContext,
): Promise<ConsumerGroupHeartbeatResponse> {
  const failed = (errorCode: number, errorMessage: string | null): ConsumerGroupHeartbeatResponse => ({
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: null,
    memberEpoch: 0,
    heartbeatIntervalMs: 0,
    assignment: null,
  })
  if (!gc.isActive) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, null)
  if (!gc.config.rebalanceProtocols.includes('consumer'))
    return failed(ErrorCode.UNSUPPORTED_VERSION, 'The new consumer group protocol is not enabled.')
  try {
    return await gc.write(request.groupId, 'consumer-group-heartbeat', (shard) =>
      shard.consumerGroupHeartbeat(request, hc),
    )
  } catch (err) {
    unexpected(gc, 'consumer-group-heartbeat', err)
    return failed(errorCodeOf(err), err instanceof KafkaProtocolError ? err.message : null)
  }
}

export function consumerGroupDescribe(
  gc: GroupCoordinator,
  groupIds: readonly string[],
): ConsumerGroupDescribeResponseDescribedGroup[] {
  return groupIds.map((groupId) => {
    if (!gc.isActive) return describeError(groupId, ErrorCode.COORDINATOR_NOT_AVAILABLE, null)
    if (groupId === '') return describeError(groupId, ErrorCode.INVALID_GROUP_ID, null)
    try {
      return gc.read(groupId, (shard) => shard.consumerGroupDescribe(groupId))
    } catch (err) {
      unexpected(gc, 'consumer-group-describe', err)
      return describeError(groupId, errorCodeOf(err), null)
    }
  })
}
