import assert from 'node:assert/strict'
import { test } from 'node:test'
import { listGroupsHandler } from '../../../src/broker/handlers/list-groups.ts'
import { decodeListGroupsResponse, encodeListGroupsRequest } from '../../../src/protocol/generated/list-groups.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

test('versions 0-5; v4 filters by state (case-insensitive), v5 by type', async () => {
  const ctx = await GroupTestContext.create()
  await ctx.commit({ groupId: 'simple' }, { foo: { 0: 1 } })
  await ctx.join({ groupId: 'active' }, 3)
  const list = (v: number, statesFilter: string[] = [], typesFilter: string[] = []) =>
    roundTrip(
      listGroupsHandler,
      ctx,
      v,
      { statesFilter, typesFilter },
      encodeListGroupsRequest,
      decodeListGroupsResponse,
    )
  for (let v = 0; v <= 5; v++) {
    const r = await list(v)
    assert.deepEqual(r.groups.map((g) => [g.groupId, g.protocolType]).sort(), [
      ['active', 'consumer'],
      ['simple', ''],
    ])
  }
  assert.deepEqual(
    (await list(4, ['completingrebalance'])).groups.map((g) => [g.groupId, g.groupState]),
    [['active', 'CompletingRebalance']],
  )
  assert.deepEqual((await list(5, [], ['consumer'])).groups, [])
  assert.equal((await list(5, [], ['classic'])).groups.length, 2)
  assert.equal((await list(5)).groups[0]?.groupType, 'classic')
})
