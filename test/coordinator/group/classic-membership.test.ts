import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { leaveGroup } from '../../../src/coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { assignment, GroupTestContext, state } from './group-test-context.ts'

const G = 'group-b'

async function stableGroup(ctx: GroupTestContext, n: number, instanceIds: (string | null)[] = []) {
  const joins = Array.from({ length: n }, (_, i) =>
    ctx.join({ groupId: G, groupInstanceId: instanceIds[i] ?? null }, 3),
  )
  const responses = await Promise.all(joins)
  const leader = responses.find((r) => r.members.length > 0)!
  const assignments = responses.map((r, i) => ({ memberId: r.memberId, assignment: assignment({ foo: [i] }) }))
  const syncs = responses.map((r) =>
    ctx.sync({
      groupId: G,
      memberId: r.memberId,
      generationId: r.generationId,
      assignments: r.memberId === leader.memberId ? assignments : [],
    }),
  )
  await Promise.all(syncs)
  assert.equal(ctx.group(G)?.state, 'Stable')
  return { members: responses.map((r) => r.memberId), generationId: leader.generationId, leader: leader.memberId }
}

describe('Heartbeat and session timeouts', () => {
  test('heartbeats keep a member; without them it is removed after its session timeout and the group rebalances', async () => {
    const ctx = await GroupTestContext.create()
    const { members, generationId } = await stableGroup(ctx, 2)
    const [a, b] = members as [string, string]
    await ctx.advance(5000)
    assert.equal(await ctx.heartbeat({ groupId: G, memberId: a, generationId }), ErrorCode.NONE)
    assert.equal(ctx.group(G)?.hasMember(b), true)
    // b has not heartbeaten for 11 s (session 10 s): it is gone, and a is asked to rejoin.
    await ctx.advance(6000)
    assert.equal(ctx.group(G)?.hasMember(b), false)
    assert.equal(await ctx.heartbeat({ groupId: G, memberId: a, generationId }), ErrorCode.REBALANCE_IN_PROGRESS)
    assert.equal(await ctx.heartbeat({ groupId: G, memberId: b, generationId }), ErrorCode.UNKNOWN_MEMBER_ID)
    const rejoin = await ctx.join({ groupId: G, memberId: a }, 3)
    assert.equal(rejoin.generationId, generationId + 1)
    assert.equal(rejoin.members.length, 1)
  })

  test('stale generation, unknown member and empty group id get their errors', async () => {
    const ctx = await GroupTestContext.create()
    const { members, generationId } = await stableGroup(ctx, 1)
    const a = members[0]!
    assert.equal(
      await ctx.heartbeat({ groupId: G, memberId: a, generationId: generationId + 1 }),
      ErrorCode.ILLEGAL_GENERATION,
    )
    assert.equal(await ctx.heartbeat({ groupId: G, memberId: 'who', generationId }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await ctx.heartbeat({ groupId: 'nope', memberId: a, generationId }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await ctx.heartbeat({ groupId: '', memberId: a, generationId }), ErrorCode.INVALID_GROUP_ID)
  })

  test('members that do not rejoin within the rebalance timeout are dropped from the next generation', async () => {
    const ctx = await GroupTestContext.create()
    const { members, generationId } = await stableGroup(ctx, 2)
    const [a] = members as [string, string]
    const newcomer = ctx.join({ groupId: G }, 3)
    const aRejoin = ctx.join({ groupId: G, memberId: a }, 3)
    assert.equal(await state(aRejoin), 'pending')
    // b neither rejoins nor heartbeats: when its session expires the join phase completes without it.
    await ctx.advance(10_500)
    const [ra, rn] = await Promise.all([aRejoin, newcomer])
    assert.equal(ra.generationId, generationId + 1)
    assert.equal(rn.generationId, generationId + 1)
    assert.equal(ctx.group(G)?.members.size, 2)
  })

  test('a pending member (MEMBER_ID_REQUIRED) that never joins expires after its session timeout', async () => {
    const ctx = await GroupTestContext.create()
    const r = await ctx.join({ groupId: G }, 5)
    assert.equal(ctx.group(G)?.isPendingMember(r.memberId), true)
    await ctx.advance(10_000)
    assert.equal(ctx.group(G)?.isPendingMember(r.memberId), false)
  })
})

describe('LeaveGroup', () => {
  test('a leaving member triggers a rebalance; the last one leaves the group Empty (written to the log)', async () => {
    const ctx = await GroupTestContext.create()
    const { members } = await stableGroup(ctx, 2)
    const [a, b] = members as [string, string]
    const r = await leaveGroup(ctx.gc, G, [{ memberId: b, groupInstanceId: null, reason: 'bye' }])
    assert.deepEqual(r.members, [{ memberId: b, groupInstanceId: null, errorCode: ErrorCode.NONE }])
    assert.equal(ctx.group(G)?.state, 'PreparingRebalance')
    await ctx.join({ groupId: G, memberId: a }, 3)
    const appends = ctx.log.appends
    await leaveGroup(ctx.gc, G, [{ memberId: a, groupInstanceId: null, reason: null }])
    assert.equal(ctx.group(G)?.state, 'Empty')
    assert.equal(ctx.log.appends, appends + 1, 'the empty group is written')
  })

  test('batched leave (v3+): each member answered on its own; static members by instance id', async () => {
    const ctx = await GroupTestContext.create()
    const { members } = await stableGroup(ctx, 2, [null, 'instance-1'])
    const r = await leaveGroup(ctx.gc, G, [
      { memberId: members[0]!, groupInstanceId: null, reason: null },
      { memberId: '', groupInstanceId: 'instance-1', reason: null },
      { memberId: 'ghost', groupInstanceId: null, reason: null },
      { memberId: '', groupInstanceId: 'instance-9', reason: null },
    ])
    assert.deepEqual(
      r.members.map((m) => m.errorCode),
      [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID],
    )
    assert.equal(ctx.group(G)?.state, 'Empty')
  })

  test('an unknown group answers UNKNOWN_MEMBER_ID per member; an empty group id INVALID_GROUP_ID', async () => {
    const ctx = await GroupTestContext.create()
    const r = await leaveGroup(ctx.gc, 'missing', [{ memberId: 'm', groupInstanceId: null, reason: null }])
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.equal(r.members[0]?.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal((await leaveGroup(ctx.gc, '', [])).errorCode, ErrorCode.INVALID_GROUP_ID)
  })
})

describe('Static membership (KIP-345)', () => {
  test('a static member restarting within its session timeout gets its assignment back without a rebalance', async () => {
    const ctx = await GroupTestContext.create()
    const { members, generationId } = await stableGroup(ctx, 2, ['i-1', 'i-2'])
    const old = members[1]!
    const before = ctx.group(G)!.member(old).assignment
    // The process restarts: a JoinGroup with an unknown member id and the same instance id.
    const rejoined = await ctx.join({ groupId: G, groupInstanceId: 'i-2' }, 5)
    assert.equal(rejoined.errorCode, ErrorCode.NONE)
    assert.notEqual(rejoined.memberId, old)
    assert.equal(rejoined.generationId, generationId, 'no new generation')
    assert.equal(ctx.group(G)?.state, 'Stable')
    const synced = await ctx.sync({ groupId: G, memberId: rejoined.memberId, groupInstanceId: 'i-2', generationId })
    assert.deepEqual(synced.assignment, before)
    // The old member id is fenced.
    assert.equal(
      await ctx.heartbeat({ groupId: G, memberId: old, groupInstanceId: 'i-2', generationId }),
      ErrorCode.FENCED_INSTANCE_ID,
    )
    const commit = await ctx.commit(
      { groupId: G, memberId: old, groupInstanceId: 'i-2', generationIdOrMemberEpoch: generationId },
      { foo: { 0: 5 } },
    )
    assert.equal(commit[0]?.partitions[0]?.errorCode, ErrorCode.FENCED_INSTANCE_ID)
  })

  test('a static member is not removed when its JoinGroup misses the rebalance; it expires with its session', async () => {
    const ctx = await GroupTestContext.create()
    const { members } = await stableGroup(ctx, 2, ['i-1', 'i-2'])
    const [a, b] = members as [string, string]
    const aRejoin = ctx.join({ groupId: G, memberId: a, groupInstanceId: 'i-1' }, 5)
    await ctx.advance(5_000)
    assert.equal(ctx.group(G)?.hasMember(b), true)
    await ctx.advance(25_000)
    const r = await aRejoin
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.equal(ctx.group(G)?.hasMember(b), false, 'b expired after its 10 s session')
  })

  test('if the previous member id is still waiting in JoinGroup it is answered FENCED_INSTANCE_ID', async () => {
    const ctx = await GroupTestContext.create()
    const { members } = await stableGroup(ctx, 2, ['i-1', null])
    const old = members[0]!
    const newcomer = ctx.join({ groupId: G }, 3)
    const parked = ctx.join({ groupId: G, memberId: old, groupInstanceId: 'i-1' }, 5)
    assert.equal(await state(parked), 'pending')
    const restarted = ctx.join({ groupId: G, groupInstanceId: 'i-1' }, 5)
    const fenced = await parked
    assert.equal(fenced.errorCode, ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(await state(restarted), 'pending', "the new member takes the old one's place in the rebalance")
    assert.notEqual(ctx.group(G)?.staticMemberId('i-1'), old)
    await ctx.join({ groupId: G, memberId: members[1]! }, 3)
    const [r, n] = await Promise.all([restarted, newcomer])
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.equal(n.generationId, r.generationId)
  })
})
