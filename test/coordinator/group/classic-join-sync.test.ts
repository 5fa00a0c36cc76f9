import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { assignment, GroupTestContext, state, subscription } from './group-test-context.ts'

const G = 'group-a'

/** One member through join and sync; returns its id and generation. */
async function stableSingleMember(ctx: GroupTestContext): Promise<{ memberId: string; generationId: number }> {
  const { memberId, response } = await ctx.joinWithId({ groupId: G })
  const joined = await response
  assert.equal(joined.errorCode, ErrorCode.NONE)
  const synced = await ctx.sync({
    groupId: G,
    memberId,
    generationId: joined.generationId,
    assignments: [{ memberId, assignment: assignment({ foo: [0, 1, 2] }) }],
  })
  assert.equal(synced.errorCode, ErrorCode.NONE)
  return { memberId, generationId: joined.generationId }
}

describe('JoinGroup', () => {
  test('v4+ with an empty member id answers MEMBER_ID_REQUIRED with a generated id (KIP-394)', async () => {
    const ctx = await GroupTestContext.create()
    const r = await ctx.join({ groupId: G }, 4, 'my-client')
    assert.equal(r.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    assert.match(r.memberId, /^my-client-[0-9a-f-]{36}$/)
    assert.equal(ctx.group(G)?.state, 'Empty')
    assert.equal(ctx.group(G)?.isPendingMember(r.memberId), true)
  })

  test('v0-v3 join directly; the leader gets every member, followers none', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.join({ groupId: G }, 1)
    assert.equal(a.errorCode, ErrorCode.NONE)
    assert.equal(a.generationId, 1)
    assert.equal(a.leader, a.memberId)
    assert.equal(a.protocolName, 'range')
    assert.deepEqual(
      a.members.map((m) => m.memberId),
      [a.memberId],
    )
    // A second member triggers a rebalance: the leader must rejoin.
    const b = ctx.join({ groupId: G }, 1)
    assert.equal(await state(b), 'pending')
    assert.equal(ctx.group(G)?.state, 'PreparingRebalance')
    assert.equal(
      await ctx.heartbeat({ groupId: G, memberId: a.memberId, generationId: 1 }),
      ErrorCode.REBALANCE_IN_PROGRESS,
    )
    const a2 = await ctx.join({ groupId: G, memberId: a.memberId }, 1)
    const b2 = await b
    assert.equal(a2.generationId, 2)
    assert.equal(b2.generationId, 2)
    assert.equal(a2.members.length, 2)
    assert.equal(b2.members.length, 0)
    assert.equal(b2.leader, a.memberId)
    assert.equal(ctx.group(G)?.state, 'CompletingRebalance')
  })

  test('an empty group id is INVALID_GROUP_ID; a session timeout out of range INVALID_SESSION_TIMEOUT', async () => {
    const ctx = await GroupTestContext.create()
    assert.equal((await ctx.join({ groupId: '' })).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal((await ctx.join({ groupId: G, sessionTimeoutMs: 5999 })).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
    assert.equal(
      (await ctx.join({ groupId: G, sessionTimeoutMs: 1_800_001 })).errorCode,
      ErrorCode.INVALID_SESSION_TIMEOUT,
    )
    assert.equal(ctx.group(G), undefined)
    assert.equal(ctx.log.appends, 0)
  })

  test('a protocol no member shares, or another protocol type, is INCONSISTENT_GROUP_PROTOCOL', async () => {
    const ctx = await GroupTestContext.create()
    await stableSingleMember(ctx)
    const other = await ctx.join({ groupId: G, protocols: [{ name: 'roundrobin', metadata: subscription('foo') }] }, 3)
    assert.equal(other.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    const connect = await ctx.join({ groupId: G, protocolType: 'connect' }, 3)
    assert.equal(connect.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    assert.equal(ctx.group(G)?.state, 'Stable')
    assert.equal(
      (await ctx.join({ groupId: 'empty-type', protocolType: '' }, 3)).errorCode,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    )
  })

  test('the protocol most members prefer among those all support is chosen', async () => {
    const ctx = await GroupTestContext.create()
    const m = (names: string[]) => names.map((name) => ({ name, metadata: subscription('foo') }))
    const a = ctx.join({ groupId: G, protocols: m(['range', 'roundrobin']) }, 3)
    const b = ctx.join({ groupId: G, protocols: m(['roundrobin', 'range']) }, 3)
    const c = ctx.join({ groupId: G, protocols: m(['roundrobin', 'range', 'sticky']) }, 3)
    // All three join within the initial delay; two of three prefer roundrobin and all support it.
    const results = await Promise.all([a, b, c])
    assert.deepEqual(
      results.map((r) => r.protocolName),
      ['roundrobin', 'roundrobin', 'roundrobin'],
    )
  })

  test('group.max.size refuses new members with GROUP_MAX_SIZE_REACHED', async () => {
    const ctx = await GroupTestContext.create({ config: { groupMaxSize: 1 } })
    await stableSingleMember(ctx)
    const r = await ctx.join({ groupId: G }, 3)
    assert.equal(r.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED)
    assert.equal(r.memberId, '')
    assert.equal(ctx.group(G)?.members.size, 1)
  })

  test('group.initial.rebalance.delay.ms holds a new group until members stop arriving', async () => {
    const ctx = await GroupTestContext.create({ config: { groupInitialRebalanceDelayMs: 3000 } })
    const a = ctx.join({ groupId: G }, 3)
    assert.equal(await state(a), 'pending')
    await ctx.advance(2000)
    const b = ctx.join({ groupId: G }, 3)
    assert.equal(await state(b), 'pending')
    // The first delay ends at 3 s; b joined during it, so the delay starts again (until 6 s).
    await ctx.advance(3500)
    assert.equal(await state(a), 'pending', 'the delay restarts when a member joins')
    await ctx.advance(1000)
    const [ra, rb] = await Promise.all([a, b])
    assert.equal(ra.generationId, 1)
    assert.equal(rb.generationId, 1)
    assert.equal(ra.members.length + rb.members.length, 2)
  })

  test('an unknown member id rejoining a missing group is UNKNOWN_MEMBER_ID', async () => {
    const ctx = await GroupTestContext.create()
    assert.equal((await ctx.join({ groupId: G, memberId: 'nope' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    await stableSingleMember(ctx)
    assert.equal((await ctx.join({ groupId: G, memberId: 'nope' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  })
})

describe('SyncGroup', () => {
  test("followers wait for the leader's assignment, written to the log before anyone is answered", async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.join({ groupId: G }, 3)
    const b = ctx.join({ groupId: G }, 3)
    const a2 = await ctx.join({ groupId: G, memberId: a.memberId }, 3)
    const rb = await b
    const follower = ctx.sync({ groupId: G, memberId: rb.memberId, generationId: rb.generationId })
    assert.equal(await state(follower), 'pending', 'never an empty assignment while the leader has not synced')
    const appendsBefore = ctx.log.appends
    const leader = await ctx.sync({
      groupId: G,
      memberId: a2.memberId,
      generationId: a2.generationId,
      assignments: [
        { memberId: a2.memberId, assignment: assignment({ foo: [0, 1] }) },
        { memberId: rb.memberId, assignment: assignment({ foo: [2] }) },
      ],
    })
    assert.equal(ctx.log.appends, appendsBefore + 1)
    assert.deepEqual(leader.assignment, assignment({ foo: [0, 1] }))
    assert.equal(leader.protocolName, 'range')
    assert.equal(leader.protocolType, 'consumer')
    assert.deepEqual((await follower).assignment, assignment({ foo: [2] }))
    assert.equal(ctx.group(G)?.state, 'Stable')
    // Later syncs in Stable return the stored assignment.
    const again = await ctx.sync({ groupId: G, memberId: rb.memberId, generationId: rb.generationId })
    assert.deepEqual(again.assignment, assignment({ foo: [2] }))
  })

  test('a failed write of the assignment answers everyone with the error and the group rebalances', async () => {
    const ctx = await GroupTestContext.create()
    const { memberId, response } = await ctx.joinWithId({ groupId: G })
    const joined = await response
    ctx.log.failNextAppend = ErrorCode.NOT_ENOUGH_REPLICAS
    const synced = await ctx.sync({ groupId: G, memberId, generationId: joined.generationId })
    assert.equal(synced.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
    assert.equal(ctx.group(G)?.state, 'PreparingRebalance')
  })

  test('stale generation, unknown member, wrong protocol, rebalance in progress', async () => {
    const ctx = await GroupTestContext.create()
    const { memberId, generationId } = await stableSingleMember(ctx)
    assert.equal(
      (await ctx.sync({ groupId: G, memberId, generationId: generationId - 1 })).errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    )
    assert.equal((await ctx.sync({ groupId: G, memberId: 'x', generationId })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(
      (await ctx.sync({ groupId: G, memberId, generationId, protocolName: 'roundrobin' })).errorCode,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    )
    assert.equal(
      (await ctx.sync({ groupId: 'missing', memberId, generationId })).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    )
    assert.equal((await ctx.sync({ groupId: '', memberId, generationId })).errorCode, ErrorCode.INVALID_GROUP_ID)
    const pending = ctx.join({ groupId: G }, 3)
    assert.equal((await ctx.sync({ groupId: G, memberId, generationId })).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
    void pending
  })

  test('members that never sync are removed after the rebalance timeout', async () => {
    const ctx = await GroupTestContext.create()
    const a = await ctx.join({ groupId: G, rebalanceTimeoutMs: 20_000 }, 3)
    const b = ctx.join({ groupId: G, rebalanceTimeoutMs: 20_000 }, 3)
    await ctx.join({ groupId: G, memberId: a.memberId, rebalanceTimeoutMs: 20_000 }, 3)
    const rb = await b
    // Only b syncs (and heartbeats); the leader a never does.
    const waiting = ctx.sync({ groupId: G, memberId: rb.memberId, generationId: rb.generationId })
    await ctx.advance(9_000)
    assert.equal(
      await ctx.heartbeat({ groupId: G, memberId: rb.memberId, generationId: rb.generationId }),
      ErrorCode.NONE,
    )
    await ctx.advance(11_000)
    assert.equal((await waiting).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
    assert.equal(ctx.group(G)?.hasMember(a.memberId), false)
  })
})
