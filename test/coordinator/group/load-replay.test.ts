import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeGroups } from '../../../src/coordinator/group/group-coordinator-api.ts'
import { defaultPartitionChangeRecord } from '../../../src/metadata/records/generated/partition-change-record.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { settle } from '../memory-coordinator-log.ts'
import { assignment, GroupTestContext, OFFSETS_TOPIC_ID, state } from './group-test-context.ts'

test('a coordinator replaying the log restores groups, members, assignments and offsets', async () => {
  const ctx = await GroupTestContext.create()
  const a = ctx.join({ groupId: 'g' }, 3)
  const b = ctx.join({ groupId: 'g', groupInstanceId: 'static-1' }, 5)
  const [ra, rb] = await Promise.all([a, b])
  const leader = ra.members.length > 0 ? ra : rb
  const assignments = [
    { memberId: ra.memberId, assignment: assignment({ foo: [0] }) },
    { memberId: rb.memberId, assignment: assignment({ foo: [1, 2] }) },
  ]
  await Promise.all(
    [ra, rb].map((r) =>
      ctx.sync({
        groupId: 'g',
        memberId: r.memberId,
        groupInstanceId: r === rb ? 'static-1' : null,
        generationId: r.generationId,
        assignments: r === leader ? assignments : [],
      }),
    ),
  )
  await ctx.commit(
    { groupId: 'g', memberId: ra.memberId, generationIdOrMemberEpoch: ra.generationId },
    { foo: { 0: 11 } },
  )
  await ctx.commit({ groupId: 'simple' }, { bar: { 1: 22 } })
  await ctx.commit({ groupId: 'simple' }, { bar: { 1: 23 } })

  // A second coordinator (a restart, or a new leader) loads the same log.
  ctx.gc.shutdown()
  ctx.gc = ctx.newCoordinator()
  assert.equal((await ctx.fetch('g', { foo: [0] })).errorCode, ErrorCode.NOT_COORDINATOR)
  await ctx.publish([])
  await settle()
  const g = ctx.group('g')!
  assert.equal(g.state, 'Stable')
  assert.equal(g.generationId, ra.generationId)
  assert.equal(g.leaderId, leader.memberId)
  assert.equal(g.protocolName, 'range')
  assert.deepEqual(g.member(rb.memberId).assignment, assignment({ foo: [1, 2] }))
  assert.equal(g.staticMemberId('static-1'), rb.memberId)
  assert.equal((await ctx.fetch('g', { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, 11)
  assert.equal((await ctx.fetch('simple', { bar: [1] })).topics[0]?.partitions[0]?.committedOffset, 23)
  assert.equal(describeGroups(ctx.gc, ['g'])[0]?.members.length, 2)

  // Members that do not come back expire after their session timeout; a heartbeat keeps one.
  await ctx.advance(5000)
  assert.equal(await ctx.heartbeat({ groupId: 'g', memberId: ra.memberId, generationId: ra.generationId }), 0)
  await ctx.advance(6000)
  assert.equal(g.hasMember(rb.memberId), false)
  assert.equal(await ctx.heartbeat({ groupId: 'g', memberId: ra.memberId, generationId: ra.generationId }), 27)
})

test('losing leadership unloads the partition: parked requests and later ones get NOT_COORDINATOR', async () => {
  const ctx = await GroupTestContext.create()
  await ctx.join({ groupId: 'g' }, 3)
  const second = ctx.join({ groupId: 'g' }, 3)
  assert.equal(await state(second), 'pending')
  ctx.log.isLeader = false
  await ctx.publish([
    {
      type: 'PartitionChangeRecord',
      data: { ...defaultPartitionChangeRecord(), topicId: OFFSETS_TOPIC_ID, partitionId: 0, leader: 2 },
    },
  ])
  assert.equal((await second).errorCode, ErrorCode.NOT_COORDINATOR)
  assert.equal((await ctx.join({ groupId: 'g' }, 3)).errorCode, ErrorCode.NOT_COORDINATOR)
  assert.equal((await ctx.fetch('g', { foo: [0] })).errorCode, ErrorCode.NOT_COORDINATOR)
})
