/**
 * A member of a KIP-848 consumer group (Kafka's ConsumerGroupMember): an immutable value, replaced as a
 * whole when a record about it is replayed.
 */

/** Reconciliation state of a member, with Kafka's persisted values (MemberState). */
export const MemberState = { Stable: 0, UnrevokedPartitions: 1, UnreleasedPartitions: 2, Unknown: 127 } as const
export type MemberState = (typeof MemberState)[keyof typeof MemberState]

/** Partitions by topic id. */
export type Assignment = ReadonlyMap<string, ReadonlySet<number>>

export const EMPTY_ASSIGNMENT: Assignment = new Map()

/** Member epoch of a member that left (or was fenced). */
export const LEAVE_GROUP_MEMBER_EPOCH = -1
/** Member epoch of a static member that left and will come back (KIP-345 with KIP-848). */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2

export interface ConsumerGroupMember {
  readonly memberId: string
  readonly memberEpoch: number
  readonly previousMemberEpoch: number
  readonly state: MemberState
  readonly instanceId: string | null
  readonly rackId: string | null
  readonly rebalanceTimeoutMs: number
  readonly clientId: string
  readonly clientHost: string
  readonly subscribedTopicNames: readonly string[]
  readonly subscribedTopicRegex: string | null
  readonly serverAssignorName: string | null
  readonly assignedPartitions: Assignment
  readonly partitionsPendingRevocation: Assignment
}

export function newConsumerGroupMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    state: MemberState.Stable,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignorName: null,
    assignedPartitions: EMPTY_ASSIGNMENT,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
  }
}

/** Stable at the target epoch: nothing left to reconcile. */
export function isReconciledTo(m: ConsumerGroupMember, targetAssignmentEpoch: number): boolean {
  return m.state === MemberState.Stable && m.memberEpoch === targetAssignmentEpoch
}

/** Same subscription metadata (what ConsumerGroupMemberMetadataValue holds). */
export function sameMetadata(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.serverAssignorName === b.serverAssignorName &&
    sameNames(a.subscribedTopicNames, b.subscribedTopicNames)
  )
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  const sb = new Set(b)
  return a.every((x) => sb.has(x))
}

/** Same epochs, state and partitions (what ConsumerGroupCurrentMemberAssignmentValue holds). */
export function sameAssignmentState(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    assignmentEquals(a.assignedPartitions, b.assignedPartitions) &&
    assignmentEquals(a.partitionsPendingRevocation, b.partitionsPendingRevocation)
  )
}

export function assignmentEquals(a: Assignment, b: Assignment): boolean {
  const topics = new Set([...a.keys(), ...b.keys()])
  for (const t of topics) {
    const x = a.get(t) ?? new Set<number>()
    const y = b.get(t) ?? new Set<number>()
    if (x.size !== y.size) return false
    for (const p of x) if (!y.has(p)) return false
  }
  return true
}

/** The wire/record shape: [{topicId, partitions}] sorted for determinism. */
export function toTopicPartitions(a: Assignment): { topicId: string; partitions: number[] }[] {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }))
}

export function fromTopicPartitions(tps: readonly { topicId: string; partitions: readonly number[] }[]): Assignment {
  const out = new Map<string, Set<number>>()
  for (const tp of tps) {
    if (tp.partitions.length === 0) continue
    const s = out.get(tp.topicId) ?? new Set<number>()
    for (const p of tp.partitions) s.add(p)
    out.set(tp.topicId, s)
  }
  return out
}
