import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deleteGroupsHandler } from '../../../src/broker/handlers/delete-groups.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import { decodeDeleteGroupsResponse, encodeDeleteGroupsRequest } from '../../../src/protocol/generated/delete-groups.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

test('versions 0-2: empty groups are deleted with their offsets; NON_EMPTY_GROUP and GROUP_ID_NOT_FOUND', async () => {
  for (let v = 0; v <= 2; v++) {
    const ctx = await GroupTestContext.create()
    await ctx.commit({ groupId: 'simple' }, { foo: { 0: 1 } })
    await ctx.join({ groupId: 'busy' }, 3)
    const r = await roundTrip(
      deleteGroupsHandler,
      ctx,
      v,
      { groupsNames: ['simple', 'busy', 'none'] },
      encodeDeleteGroupsRequest,
      decodeDeleteGroupsResponse,
    )
    assert.deepEqual(
      r.results.map((x) => [x.groupId, x.errorCode]),
      [
        ['simple', 0],
        ['busy', ErrorCode.NON_EMPTY_GROUP],
        ['none', ErrorCode.GROUP_ID_NOT_FOUND],
      ],
    )
    assert.equal((await ctx.fetch('simple', { foo: [0] })).topics[0]?.partitions[0]?.committedOffset, -1)
  }
})
