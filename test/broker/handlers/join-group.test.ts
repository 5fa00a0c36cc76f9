import assert from 'node:assert/strict'
import { test } from 'node:test'
import { joinGroupHandler } from '../../../src/broker/handlers/join-group.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeJoinGroupResponse,
  encodeJoinGroupRequest,
  type JoinGroupRequest,
} from '../../../src/protocol/generated/join-group.ts'
import { GroupTestContext, subscription } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const request = (r: Partial<JoinGroupRequest>): JoinGroupRequest => ({
  groupId: 'g',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 60_000,
  memberId: '',
  groupInstanceId: null,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: subscription('foo') }],
  reason: null,
  ...r,
})

const call = (ctx: GroupTestContext, v: number, r: Partial<JoinGroupRequest>) =>
  roundTrip(joinGroupHandler, ctx, v, request(r), encodeJoinGroupRequest, decodeJoinGroupResponse)

test('every version from 0 to 9 joins; v4+ first answers MEMBER_ID_REQUIRED', async () => {
  for (let v = 0; v <= 9; v++) {
    const ctx = await GroupTestContext.create()
    const joined = async (memberId: string) => {
      const pending = call(ctx, v, { memberId })
      await ctx.advance(0)
      return pending
    }
    let r = await joined('')
    if (v >= 4) {
      assert.equal(r.errorCode, ErrorCode.MEMBER_ID_REQUIRED, `v${v}`)
      r = await joined(r.memberId)
    }
    assert.equal(r.errorCode, ErrorCode.NONE, `v${v}`)
    assert.equal(r.generationId, 1)
    assert.equal(r.protocolName, 'range')
    assert.equal(r.members.length, 1)
    if (v >= 7) assert.equal(r.protocolType, 'consumer')
    const member = ctx.group('g')!.member(r.memberId)
    assert.equal(member.clientHost, '/127.0.0.1')
    assert.equal(member.clientId, 'test-client')
    // v0 has no rebalance timeout: the session timeout is used.
    assert.equal(member.rebalanceTimeoutMs, v === 0 ? 10_000 : 60_000)
  }
})

test('errors keep the member id and carry no protocol', async () => {
  const ctx = await GroupTestContext.create()
  const r = await call(ctx, 7, { groupId: '' })
  assert.equal(r.errorCode, ErrorCode.INVALID_GROUP_ID)
  assert.equal(r.protocolName, null)
  const s = await call(ctx, 2, { sessionTimeoutMs: 1 })
  assert.equal(s.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT)
  assert.equal(s.protocolName, '', 'protocol_name is not nullable before v7')
})
