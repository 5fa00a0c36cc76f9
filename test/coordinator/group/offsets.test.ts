import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  deleteGroups,
  deleteOffsets,
  describeGroups,
  leaveGroup,
  listGroups,
} from '../../../src/coordinator/group/group-coordinator-api.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { assignment, GroupTestContext, subscription } from './group-test-context.ts'

const G = 'offsets-group'
const codes = (topics: { partitions: { errorCode: number }[] }[]) =>
  topics.flatMap((t) => t.partitions.map((p) => p.errorCode))

async function stableMember(ctx: GroupTestContext, topics = ['foo'], sessionTimeoutMs = 10_000) {
  const protocols = [{ name: 'range', metadata: subscription(...topics) }]
  const joined = await ctx.join({ groupId: G, protocols, sessionTimeoutMs }, 3)
  await ctx.sync({
    groupId: G,
    memberId: joined.memberId,
    generationId: joined.generationId,
    assignments: [{ memberId: joined.memberId, assignment: assignment({ foo: [0, 1, 2] }) }],
  })
  return joined
}

describe('OffsetCommit and OffsetFetch', () => {
  test('a member commits; fetch returns offset, epoch and metadata; uncommitted partitions -1, "" and -1', async () => {
    const ctx = await GroupTestContext.create()
    const m = await stableMember(ctx)
    const r = await ctx.commit(
      { groupId: G, memberId: m.memberId, generationIdOrMemberEpoch: m.generationId },
      { foo: { 0: 10, 1: 20 } },
      8,
      'checkpoint',
    )
    assert.deepEqual(codes(r), [0, 0])
    const f = await ctx.fetch(G, { foo: [0, 1, 2] })
    assert.equal(f.errorCode, ErrorCode.NONE)
    assert.deepEqual(f.topics[0]?.partitions, [
      { partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, metadata: 'checkpoint', errorCode: 0 },
      { partitionIndex: 1, committedOffset: 20, committedLeaderEpoch: -1, metadata: 'checkpoint', errorCode: 0 },
      { partitionIndex: 2, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
    ])
    // topics = null: every committed partition.
    const all = await ctx.fetch(G, null)
    assert.deepEqual(
      all.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)]),
      [['foo', [10, 20]]],
    )
    // A group that does not exist: -1 everywhere, no error.
    const none = await ctx.fetch('nobody', { foo: [0] })
    assert.equal(none.topics[0]?.partitions[0]?.committedOffset, -1)
    assert.equal(none.topics[0]?.partitions[0]?.metadata, '')
    assert.deepEqual((await ctx.fetch('nobody', null)).topics, [])
  })

  test('bad commits get Kafka error codes and change nothing', async () => {
    const ctx = await GroupTestContext.create()
    const m = await stableMember(ctx)
    await ctx.commit({ groupId: G, memberId: m.memberId, generationIdOrMemberEpoch: m.generationId }, { foo: { 0: 5 } })
    const appends = ctx.log.appends
    const bad = async (r: Parameters<GroupTestContext['commit']>[0], version = 8, metadata = '') =>
      codes(await ctx.commit(r, { foo: { 0: 99 } }, version, metadata))
    assert.deepEqual(await bad({ groupId: G, memberId: m.memberId, generationIdOrMemberEpoch: m.generationId - 1 }), [
      ErrorCode.ILLEGAL_GENERATION,
    ])
    assert.deepEqual(await bad({ groupId: G, memberId: 'intruder', generationIdOrMemberEpoch: m.generationId }), [
      ErrorCode.UNKNOWN_MEMBER_ID,
    ])
    // No member id and generation -1 into a non-empty group.
    assert.deepEqual(await bad({ groupId: G }), [ErrorCode.UNKNOWN_MEMBER_ID])
    assert.deepEqual(
      await bad({ groupId: G, memberId: m.memberId, generationIdOrMemberEpoch: m.generationId }, 8, 'x'.repeat(4097)),
      [ErrorCode.OFFSET_METADATA_TOO_LARGE],
    )
    // Unknown group with a generation: ILLEGAL_GENERATION before v9, GROUP_ID_NOT_FOUND from v9.
    assert.deepEqual(await bad({ groupId: 'ghost', memberId: 'm', generationIdOrMemberEpoch: 3 }, 8), [
      ErrorCode.ILLEGAL_GENERATION,
    ])
    assert.deepEqual(await bad({ groupId: 'ghost', memberId: 'm', generationIdOrMemberEpoch: 3 }, 9), [
      ErrorCode.GROUP_ID_NOT_FOUND,
    ])
    assert.equal(ctx.log.appends, appends, 'nothing was written')
    assert.equal((await ctx.fetch(G, { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, 5)
    assert.equal(ctx.group('ghost'), undefined)
  })

  test('a commit during CompletingRebalance is REBALANCE_IN_PROGRESS', async () => {
    const ctx = await GroupTestContext.create()
    const joined = await ctx.join({ groupId: G }, 3)
    const r = await ctx.commit(
      { groupId: G, memberId: joined.memberId, generationIdOrMemberEpoch: joined.generationId },
      { foo: { 0: 1 } },
    )
    assert.deepEqual(codes(r), [ErrorCode.REBALANCE_IN_PROGRESS])
  })

  test('generation -1 commits create a simple group (admin clients, manual assignment)', async () => {
    const ctx = await GroupTestContext.create()
    assert.deepEqual(codes(await ctx.commit({ groupId: 'simple' }, { foo: { 1: 7 } }, 1)), [0])
    assert.equal(ctx.group('simple')?.state, 'Empty')
    assert.equal(ctx.group('simple')?.protocolType, null)
    assert.equal((await ctx.fetch('simple', { foo: [1] })).topics[0]?.partitions[0]?.committedOffset, 7)
    assert.deepEqual(listGroups(ctx.gc, [], []).groups, [
      { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
    ])
  })

  test('a failed write reports COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR and commits nothing', async () => {
    const ctx = await GroupTestContext.create()
    ctx.log.failNextAppend = ErrorCode.REQUEST_TIMED_OUT
    assert.deepEqual(codes(await ctx.commit({ groupId: 'g' }, { foo: { 0: 1 } })), [
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ])
    ctx.log.failNextAppend = ErrorCode.NOT_LEADER_OR_FOLLOWER
    assert.deepEqual(codes(await ctx.commit({ groupId: 'g' }, { foo: { 0: 1 } })), [ErrorCode.NOT_COORDINATOR])
    assert.equal((await ctx.fetch('g', { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, -1)
  })

  test('require_stable waits for the writes queued before it', async () => {
    const ctx = await GroupTestContext.create()
    let open!: () => void
    ctx.log.gate = new Promise<void>((r) => {
      open = r
    })
    const commit = ctx.commit({ groupId: 'g' }, { foo: { 0: 42 } })
    const stable = ctx.fetch('g', { foo: [0] }, true)
    const unstable = await ctx.fetch('g', { foo: [0] }, false)
    assert.equal(unstable.topics[0]?.partitions[0]?.committedOffset, -1, 'not yet committed')
    open()
    await commit
    assert.equal((await stable).topics[0]?.partitions[0]?.committedOffset, 42)
  })
})

describe('Offset expiry (offsets.retention.minutes, KIP-211)', () => {
  test('offsets of an empty group expire retention after the group became empty, then the group is deleted', async () => {
    const retentionMs = 60 * 60_000
    const ctx = await GroupTestContext.create({
      config: { offsetsRetentionMs: retentionMs, offsetsRetentionCheckIntervalMs: 60_000 },
    })
    const m = await stableMember(ctx, ['foo'], 600_000)
    await ctx.commit({ groupId: G, memberId: m.memberId, generationIdOrMemberEpoch: m.generationId }, { foo: { 0: 3 } })
    // Members keep the offsets alive however old they are.
    for (let i = 0; i < 15; i++) {
      await ctx.advance(5 * 60_000)
      await ctx.heartbeat({ groupId: G, memberId: m.memberId, generationId: m.generationId })
    }
    assert.equal((await ctx.fetch(G, { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, 3)
    await leaveGroup(ctx.gc, G, [{ memberId: m.memberId, groupInstanceId: null, reason: null }])
    assert.equal(ctx.group(G)?.state, 'Empty')
    await ctx.advance(retentionMs - 120_000)
    assert.equal((await ctx.fetch(G, { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, 3)
    await ctx.advance(180_000)
    assert.equal((await ctx.fetch(G, { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, -1)
    assert.equal(ctx.group(G), undefined, 'the empty group without offsets is deleted')
    const last = ctx.log.records().at(-1)
    assert.equal(last?.value, null, 'tombstones are written')
  })

  test('a commit with a retention time (OffsetCommit v2-v4) expires at its own expire timestamp', async () => {
    const ctx = await GroupTestContext.create({ config: { offsetsRetentionCheckIntervalMs: 60_000 } })
    await ctx.commit({ groupId: 'simple', retentionTimeMs: 120_000 }, { foo: { 0: 9 } }, 2)
    const value = ctx.log.records().at(-1)?.value
    assert.equal(value?.readInt16BE(0), 1, 'offset commit value version 1 (with expire timestamp)')
    await ctx.advance(180_000)
    assert.equal((await ctx.fetch('simple', { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, -1)
  })
})

describe('DeleteGroups, OffsetDelete, DescribeGroups', () => {
  test('DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and deletion of an empty group with its offsets', async () => {
    const ctx = await GroupTestContext.create()
    const m = await stableMember(ctx)
    await ctx.commit({ groupId: 'simple' }, { foo: { 0: 1 } })
    const r = await deleteGroups(ctx.gc, [G, 'missing', 'simple'])
    assert.deepEqual(
      r.map((x) => [x.groupId, x.errorCode]),
      [
        [G, ErrorCode.NON_EMPTY_GROUP],
        ['missing', ErrorCode.GROUP_ID_NOT_FOUND],
        ['simple', ErrorCode.NONE],
      ],
    )
    assert.equal(ctx.group('simple'), undefined)
    assert.equal((await ctx.fetch('simple', { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, -1)
    assert.equal(ctx.group(G)?.hasMember(m.memberId), true)
  })

  test('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for subscribed topics, deletes the others', async () => {
    const ctx = await GroupTestContext.create()
    const m = await stableMember(ctx, ['foo'])
    await ctx.commit(
      { groupId: G, memberId: m.memberId, generationIdOrMemberEpoch: m.generationId },
      { foo: { 0: 1 }, bar: { 0: 2 } },
    )
    const r = await deleteOffsets(ctx.gc, {
      groupId: G,
      topics: [
        { name: 'foo', partitions: [{ partitionIndex: 0 }] },
        { name: 'bar', partitions: [{ partitionIndex: 0 }] },
      ],
    })
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.deepEqual(codes(r.topics), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE])
    assert.equal((await ctx.fetch(G, { bar: [0] })).topics[0]?.partitions[0]?.committedOffset, -1)
    assert.equal((await ctx.fetch(G, { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, 1)
    assert.equal((await deleteOffsets(ctx.gc, { groupId: 'none', topics: [] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
    assert.equal((await deleteOffsets(ctx.gc, { groupId: '', topics: [] })).errorCode, ErrorCode.INVALID_GROUP_ID)
  })

  test('DescribeGroups: members with assignment, metadata only when Stable; unknown groups are Dead', async () => {
    const ctx = await GroupTestContext.create()
    const m = await stableMember(ctx)
    const [d, unknown] = describeGroups(ctx.gc, [G, 'unknown'])
    assert.equal(d?.groupState, 'Stable')
    assert.equal(d?.protocolType, 'consumer')
    assert.equal(d?.protocolData, 'range')
    assert.equal(d?.members[0]?.memberId, m.memberId)
    assert.equal(d?.members[0]?.clientHost, '/127.0.0.1')
    assert.deepEqual(d?.members[0]?.memberAssignment, assignment({ foo: [0, 1, 2] }))
    assert.ok((d?.members[0]?.memberMetadata.length ?? 0) > 0)
    assert.deepEqual([unknown?.errorCode, unknown?.groupState, unknown?.members], [ErrorCode.NONE, 'Dead', []])
    assert.deepEqual(
      listGroups(ctx.gc, ['STABLE'], []).groups.map((g) => g.groupId),
      [G],
    )
    assert.deepEqual(listGroups(ctx.gc, ['Empty'], []).groups, [])
  })
})
