import type { Assignment } from '../consumer/consumer-group-member.ts'
import { add, emptyAssignments, type GroupSpec, type PartitionAssignor, sortedMembers } from './partition-assignor.ts'

/**
 * The "range" server-side assignor (Kafka's RangeAssignor): per topic, the subscribed members (ordered by
 * instance id, then member id) get contiguous ranges of partitions, the first ones one more when the
 * count does not divide. Members subscribed to the same topics with equal partition counts thus get the
 * same partition numbers of each topic (co-partitioning).
 */
export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range'

  assign(group: GroupSpec): Map<string, Assignment> {
    const out = emptyAssignments(group)
    const members = sortedMembers(group)
    for (const [topicId, numPartitions] of group.partitionsByTopic) {
      const subscribed = members.filter((m) => m.subscribedTopicIds.has(topicId))
      if (subscribed.length === 0) continue
      const base = Math.floor(numPartitions / subscribed.length)
      const extra = numPartitions % subscribed.length
      let next = 0
      subscribed.forEach((m, i) => {
        const n = base + (i < extra ? 1 : 0)
        for (let p = next; p < next + n; p++) add(out.get(m.memberId)!, topicId, p)
        next += n
      })
    }
    return out
  }
}
