import assert from 'node:assert/strict'
import { test } from 'node:test'
import { consumerGroupHeartbeatHandler } from '../../../src/broker/handlers/consumer-group-heartbeat.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  type ConsumerGroupHeartbeatRequest,
  decodeConsumerGroupHeartbeatResponse,
  encodeConsumerGroupHeartbeatRequest,
} from '../../../src/protocol/generated/consumer-group-heartbeat.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const join = (r: Partial<ConsumerGroupHeartbeatRequest>): ConsumerGroupHeartbeatRequest => ({
  groupId: 'g',
  memberId: '',
  memberEpoch: 0,
  instanceId: null,
  rackId: null,
  rebalanceTimeoutMs: 30_000,
  subscribedTopicNames: ['foo'],
  subscribedTopicRegex: null,
  serverAssignor: null,
  topicPartitions: [],
  ...r,
})

const call = (ctx: GroupTestContext, v: number, r: ConsumerGroupHeartbeatRequest) =>
  roundTrip(
    consumerGroupHeartbeatHandler,
    ctx,
    v,
    r,
    encodeConsumerGroupHeartbeatRequest,
    decodeConsumerGroupHeartbeatResponse,
  )

test('v0 and v1: join, heartbeat, leave through the wire', async () => {
  for (const v of [0, 1]) {
    const ctx = await GroupTestContext.create()
    const joined = await call(ctx, v, join({}))
    assert.equal(joined.errorCode, ErrorCode.NONE)
    assert.equal(joined.memberEpoch, 1)
    assert.equal(joined.assignment?.topicPartitions[0]?.topicId, ctx.topicId('foo'))
    const hb = await call(
      ctx,
      v,
      join({
        memberId: joined.memberId!,
        memberEpoch: 1,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        topicPartitions: null,
      }),
    )
    assert.equal(hb.errorCode, ErrorCode.NONE)
    assert.equal(hb.assignment, null, 'no assignment when nothing changed and the request is not full')
    const left = await call(ctx, v, join({ memberId: joined.memberId!, memberEpoch: -1 }))
    assert.deepEqual([left.errorCode, left.memberEpoch], [ErrorCode.NONE, -1])
  }
})

test('v1: regex subscriptions', async () => {
  const ctx = await GroupTestContext.create()
  const r = await call(ctx, 1, join({ subscribedTopicNames: null, subscribedTopicRegex: 'fo.' }))
  assert.equal(r.errorCode, ErrorCode.NONE)
  assert.equal(r.assignment?.topicPartitions[0]?.partitions.length, 3)
})

test('the consumer protocol can be disabled (group.coordinator.rebalance.protocols=classic)', async () => {
  const ctx = await GroupTestContext.create({ config: { rebalanceProtocols: ['classic'] } })
  assert.equal((await call(ctx, 0, join({}))).errorCode, ErrorCode.UNSUPPORTED_VERSION)
})
