import assert from 'node:assert/strict'
import { test } from 'node:test'
import { syncGroupHandler } from '../../../src/broker/handlers/sync-group.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeSyncGroupResponse,
  encodeSyncGroupRequest,
  type SyncGroupRequest,
} from '../../../src/protocol/generated/sync-group.ts'
import { assignment, GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const call = (ctx: GroupTestContext, v: number, r: SyncGroupRequest) =>
  roundTrip(syncGroupHandler, ctx, v, r, encodeSyncGroupRequest, decodeSyncGroupResponse)

test('versions 0-5 deliver the assignment; v5 returns protocol type and name', async () => {
  for (let v = 0; v <= 5; v++) {
    const ctx = await GroupTestContext.create()
    const j = await ctx.join({ groupId: 'g' }, 3)
    const a = assignment({ foo: [0, 1, 2] })
    const r = await call(ctx, v, {
      groupId: 'g',
      generationId: j.generationId,
      memberId: j.memberId,
      groupInstanceId: null,
      protocolType: v >= 5 ? 'consumer' : null,
      protocolName: v >= 5 ? 'range' : null,
      assignments: [{ memberId: j.memberId, assignment: a }],
    })
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.deepEqual(r.assignment, a)
    if (v >= 5) assert.deepEqual([r.protocolType, r.protocolName], ['consumer', 'range'])
  }
})
