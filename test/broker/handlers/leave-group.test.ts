import assert from 'node:assert/strict'
import { test } from 'node:test'
import { leaveGroupHandler } from '../../../src/broker/handlers/leave-group.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeLeaveGroupResponse,
  encodeLeaveGroupRequest,
  type LeaveGroupRequest,
} from '../../../src/protocol/generated/leave-group.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const call = (ctx: GroupTestContext, v: number, r: LeaveGroupRequest) =>
  roundTrip(leaveGroupHandler, ctx, v, r, encodeLeaveGroupRequest, decodeLeaveGroupResponse)

test('v0-v2: one member; its error is the top-level error', async () => {
  const ctx = await GroupTestContext.create()
  const joined = await ctx.join({ groupId: 'g' }, 3)
  const unknown = await call(ctx, 0, { groupId: 'g', memberId: 'nobody', members: [] })
  assert.equal(unknown.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
  const ok = await call(ctx, 1, { groupId: 'g', memberId: joined.memberId, members: [] })
  assert.equal(ok.errorCode, ErrorCode.NONE)
  assert.equal(ctx.group('g')?.state, 'Empty')
  assert.equal((await call(ctx, 2, { groupId: '', memberId: 'x', members: [] })).errorCode, ErrorCode.INVALID_GROUP_ID)
})

test('v3+: batched members answered one by one (v5 with reasons)', async () => {
  const ctx = await GroupTestContext.create()
  const a = ctx.join({ groupId: 'g' }, 3)
  const b = ctx.join({ groupId: 'g', groupInstanceId: 'inst' }, 5)
  const [ra] = await Promise.all([a, b])
  const r = await call(ctx, 5, {
    groupId: 'g',
    memberId: '',
    members: [
      { memberId: ra.memberId, groupInstanceId: null, reason: 'shutting down' },
      { memberId: '', groupInstanceId: 'inst', reason: null },
      { memberId: 'ghost', groupInstanceId: null, reason: null },
    ],
  })
  assert.equal(r.errorCode, ErrorCode.NONE)
  assert.deepEqual(
    r.members.map((m) => [m.memberId, m.groupInstanceId, m.errorCode]),
    [
      [ra.memberId, null, 0],
      ['', 'inst', 0],
      ['ghost', null, ErrorCode.UNKNOWN_MEMBER_ID],
    ],
  )
})
