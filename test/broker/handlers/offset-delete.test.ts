import assert from 'node:assert/strict'
import { test } from 'node:test'
import { offsetDeleteHandler } from '../../../src/broker/handlers/offset-delete.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeOffsetDeleteResponse,
  encodeOffsetDeleteRequest,
  type OffsetDeleteRequest,
} from '../../../src/protocol/generated/offset-delete.ts'
import { GroupTestContext, subscription } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const call = (ctx: GroupTestContext, r: OffsetDeleteRequest) =>
  roundTrip(offsetDeleteHandler, ctx, 0, r, encodeOffsetDeleteRequest, decodeOffsetDeleteResponse)

test('subscribed topics are refused, others deleted, unknown topics UNKNOWN_TOPIC_OR_PARTITION', async () => {
  const ctx = await GroupTestContext.create()
  const j = await ctx.join({ groupId: 'g', protocols: [{ name: 'range', metadata: subscription('foo') }] }, 3)
  await ctx.sync({ groupId: 'g', memberId: j.memberId, generationId: j.generationId })
  await ctx.commit(
    { groupId: 'g', memberId: j.memberId, generationIdOrMemberEpoch: j.generationId },
    {
      foo: { 0: 1 },
      bar: { 0: 1 },
    },
  )
  const r = await call(ctx, {
    groupId: 'g',
    topics: [
      { name: 'foo', partitions: [{ partitionIndex: 0 }] },
      { name: 'bar', partitions: [{ partitionIndex: 0 }] },
      { name: 'zzz', partitions: [{ partitionIndex: 0 }] },
    ],
  })
  assert.equal(r.errorCode, ErrorCode.NONE)
  assert.deepEqual(
    r.topics.map((t) => [t.name, t.partitions[0]?.errorCode]),
    [
      ['foo', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      ['bar', 0],
      ['zzz', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ],
  )
  assert.equal((await call(ctx, { groupId: 'missing', topics: [] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
})

test('a non-empty group of another protocol type answers NON_EMPTY_GROUP', async () => {
  const ctx = await GroupTestContext.create()
  await ctx.join({ groupId: 'connect-group', protocolType: 'connect' }, 3)
  const r = await call(ctx, {
    groupId: 'connect-group',
    topics: [{ name: 'foo', partitions: [{ partitionIndex: 0 }] }],
  })
  assert.equal(r.errorCode, ErrorCode.NON_EMPTY_GROUP)
})
