import assert from 'node:assert/strict'
import { test } from 'node:test'
import { consumerGroupDescribeHandler } from '../../../src/broker/handlers/consumer-group-describe.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeConsumerGroupDescribeResponse,
  encodeConsumerGroupDescribeRequest,
} from '../../../src/protocol/generated/consumer-group-describe.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

test('v0 describes KIP-848 groups; classic and unknown groups are GROUP_ID_NOT_FOUND', async () => {
  const ctx = await GroupTestContext.create()
  const m = await ctx.cgJoin('modern', ['foo'], { instanceId: 'i-1' })
  await ctx.commit({ groupId: 'classic' }, { foo: { 0: 1 } })
  const r = await roundTrip(
    consumerGroupDescribeHandler,
    ctx,
    0,
    { groupIds: ['modern', 'classic', 'none'], includeAuthorizedOperations: false },
    encodeConsumerGroupDescribeRequest,
    decodeConsumerGroupDescribeResponse,
  )
  const [modern, classic, none] = r.groups
  assert.equal(modern?.errorCode, ErrorCode.NONE)
  assert.deepEqual([modern?.groupState, modern?.groupEpoch, modern?.assignorName], ['Stable', 1, 'uniform'])
  const member = modern?.members[0]
  assert.deepEqual(
    [member?.memberId, member?.instanceId, member?.memberEpoch, member?.clientHost],
    [m.memberId, 'i-1', 1, '/127.0.0.1'],
  )
  assert.deepEqual(member?.subscribedTopicNames, ['foo'])
  assert.deepEqual(
    member?.assignment.topicPartitions.map((tp) => [tp.topicName, tp.partitions]),
    [['foo', [0, 1, 2]]],
  )
  assert.deepEqual(
    member?.targetAssignment.topicPartitions.map((tp) => tp.partitions),
    [[0, 1, 2]],
  )
  assert.equal(classic?.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
  assert.equal(none?.errorCode, ErrorCode.GROUP_ID_NOT_FOUND)
})
