import assert from 'node:assert/strict'
import { test } from 'node:test'
import { offsetFetchHandler } from '../../../src/broker/handlers/offset-fetch.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeOffsetFetchResponse,
  encodeOffsetFetchRequest,
  type OffsetFetchRequest,
} from '../../../src/protocol/generated/offset-fetch.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const request = (r: Partial<OffsetFetchRequest>): OffsetFetchRequest => ({
  groupId: 'g',
  topics: [{ name: 'foo', partitionIndexes: [0, 1] }],
  groups: [],
  requireStable: false,
  ...r,
})

const call = (ctx: GroupTestContext, v: number, r: OffsetFetchRequest) =>
  roundTrip(offsetFetchHandler, ctx, v, r, encodeOffsetFetchRequest, decodeOffsetFetchResponse)

test('v0-v7: committed and uncommitted partitions (offset -1, metadata "", epoch -1, NONE)', async () => {
  const ctx = await GroupTestContext.create()
  await ctx.commit({ groupId: 'g' }, { foo: { 0: 5 } })
  for (let v = 0; v <= 7; v++) {
    const r = await call(ctx, v, request({}))
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.deepEqual(
      r.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode]),
      [
        [0, 5, '', 0],
        [1, -1, '', 0],
      ],
      `v${v}`,
    )
    if (v >= 5) assert.equal(r.topics[0]?.partitions[1]?.committedLeaderEpoch, -1)
  }
})

test('v2+: topics null means every committed partition', async () => {
  const ctx = await GroupTestContext.create()
  await ctx.commit({ groupId: 'g' }, { foo: { 2: 7 }, bar: { 0: 1 } })
  const r = await call(ctx, 2, request({ topics: null }))
  assert.deepEqual(
    r.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])]),
    [
      ['foo', [[2, 7]]],
      ['bar', [[0, 1]]],
    ],
  )
})

test('before v2 a group error is reported on every requested partition', async () => {
  const ctx = await GroupTestContext.create()
  ctx.gc.shutdown()
  const r = await call(ctx, 1, request({}))
  assert.deepEqual(
    r.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode]),
    [
      [0, -1, ErrorCode.COORDINATOR_NOT_AVAILABLE],
      [1, -1, ErrorCode.COORDINATOR_NOT_AVAILABLE],
    ],
  )
  assert.equal((await call(ctx, 3, request({}))).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE)
})

test('v8+: several groups in one request, each with its own result', async () => {
  const ctx = await GroupTestContext.create()
  await ctx.commit({ groupId: 'g1' }, { foo: { 0: 1 } })
  await ctx.commit({ groupId: 'g2' }, { foo: { 0: 2 } })
  const r = await call(
    ctx,
    8,
    request({
      groups: [
        { groupId: 'g1', memberId: null, memberEpoch: -1, topics: [{ name: 'foo', partitionIndexes: [0] }] },
        { groupId: 'g2', memberId: null, memberEpoch: -1, topics: null },
      ],
      requireStable: true,
    }),
  )
  assert.deepEqual(
    r.groups.map((g) => [g.groupId, g.errorCode, g.topics[0]?.partitions[0]?.committedOffset]),
    [
      ['g1', 0, 1],
      ['g2', 0, 2],
    ],
  )
})
