/**
 * ConsumerGroupHeartbeat for KIP-848 groups (Kafka's GroupMetadataManager.consumerGroupHeartbeat): join
 * with epoch 0, heartbeat with the current epoch (reporting owned partitions), leave with -1 (or -2 for a
 * static member that will come back). Each heartbeat may bump the group epoch (subscriptions or topics
 * changed), compute a new target assignment with the server-side assignor, and move the member one step
 * towards its target. Everything is expressed as records; the group changes when they are replayed.
 */
import { randomBytes } from 'node:crypto'
import { ErrorCode } from '../../../protocol/error-codes.ts'
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../../protocol/generated/consumer-group-heartbeat.ts'
import { KafkaProtocolError } from '../../../protocol/kafka-protocol-error.ts'
import type { PartitionAssignor } from '../assignors/partition-assignor.ts'
import type { GroupResult } from '../classic-context.ts'
import { ClassicGroup } from '../classic-group.ts'
import type { GroupCoordinatorRecord } from '../records/group-coordinator-record.ts'
import { newGroupMetadataTombstone } from '../records/group-records.ts'
import type { ConsumerContext } from './consumer-context.ts'
import { ConsumerGroup } from './consumer-group.ts'
import {
  cancelRebalanceTimeout,
  consumerGroupLeave,
  scheduleRebalanceTimeout,
  scheduleSessionTimeout,
} from './consumer-group-leave.ts'
import {
  assignmentEquals,
  type ConsumerGroupMember,
  isReconciledTo,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  MemberState,
  newConsumerGroupMember,
  sameAssignmentState,
  sameMetadata,
  sameNames,
  toTopicPartitions,
} from './consumer-group-member.ts'
import * as R from './consumer-group-records.ts'
import {
  compileRegex,
  computeSubscriptionMetadata,
  sameSubscriptionMetadata,
  updateTargetAssignment,
} from './consumer-group-target.ts'
import { type OwnedPartitions, reconcile } from './current-assignment-builder.ts'

export interface HeartbeatContext {
  readonly clientId: string
  readonly clientHost: string
}

type Request = ConsumerGroupHeartbeatRequest
const invalid = (message: string) => new KafkaProtocolError(ErrorCode.INVALID_REQUEST, message)

function validate(c: ConsumerContext, r: Request): void {
  if (r.groupId === '') throw invalid("GroupId can't be empty.")
  if (r.instanceId === '') throw invalid("InstanceId can't be empty.")
  if (r.rackId === '') throw invalid("RackId can't be empty.")
  if (r.subscribedTopicRegex !== null && r.subscribedTopicRegex !== '') compileRegex(r.subscribedTopicRegex)
  if (r.memberEpoch > 0 || r.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) {
    if (r.memberId === '') throw invalid("MemberId can't be empty.")
  } else if (r.memberEpoch === 0) {
    if (r.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.')
    if (r.topicPartitions === null || r.topicPartitions.length > 0)
      throw invalid('TopicPartitions must be empty when (re-)joining.')
    const hasNames = r.subscribedTopicNames !== null && r.subscribedTopicNames.length > 0
    if (!hasNames && (r.subscribedTopicRegex === null || r.subscribedTopicRegex === ''))
      throw invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.')
  } else if (r.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (r.memberId === '') throw invalid("MemberId can't be empty.")
    if (r.instanceId === null) throw invalid("InstanceId can't be null.")
  } else {
    throw invalid('MemberEpoch is invalid.')
  }
  if (r.serverAssignor !== null && !c.assignors.has(r.serverAssignor))
    throw new KafkaProtocolError(
      ErrorCode.UNSUPPORTED_ASSIGNOR,
      `ServerAssignor ${r.serverAssignor} is not supported. Supported assignors: ${[...c.assignors.keys()].join(', ')}.`,
    )
}

export function consumerGroupHeartbeat(
  c: ConsumerContext,
  request: Request,
  hc: HeartbeatContext,
): GroupResult<ConsumerGroupHeartbeatResponse> {
  validate(c, request)
  if (request.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || request.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH)
    return consumerGroupLeave(c, request.groupId, request.instanceId, request.memberId, request.memberEpoch)
  const records: GroupCoordinatorRecord[] = []
  const group = groupFor(c, request, records)
  const memberId = request.memberId === '' ? randomBytes(16).toString('base64url') : request.memberId
  if (group.members.size >= c.config.consumerGroupMaxSize && !group.members.has(memberId))
    throw new KafkaProtocolError(
      ErrorCode.GROUP_MAX_SIZE_REACHED,
      `The consumer group has reached its maximum capacity of ${c.config.consumerGroupMaxSize} members.`,
    )
  const { member, replacedId } = resolveMember(c, group, request, memberId, records)
  const updated: ConsumerGroupMember = {
    ...member,
    instanceId: request.instanceId ?? member.instanceId,
    rackId: request.rackId ?? member.rackId,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs === -1 ? member.rebalanceTimeoutMs : request.rebalanceTimeoutMs,
    serverAssignorName: request.serverAssignor ?? member.serverAssignorName,
    subscribedTopicNames: request.subscribedTopicNames ?? member.subscribedTopicNames,
    subscribedTopicRegex: request.subscribedTopicRegex ?? member.subscribedTopicRegex,
    clientId: hc.clientId,
    clientHost: hc.clientHost,
  }
  const target = nextTarget(c, group, member, updated, replacedId, records)
  const reconciled = isReconciledTo(updated, target.epoch)
    ? updated
    : reconcile(updated, {
        targetAssignmentEpoch: target.epoch,
        targetAssignment: target.assignment,
        currentPartitionEpoch: (t, p) => group.currentPartitionEpoch(t, p),
        ownedTopicPartitions: request.topicPartitions as OwnedPartitions,
      })
  if (!sameAssignmentState(reconciled, updated)) {
    records.push(R.currentAssignmentRecord(group.groupId, reconciled))
    if (reconciled.state === MemberState.UnrevokedPartitions) scheduleRebalanceTimeout(c, group.groupId, reconciled)
    else cancelRebalanceTimeout(c, group.groupId, memberId)
  }
  scheduleSessionTimeout(c, group.groupId, memberId)
  const isFull =
    request.memberEpoch === 0 ||
    (request.rebalanceTimeoutMs !== -1 && request.subscribedTopicNames !== null && request.topicPartitions !== null)
  const changed = !assignmentEquals(member.assignedPartitions, reconciled.assignedPartitions)
  return {
    records,
    replayRecords: true,
    response: {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: reconciled.memberEpoch,
      heartbeatIntervalMs: c.config.consumerGroupHeartbeatIntervalMs,
      assignment: isFull || changed ? { topicPartitions: toTopicPartitions(reconciled.assignedPartitions) } : null,
    },
  }
}

/** The consumer group (a fresh one when joining; an empty classic group of that id is deleted). */
function groupFor(c: ConsumerContext, request: Request, records: GroupCoordinatorRecord[]): ConsumerGroup {
  const existing = c.group(request.groupId)
  const create = request.memberEpoch === 0
  if (existing instanceof ConsumerGroup) return existing
  if (existing instanceof ClassicGroup) {
    if (!create || !existing.isEmpty)
      throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${request.groupId} is not a consumer group.`)
    if (!existing.isSimpleGroup) records.push(newGroupMetadataTombstone(request.groupId))
  } else if (!create) {
    throw new KafkaProtocolError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${request.groupId} not found.`)
  }
  return new ConsumerGroup(request.groupId)
}

/** Kafka's throwIfConsumerGroupMemberEpochIsInvalid. */
function checkEpoch(member: ConsumerGroupMember, epoch: number, owned: OwnedPartitions): void {
  const fenced = (relation: string) =>
    new KafkaProtocolError(
      ErrorCode.FENCED_MEMBER_EPOCH,
      `The consumer group member has a ${relation} member epoch (${epoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    )
  if (epoch > member.memberEpoch) throw fenced('greater')
  if (epoch < member.memberEpoch) {
    // The previous epoch with a subset of the assignment: the response with the new epoch was lost.
    const subset = (owned ?? []).every((tp) =>
      tp.partitions.every((p) => member.assignedPartitions.get(tp.topicId)?.has(p)),
    )
    if (epoch !== member.previousMemberEpoch || owned === null || !subset) throw fenced('smaller')
  }
}

function resolveMember(
  c: ConsumerContext,
  group: ConsumerGroup,
  request: Request,
  memberId: string,
  records: GroupCoordinatorRecord[],
): { member: ConsumerGroupMember; replacedId: string | null } {
  const create = request.memberEpoch === 0
  const owned = request.topicPartitions as OwnedPartitions
  if (request.instanceId === null) {
    const existing = group.members.get(memberId)
    if (existing === undefined && !create)
      throw new KafkaProtocolError(
        ErrorCode.UNKNOWN_MEMBER_ID,
        `Member ${memberId} is not a member of group ${group.groupId}.`,
      )
    const member = existing ?? newConsumerGroupMember(memberId)
    checkEpoch(member, request.memberEpoch, owned)
    if (existing === undefined) c.log.info({ groupId: group.groupId, memberId }, 'member joins the consumer group')
    return { member, replacedId: null }
  }
  const existing = group.staticMember(request.instanceId)
  if (!create) {
    if (existing === undefined)
      throw new KafkaProtocolError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${request.instanceId} is unknown.`)
    if (existing.memberId !== memberId) throw new KafkaProtocolError(ErrorCode.FENCED_INSTANCE_ID)
    checkEpoch(existing, request.memberEpoch, owned)
    return { member: existing, replacedId: null }
  }
  if (existing === undefined) return { member: newConsumerGroupMember(memberId), replacedId: null }
  if (existing.memberId === memberId) {
    checkEpoch(existing, request.memberEpoch, owned)
    return { member: existing, replacedId: null }
  }
  if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH)
    throw new KafkaProtocolError(
      ErrorCode.UNRELEASED_INSTANCE_ID,
      `Static member ${memberId} with instance id ${request.instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`,
    )
  // The static member restarted: a copy under the new member id takes over its target assignment.
  const member: ConsumerGroupMember = { ...existing, memberId, memberEpoch: 0, previousMemberEpoch: 0 }
  records.push(...R.removeMemberRecords(group.groupId, existing.memberId))
  records.push(R.memberSubscriptionRecord(group.groupId, member))
  records.push(R.targetAssignmentRecord(group.groupId, memberId, group.targetAssignmentOf(existing.memberId)))
  records.push(R.currentAssignmentRecord(group.groupId, member))
  c.log.info(
    { groupId: group.groupId, instanceId: request.instanceId, memberId },
    'static member rejoins the consumer group',
  )
  return { member, replacedId: existing.memberId }
}

/**
 * Persists a changed member, bumps the group epoch when subscriptions or the subscribed topics changed,
 * and computes the target assignment of a newer group epoch. Returns the member's target and its epoch.
 */
function nextTarget(
  c: ConsumerContext,
  group: ConsumerGroup,
  member: ConsumerGroupMember,
  updated: ConsumerGroupMember,
  replacedId: string | null,
  records: GroupCoordinatorRecord[],
) {
  let bump = false
  if (!sameMetadata(member, updated) || !group.members.has(updated.memberId)) {
    records.push(R.memberSubscriptionRecord(group.groupId, updated))
    bump =
      !sameNames(member.subscribedTopicNames, updated.subscribedTopicNames) ||
      member.subscribedTopicRegex !== updated.subscribedTopicRegex
  }
  const members = new Map(group.members)
  if (replacedId !== null) members.delete(replacedId)
  members.set(updated.memberId, updated)
  const image = c.image()
  const metadata = computeSubscriptionMetadata(members.values(), image)
  if (!sameSubscriptionMetadata(metadata, group.subscriptionMetadata)) {
    records.push(R.subscriptionMetadataRecord(group.groupId, metadata))
    bump = true
  }
  let groupEpoch = group.groupEpoch
  if (bump) {
    groupEpoch++
    records.push(R.groupEpochRecord(group.groupId, groupEpoch))
    c.log.info({ groupId: group.groupId, groupEpoch }, 'bumped consumer group epoch')
  }
  if (groupEpoch <= group.assignmentEpoch)
    return { epoch: group.assignmentEpoch, assignment: group.targetAssignmentOf(replacedId ?? updated.memberId) }
  const assignor = preferredAssignor(c, members.values())
  const replaced = new Map(replacedId === null ? [] : [[updated.memberId, replacedId]])
  const target = updateTargetAssignment(
    { group, groupEpoch, members, replaced, subscriptionMetadata: metadata, assignor, image },
    records,
  )
  c.log.info({ groupId: group.groupId, groupEpoch, assignor: assignor.name }, 'computed a new target assignment')
  return { epoch: groupEpoch, assignment: target.get(updated.memberId) ?? new Map() }
}

/** The server assignor most members asked for, else the first configured one. */
export function preferredAssignor(c: ConsumerContext, members: Iterable<ConsumerGroupMember>): PartitionAssignor {
  const counts = new Map<string, number>()
  for (const m of members)
    if (m.serverAssignorName !== null) counts.set(m.serverAssignorName, (counts.get(m.serverAssignorName) ?? 0) + 1)
  let best: string | null = null
  for (const [name, n] of counts) if (best === null || n > counts.get(best)!) best = name
  return (best === null ? undefined : c.assignors.get(best)) ?? c.defaultAssignor
}
