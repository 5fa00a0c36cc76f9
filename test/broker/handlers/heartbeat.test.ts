import assert from 'node:assert/strict'
import { test } from 'node:test'
import { heartbeatHandler } from '../../../src/broker/handlers/heartbeat.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeHeartbeatResponse,
  encodeHeartbeatRequest,
  type HeartbeatRequest,
} from '../../../src/protocol/generated/heartbeat.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const call = (ctx: GroupTestContext, v: number, r: HeartbeatRequest) =>
  roundTrip(heartbeatHandler, ctx, v, r, encodeHeartbeatRequest, decodeHeartbeatResponse)

test('versions 0-4: NONE for a member of the current generation, REBALANCE_IN_PROGRESS during a rebalance', async () => {
  const ctx = await GroupTestContext.create()
  const j = await ctx.join({ groupId: 'g' }, 3)
  const hb = { groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null }
  for (let v = 0; v <= 4; v++) assert.equal((await call(ctx, v, hb)).errorCode, ErrorCode.NONE)
  void ctx.join({ groupId: 'g' }, 3)
  await ctx.advance(0)
  for (let v = 0; v <= 4; v++) assert.equal((await call(ctx, v, hb)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
  assert.equal((await call(ctx, 0, { ...hb, generationId: 0 })).errorCode, ErrorCode.ILLEGAL_GENERATION)
})
