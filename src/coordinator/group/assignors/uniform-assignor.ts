import type { Assignment } from '../consumer/consumer-group-member.ts'
import {
  add,
  emptyAssignments,
  type GroupSpec,
  type MemberSpec,
  type PartitionAssignor,
  sortedMembers,
} from './partition-assignor.ts'

interface Slot {
  readonly topicId: string
  readonly partition: number
}

/**
 * The "uniform" server-side assignor (the default, Kafka's UniformAssignor): spreads the partitions as
 * evenly as the subscriptions allow while moving as few as possible. Members keep the partitions they
 * had (still subscribed, still existing); unowned partitions go to the eligible member with the fewest;
 * then partitions move from a member to an eligible one with at least two fewer until no such move
 * exists (each move lowers the spread, so this ends; with identical subscriptions counts differ by at
 * most one).
 */
export class UniformAssignor implements PartitionAssignor {
  readonly name = 'uniform'

  assign(group: GroupSpec): Map<string, Assignment> {
    const out = emptyAssignments(group)
    const members = sortedMembers(group)
    const owner = new Map<string, string>()
    const slotKey = (s: Slot) => `${s.topicId}:${s.partition}`
    const count = new Map(members.map((m) => [m.memberId, 0]))
    const give = (m: MemberSpec, s: Slot) => {
      add(out.get(m.memberId)!, s.topicId, s.partition)
      owner.set(slotKey(s), m.memberId)
      count.set(m.memberId, count.get(m.memberId)! + 1)
    }
    // 1. Stickiness.
    for (const m of members) {
      for (const [topicId, ps] of m.currentAssignment) {
        const n = group.partitionsByTopic.get(topicId)
        if (n === undefined || !m.subscribedTopicIds.has(topicId)) continue
        for (const p of ps) if (p < n && !owner.has(`${topicId}:${p}`)) give(m, { topicId, partition: p })
      }
    }
    // 2. Unowned partitions to the least loaded eligible member.
    const eligible = (topicId: string) => members.filter((m) => m.subscribedTopicIds.has(topicId))
    const fewest = (ms: MemberSpec[]) => ms.reduce((a, b) => (count.get(b.memberId)! < count.get(a.memberId)! ? b : a))
    for (const [topicId, n] of [...group.partitionsByTopic].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const candidates = eligible(topicId)
      if (candidates.length === 0) continue
      for (let p = 0; p < n; p++) if (!owner.has(`${topicId}:${p}`)) give(fewest(candidates), { topicId, partition: p })
    }
    // 3. Balance.
    for (let moved = true; moved; ) {
      moved = false
      for (const m of [...members].sort((a, b) => count.get(b.memberId)! - count.get(a.memberId)!)) {
        const mine = out.get(m.memberId)!
        for (const [topicId, ps] of mine) {
          const target = fewest(eligible(topicId))
          if (count.get(target.memberId)! + 1 >= count.get(m.memberId)!) continue
          const p = Math.max(...ps)
          ps.delete(p)
          if (ps.size === 0) mine.delete(topicId)
          count.set(m.memberId, count.get(m.memberId)! - 1)
          give(target, { topicId, partition: p })
          moved = true
          break
        }
        if (moved) break
      }
    }
    return out
  }
}
