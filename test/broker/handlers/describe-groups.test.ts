import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describeGroupsHandler } from '../../../src/broker/handlers/describe-groups.ts'
import {
  decodeDescribeGroupsResponse,
  encodeDescribeGroupsRequest,
} from '../../../src/protocol/generated/describe-groups.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

test('versions 0-5 describe members; v4+ with group.instance.id; unknown groups are Dead', async () => {
  const ctx = await GroupTestContext.create()
  const j = await ctx.join({ groupId: 'g', groupInstanceId: 'inst-1' }, 5)
  for (let v = 0; v <= 5; v++) {
    const r = await roundTrip(
      describeGroupsHandler,
      ctx,
      v,
      { groups: ['g', 'other'], includeAuthorizedOperations: false },
      encodeDescribeGroupsRequest,
      decodeDescribeGroupsResponse,
    )
    const [g, other] = r.groups
    assert.equal(g?.groupState, 'CompletingRebalance')
    assert.equal(g?.members[0]?.memberId, j.memberId)
    assert.equal(g?.members[0]?.clientHost, '/127.0.0.1')
    assert.equal(g?.members[0]?.groupInstanceId, v >= 4 ? 'inst-1' : null)
    assert.deepEqual([other?.groupState, other?.errorCode], ['Dead', 0])
  }
})
