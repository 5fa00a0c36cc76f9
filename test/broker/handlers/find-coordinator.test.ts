import assert from 'node:assert/strict'
import { test } from 'node:test'
import { findCoordinatorHandler } from '../../../src/broker/handlers/find-coordinator.ts'
import { CONSUMER_OFFSETS_TOPIC } from '../../../src/metadata/topic-names.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorRequest,
  type FindCoordinatorRequest,
} from '../../../src/protocol/generated/find-coordinator.ts'
import { GroupTestContext, topicRecords } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const request = (r: Partial<FindCoordinatorRequest>): FindCoordinatorRequest => ({
  key: '',
  keyType: 0,
  coordinatorKeys: [],
  ...r,
})

const call = (ctx: GroupTestContext, v: number, r: Partial<FindCoordinatorRequest>) =>
  roundTrip(findCoordinatorHandler, ctx, v, request(r), encodeFindCoordinatorRequest, decodeFindCoordinatorResponse)

test('v0-v3: one key; the leader of the group partition on the request listener; error_message "NONE"', async () => {
  const ctx = await GroupTestContext.create()
  for (const v of [0, 1, 2, 3]) {
    const r = await call(ctx, v, { key: 'my-group' })
    assert.equal(r.errorCode, ErrorCode.NONE)
    assert.deepEqual([r.nodeId, r.host, r.port], [1, 'localhost', 9092])
    if (v >= 1) assert.equal(r.errorMessage, 'NONE')
  }
})

test('v4+: batched coordinator keys, one result each', async () => {
  const ctx = await GroupTestContext.create()
  const r = await call(ctx, 4, { coordinatorKeys: ['a', 'b'] })
  assert.deepEqual(
    r.coordinators.map((c) => [c.key, c.nodeId, c.host, c.port, c.errorCode]),
    [
      ['a', 1, 'localhost', 9092, 0],
      ['b', 1, 'localhost', 9092, 0],
    ],
  )
})

test('unknown key types are INVALID_REQUEST (transaction keys: test/broker/handlers/transactions.test.ts)', async () => {
  const ctx = await GroupTestContext.create()
  const b = await call(ctx, 6, { keyType: 2, coordinatorKeys: ['x'] })
  assert.equal(b.coordinators[0]?.errorCode, ErrorCode.INVALID_REQUEST)
})

test('the first lookup creates __consumer_offsets through the controller, replication capped at the brokers', async () => {
  const ctx = await GroupTestContext.create()
  // A fresh image without the topic, and a controller that records the request and creates it.
  const created: unknown[] = []
  const image = ctx.image
  ctx.image = (await import('../../../src/metadata/image/metadata-image.ts')).MetadataImage.EMPTY
  await ctx.publish([])
  ctx.gc = new (await import('../../../src/coordinator/group/group-coordinator.ts')).GroupCoordinator({
    nodeId: 1,
    config: { ...ctx.config, offsetsTopicNumPartitions: 7, offsetsTopicReplicationFactor: 3 },
    scheduler: ctx.scheduler,
    logger: (await import('../../../src/common/log.ts')).silentLogger(),
    leaderLog: () => undefined,
    metadata: () => ctx.image,
    createTopics: async (topics) => {
      created.push(...topics)
      ctx.image = image
      await ctx.publish(topicRecords('unused', 'AAAAAAAAAAAAAAAAAAAAZw', 1))
      return topics.map((t) => ({
        name: t.name,
        topicId: 'x',
        errorCode: 0,
        errorMessage: null,
        numPartitions: 7,
        replicationFactor: 1,
      }))
    },
  })
  // No broker is registered in the empty image: the factor is capped to 1.
  const r = await call(ctx, 2, { key: 'g' })
  assert.equal(r.errorCode, ErrorCode.NONE)
  assert.deepEqual(created, [
    {
      name: CONSUMER_OFFSETS_TOPIC,
      numPartitions: 7,
      replicationFactor: 1,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: 'producer' },
        { name: 'segment.bytes', value: '104857600' },
      ],
    },
  ])
})
