import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConsumerGroup } from '../../../src/coordinator/group/consumer/consumer-group.ts'
import { consumerGroupDescribe, listGroups } from '../../../src/coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import type { ConsumerGroupHeartbeatResponse } from '../../../src/protocol/generated/consumer-group-heartbeat.ts'
import { settle } from '../memory-coordinator-log.ts'
import { GroupTestContext } from './group-test-context.ts'

const G = 'kip848'

const partitionsOf = (r: ConsumerGroupHeartbeatResponse) =>
  (r.assignment?.topicPartitions ?? []).flatMap((tp) => tp.partitions.map((p) => `${tp.topicId}:${p}`)).sort()

function group(ctx: GroupTestContext): ConsumerGroup {
  const g = ctx.gc.read(G, (s) => s.groups.group(G))
  assert.ok(g instanceof ConsumerGroup)
  return g
}

describe('ConsumerGroupHeartbeat (KIP-848)', () => {
  test('a first member joins with epoch 0 and gets every partition at epoch 1', async () => {
    const ctx = await GroupTestContext.create()
    const r = await ctx.cgJoin(G, ['foo'])
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.ok((r.memberId ?? '').length > 0, 'the coordinator generates the member id')
    assert.equal(r.memberEpoch, 1)
    assert.equal(r.heartbeatIntervalMs, 5000)
    const foo = ctx.topicId('foo')
    assert.deepEqual(partitionsOf(r), [`${foo}:0`, `${foo}:1`, `${foo}:2`])
    assert.equal(group(ctx).state, 'Stable')
    assert.equal(group(ctx).groupEpoch, 1)
  })

  test('a second member: the first revokes, then the second gets the released partitions', async () => {
    const ctx = await GroupTestContext.create({ topics: { foo: 4 } })
    const foo = ctx.topicId('foo')
    const a = await ctx.cgJoin(G, ['foo'])
    const b = await ctx.cgJoin(G, ['foo'])
    assert.equal(b.memberEpoch, 2)
    assert.deepEqual(partitionsOf(b), [], 'its target partitions are still owned by a')
    assert.equal(group(ctx).state, 'Reconciling')
    const owned = [{ topicId: foo, partitions: [0, 1, 2, 3] }]
    const a2 = await ctx.cgHeartbeat({ groupId: G, memberId: a.memberId!, memberEpoch: 1, topicPartitions: owned })
    assert.equal(a2.memberEpoch, 1, 'a stays in its epoch until it revoked')
    const kept = a2.assignment!.topicPartitions[0]!.partitions
    assert.equal(kept.length, 2)
    const a3 = await ctx.cgHeartbeat({
      groupId: G,
      memberId: a.memberId!,
      memberEpoch: 1,
      topicPartitions: [{ topicId: foo, partitions: kept }],
    })
    assert.equal(a3.memberEpoch, 2)
    const b2 = await ctx.cgHeartbeat({ groupId: G, memberId: b.memberId!, memberEpoch: 2, topicPartitions: [] })
    assert.equal(b2.assignment?.topicPartitions[0]?.partitions.length, 2)
    assert.equal(group(ctx).state, 'Stable')
    const all = [...kept, ...b2.assignment!.topicPartitions[0]!.partitions].sort()
    assert.deepEqual(all, [0, 1, 2, 3])
  })

  test('wrong epochs are FENCED_MEMBER_EPOCH; unknown members UNKNOWN_MEMBER_ID; nothing is written', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.cgJoin(G, ['foo'])
    const appends = ctx.log.appends
    const r = await ctx.cgHeartbeat({ groupId: G, memberId: a.memberId!, memberEpoch: 5 })
    assert.equal(r.errorCode, ErrorCode.FENCED_MEMBER_EPOCH)
    assert.match(r.errorMessage ?? '', /greater member epoch/)
    assert.equal(
      (await ctx.cgHeartbeat({ groupId: G, memberId: 'nobody', memberEpoch: 1 })).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    )
    assert.equal(
      (await ctx.cgHeartbeat({ groupId: 'none', memberId: 'x', memberEpoch: 1 })).errorCode,
      ErrorCode.GROUP_ID_NOT_FOUND,
    )
    assert.equal((await ctx.cgJoin(G, ['foo'], { serverAssignor: 'magic' })).errorCode, ErrorCode.UNSUPPORTED_ASSIGNOR)
    assert.equal((await ctx.cgJoin(G, [])).errorCode, ErrorCode.INVALID_REQUEST)
    assert.equal(
      (await ctx.cgHeartbeat({ groupId: G, memberEpoch: -7, memberId: 'x' })).errorCode,
      ErrorCode.INVALID_REQUEST,
    )
    assert.equal(ctx.log.appends, appends)
  })

  test('leaving (-1) removes the member and bumps the epoch; a silent member is fenced at its session timeout', async () => {
    const ctx = await GroupTestContext.create({ config: { consumerGroupSessionTimeoutMs: 10_000 } })
    const a = await ctx.cgJoin(G, ['foo'])
    const b = await ctx.cgJoin(G, ['foo'])
    const left = await ctx.cgHeartbeat({ groupId: G, memberId: b.memberId!, memberEpoch: -1 })
    assert.deepEqual([left.errorCode, left.memberEpoch], [0, -1])
    assert.equal(group(ctx).members.size, 1)
    assert.equal(group(ctx).groupEpoch, 3)
    const c = await ctx.cgJoin(G, ['foo'])
    await ctx.advance(6000)
    await ctx.cgHeartbeat({ groupId: G, memberId: c.memberId!, memberEpoch: c.memberEpoch, topicPartitions: [] })
    await ctx.advance(6000)
    assert.deepEqual([...group(ctx).members.keys()], [c.memberId], 'a expired, c heartbeated')
    void a
  })

  test('a static member leaving with -2 and rejoining under a new member id keeps its assignment', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.cgJoin(G, ['foo'], { instanceId: 'inst-a' })
    const before = partitionsOf(a)
    const busy = await ctx.cgJoin(G, ['foo'], { instanceId: 'inst-a' })
    assert.equal(busy.errorCode, ErrorCode.UNRELEASED_INSTANCE_ID)
    const left = await ctx.cgHeartbeat({ groupId: G, memberId: a.memberId!, memberEpoch: -2, instanceId: 'inst-a' })
    assert.equal(left.memberEpoch, -2)
    const back = await ctx.cgJoin(G, ['foo'], { instanceId: 'inst-a' })
    assert.equal(back.errorCode, ErrorCode.NONE)
    assert.notEqual(back.memberId, a.memberId)
    assert.deepEqual(partitionsOf(back), before)
    assert.equal(back.memberEpoch, 1, 'no new group epoch')
    assert.deepEqual([...group(ctx).members.keys()], [back.memberId])
  })

  test('range assignor on request; regex subscriptions (v1)', async () => {
    const ctx = await GroupTestContext.create({ topics: { 'orders-eu': 2, 'orders-us': 2, other: 1 } })
    const r = await ctx.cgHeartbeat({
      groupId: G,
      memberEpoch: 0,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicRegex: 'orders-.*',
      topicPartitions: [],
      serverAssignor: 'range',
    })
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.deepEqual(
      (r.assignment?.topicPartitions ?? []).map((tp) => tp.topicId).sort(),
      [ctx.topicId('orders-eu'), ctx.topicId('orders-us')].sort(),
    )
    const bad = await ctx.cgHeartbeat({
      groupId: 'g2',
      memberEpoch: 0,
      rebalanceTimeoutMs: 1,
      subscribedTopicRegex: '(',
      topicPartitions: [],
    })
    assert.equal(bad.errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION)
  })

  test('offsets: commits need the current member epoch (v9+); fetches with a member check it', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.cgJoin(G, ['foo'])
    const commit = (epoch: number, version: number) =>
      ctx.commit({ groupId: G, memberId: a.memberId!, generationIdOrMemberEpoch: epoch }, { foo: { 0: 3 } }, version)
    assert.equal((await commit(1, 9))[0]?.partitions[0]?.errorCode, ErrorCode.NONE)
    assert.equal((await commit(0, 9))[0]?.partitions[0]?.errorCode, ErrorCode.STALE_MEMBER_EPOCH)
    assert.equal((await commit(1, 8))[0]?.partitions[0]?.errorCode, ErrorCode.UNSUPPORTED_VERSION)
    const { fetchOffsets } = await import('../../../src/coordinator/group/group-coordinator-api.ts')
    const stale = await fetchOffsets(ctx.gc, G, null, false, a.memberId, 7)
    assert.equal(stale.errorCode, ErrorCode.STALE_MEMBER_EPOCH)
    const ok = await fetchOffsets(ctx.gc, G, null, false, a.memberId, 1)
    assert.equal(ok.topics[0]?.partitions[0]?.committedOffset, 3)
  })

  test('describe, list, and the state restored by replaying the log', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.cgJoin(G, ['foo'])
    const [d] = consumerGroupDescribe(ctx.gc, [G])
    assert.deepEqual([d?.groupState, d?.groupEpoch, d?.assignmentEpoch, d?.assignorName], ['Stable', 1, 1, 'uniform'])
    assert.equal(d?.members[0]?.assignment.topicPartitions[0]?.topicName, 'foo')
    assert.equal(consumerGroupDescribe(ctx.gc, ['nope'])[0]?.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    assert.deepEqual(listGroups(ctx.gc, [], ['consumer']).groups, [
      { groupId: G, protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' },
    ])
    ctx.gc.shutdown()
    ctx.gc = ctx.newCoordinator()
    await ctx.publish([])
    await settle()
    const g = group(ctx)
    assert.deepEqual([g.groupEpoch, g.assignmentEpoch, g.state], [1, 1, 'Stable'])
    assert.equal(g.members.get(a.memberId!)?.memberEpoch, 1)
    const hb = await ctx.cgHeartbeat({ groupId: G, memberId: a.memberId!, memberEpoch: 1 })
    assert.equal(hb.errorCode, ErrorCode.NONE)
  })

  test('a classic JoinGroup to a KIP-848 group with members is INCONSISTENT_GROUP_PROTOCOL; an empty one is replaced', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.cgJoin(G, ['foo'])
    assert.equal((await ctx.join({ groupId: G }, 3)).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    await ctx.cgHeartbeat({ groupId: G, memberId: a.memberId!, memberEpoch: -1 })
    const joined = await ctx.join({ groupId: G }, 3)
    assert.equal(joined.errorCode, ErrorCode.NONE)
    assert.equal(ctx.group(G)?.state, 'CompletingRebalance')
  })
})
