import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { GroupSpec, MemberSpec } from '../../../../src/coordinator/group/assignors/partition-assignor.ts'
import { RangeAssignor } from '../../../../src/coordinator/group/assignors/range-assignor.ts'
import { UniformAssignor } from '../../../../src/coordinator/group/assignors/uniform-assignor.ts'
import type { Assignment } from '../../../../src/coordinator/group/consumer/consumer-group-member.ts'

function member(
  memberId: string,
  topics: string[],
  current: Record<string, number[]> = {},
  instanceId: string | null = null,
): MemberSpec {
  return {
    memberId,
    instanceId,
    rackId: null,
    subscribedTopicIds: new Set(topics),
    currentAssignment: new Map(Object.entries(current).map(([t, ps]) => [t, new Set(ps)])),
  }
}

function spec(members: MemberSpec[], topics: Record<string, number>): GroupSpec {
  return { members: new Map(members.map((m) => [m.memberId, m])), partitionsByTopic: new Map(Object.entries(topics)) }
}

const flat = (a: Assignment | undefined) =>
  [...(a ?? new Map())].flatMap(([t, ps]) => [...ps].map((p) => `${t}${p}`)).sort()

function checkComplete(result: Map<string, Assignment>, topics: Record<string, number>): void {
  const all = [...result.values()].flatMap((a) => flat(a))
  const expected = Object.entries(topics).flatMap(([t, n]) => Array.from({ length: n }, (_, p) => `${t}${p}`))
  assert.deepEqual(all.sort(), expected.sort(), 'every partition exactly once')
}

describe('uniform assignor', () => {
  test('identical subscriptions: counts differ by at most one', () => {
    const topics = { a: 7, b: 5 }
    const r = new UniformAssignor().assign(
      spec([member('m1', ['a', 'b']), member('m2', ['a', 'b']), member('m3', ['a', 'b'])], topics),
    )
    checkComplete(r, topics)
    const counts = [...r.values()].map((a) => flat(a).length).sort()
    assert.deepEqual(counts, [4, 4, 4])
  })

  test('sticky: a new member takes partitions only from the most loaded, the rest stays', () => {
    const topics = { a: 6 }
    const m1 = member('m1', ['a'], { a: [0, 1, 2] })
    const m2 = member('m2', ['a'], { a: [3, 4, 5] })
    const r = new UniformAssignor().assign(spec([m1, m2, member('m3', ['a'])], topics))
    checkComplete(r, topics)
    assert.equal(flat(r.get('m3')).length, 2)
    assert.equal(flat(r.get('m1')).filter((p) => ['a0', 'a1', 'a2'].includes(p)).length, 2, 'm1 keeps two of its three')
    assert.equal(flat(r.get('m2')).filter((p) => ['a3', 'a4', 'a5'].includes(p)).length, 2, 'm2 keeps two of its three')
  })

  test('different subscriptions: only subscribers get a topic', () => {
    const topics = { a: 4, b: 2 }
    const r = new UniformAssignor().assign(spec([member('m1', ['a']), member('m2', ['a', 'b'])], topics))
    checkComplete(r, topics)
    assert.ok(flat(r.get('m1')).every((p) => p.startsWith('a')))
    assert.deepEqual([...r.values()].map((a) => flat(a).length).sort(), [3, 3])
  })
})

describe('range assignor', () => {
  test('contiguous ranges per topic, co-partitioned, the first members one more', () => {
    const topics = { t1: 3, t2: 3 }
    const r = new RangeAssignor().assign(spec([member('m0', ['t1', 't2']), member('m1', ['t1', 't2'])], topics))
    assert.deepEqual(flat(r.get('m0')), ['t10', 't11', 't20', 't21'])
    assert.deepEqual(flat(r.get('m1')), ['t12', 't22'])
  })

  test('static members are ordered by instance id, so a restart keeps the ranges', () => {
    const topics = { t: 4 }
    const r = new RangeAssignor().assign(
      spec([member('zzz', ['t'], {}, 'i-0'), member('aaa', ['t'], {}, 'i-1')], topics),
    )
    assert.deepEqual(flat(r.get('zzz')), ['t0', 't1'])
    assert.deepEqual(flat(r.get('aaa')), ['t2', 't3'])
  })
})
