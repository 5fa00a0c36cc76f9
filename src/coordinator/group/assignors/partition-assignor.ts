import type { Assignment } from '../consumer/consumer-group-member.ts'

/** A member as a server-side assignor sees it (Kafka's MemberSubscription + current target assignment). */
export interface MemberSpec {
  readonly memberId: string
  readonly instanceId: string | null
  readonly rackId: string | null
  /** Topic ids the member subscribes to (that exist). */
  readonly subscribedTopicIds: ReadonlySet<string>
  /** The member's current target assignment (stickiness). */
  readonly currentAssignment: Assignment
}

export interface GroupSpec {
  readonly members: ReadonlyMap<string, MemberSpec>
  /** Partition count of every subscribed topic, by topic id. */
  readonly partitionsByTopic: ReadonlyMap<string, number>
}

/** A KIP-848 server-side assignor (Kafka's ConsumerGroupPartitionAssignor): the target assignment per member. */
export interface PartitionAssignor {
  readonly name: string
  assign(group: GroupSpec): Map<string, Assignment>
}

/** Members in a stable order: by instance id when static (sticky across restarts), then member id. */
export function sortedMembers(group: GroupSpec): MemberSpec[] {
  const key = (m: MemberSpec) => m.instanceId ?? m.memberId
  return [...group.members.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

export function emptyAssignments(group: GroupSpec): Map<string, Map<string, Set<number>>> {
  return new Map([...group.members.keys()].map((id) => [id, new Map<string, Set<number>>()]))
}

export function add(a: Map<string, Set<number>>, topicId: string, partition: number): void {
  const s = a.get(topicId) ?? new Set<number>()
  s.add(partition)
  a.set(topicId, s)
}
