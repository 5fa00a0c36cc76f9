import assert from 'node:assert/strict'
import { test } from 'node:test'
import { offsetCommitHandler } from '../../../src/broker/handlers/offset-commit.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import {
  decodeOffsetCommitResponse,
  encodeOffsetCommitRequest,
  type OffsetCommitRequest,
} from '../../../src/protocol/generated/offset-commit.ts'
import { GroupTestContext } from '../../coordinator/group/group-test-context.ts'
import { roundTrip } from '../../coordinator/group/handler-harness.ts'

const request = (topics: Record<string, number[]>, r: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest => ({
  groupId: 'g',
  generationIdOrMemberEpoch: -1,
  memberId: '',
  groupInstanceId: null,
  retentionTimeMs: -1,
  topics: Object.entries(topics).map(([name, ps]) => ({
    name,
    partitions: ps.map((p) => ({
      partitionIndex: p,
      committedOffset: 100 + p,
      committedLeaderEpoch: -1,
      commitTimestamp: -1,
      committedMetadata: 'meta',
    })),
  })),
  ...r,
})

const call = (ctx: GroupTestContext, v: number, r: OffsetCommitRequest) =>
  roundTrip(offsetCommitHandler, ctx, v, r, encodeOffsetCommitRequest, decodeOffsetCommitResponse)

test('every version 0-9 commits; unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION, the rest commit', async () => {
  for (let v = 0; v <= 9; v++) {
    const ctx = await GroupTestContext.create()
    const r = await call(ctx, v, request({ foo: [0, 7], nope: [0], bar: [1] }))
    assert.deepEqual(
      r.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]),
      [
        [
          'foo',
          [
            [0, 0],
            [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
          ],
        ],
        ['nope', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
        ['bar', [[1, 0]]],
      ],
      `v${v}`,
    )
    const f = await ctx.fetch('g', { foo: [0], bar: [1] })
    assert.deepEqual(
      f.topics.map((t) => t.partitions[0]?.committedOffset),
      [100, 101],
    )
  }
})

test('v1 carries the commit timestamp; v2 a retention time (stored as offset commit value v1)', async () => {
  const ctx = await GroupTestContext.create()
  const v1 = request({ foo: [0] })
  v1.topics[0]!.partitions[0]!.commitTimestamp = 1234
  await call(ctx, 1, v1)
  assert.equal(ctx.gc.read('g', (s) => s.offsets.offset('g', 'foo', 0))?.commitTimestampMs, 1234)
  await call(ctx, 2, request({ foo: [1] }, { retentionTimeMs: 60_000 }))
  assert.equal(ctx.log.records().at(-1)?.value?.readInt16BE(0), 1)
  await call(ctx, 8, request({ foo: [2] }))
  assert.equal(ctx.log.records().at(-1)?.value?.readInt16BE(0), 3)
})

test('a stale generation fails every partition and writes nothing', async () => {
  const ctx = await GroupTestContext.create()
  const joined = await ctx.join({ groupId: 'g' }, 3)
  const appends = ctx.log.appends
  const r = await call(ctx, 5, request({ foo: [0, 1] }, { memberId: joined.memberId, generationIdOrMemberEpoch: 99 }))
  assert.deepEqual(
    r.topics[0]?.partitions.map((p) => p.errorCode),
    [ErrorCode.ILLEGAL_GENERATION, ErrorCode.ILLEGAL_GENERATION],
  )
  assert.equal(ctx.log.appends, appends)
})
