import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as api from '../../../src/coordinator/group/group-coordinator-api.ts'
import { MetadataDelta } from '../../../src/metadata/image/metadata-delta.ts'
import { ErrorCode } from '../../../src/protocol/error-codes.ts'
import type { TxnOffsetCommitRequest } from '../../../src/protocol/generated/txn-offset-commit.ts'
import { decodeRecordBatches } from '../../../src/protocol/records/records.ts'
import { GroupTestContext } from '../group/group-test-context.ts'
import { settle } from '../memory-coordinator-log.ts'

const PID = 77

function txnCommit(
  groupId: string,
  offset: number,
  extra: Partial<TxnOffsetCommitRequest> = {},
): TxnOffsetCommitRequest {
  return {
    transactionalId: 'tx',
    groupId,
    producerId: PID,
    producerEpoch: 2,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: 'foo',
        partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' }],
      },
    ],
    ...extra,
  }
}

/** A restart: a new group coordinator replays the same `__consumer_offsets` log. */
async function reload(ctx: GroupTestContext): Promise<void> {
  ctx.gc.shutdown()
  ctx.gc = ctx.newCoordinator()
  ctx.gc.onMetadataUpdate(new MetadataDelta(ctx.image), ctx.image)
  await settle()
}

const offsetOf = async (ctx: GroupTestContext, groupId: string, requireStable: boolean) => {
  const r = await ctx.fetch(groupId, { foo: [0] }, requireStable)
  const p = r.topics[0]!.partitions[0]!
  return [p.errorCode, p.committedOffset]
}

describe('transactional offset commits', () => {
  it('are pending (UNSTABLE_OFFSET_COMMIT with require_stable) until the COMMIT marker, then committed', async () => {
    const ctx = await GroupTestContext.create()
    const r = await api.commitTransactionalOffsets(ctx.gc, txnCommit('g', 42), 3)
    assert.equal(r[0]!.partitions[0]!.errorCode, ErrorCode.NONE)
    const batch = decodeRecordBatches(ctx.log.batches.at(-1)!.bytes)[0]!
    assert.deepEqual([batch.isTransactional, batch.producerId, batch.producerEpoch], [true, PID, 2])
    assert.deepEqual(await offsetOf(ctx, 'g', true), [ErrorCode.UNSTABLE_OFFSET_COMMIT, -1])
    assert.deepEqual(await offsetOf(ctx, 'g', false), [ErrorCode.NONE, -1])
    assert.equal(await api.completeTransaction(ctx.gc, 0, PID, 2, 0, true), ErrorCode.NONE)
    const marker = decodeRecordBatches(ctx.log.batches.at(-1)!.bytes)[0]!
    assert.deepEqual([marker.isControl, marker.producerId], [true, PID])
    assert.deepEqual(await offsetOf(ctx, 'g', true), [ErrorCode.NONE, 42])
  })

  it('vanish at an ABORT marker, and survive a reload as the log says', async () => {
    const ctx = await GroupTestContext.create()
    await api.commitTransactionalOffsets(ctx.gc, txnCommit('g', 10), 3)
    await api.completeTransaction(ctx.gc, 0, PID, 2, 0, true)
    await api.commitTransactionalOffsets(ctx.gc, txnCommit('g', 20), 3)
    await api.completeTransaction(ctx.gc, 0, PID, 2, 0, false)
    await api.commitTransactionalOffsets(ctx.gc, txnCommit('g', 30), 3)
    assert.deepEqual(await offsetOf(ctx, 'g', false), [ErrorCode.NONE, 10])
    await reload(ctx)
    assert.deepEqual(await offsetOf(ctx, 'g', true), [ErrorCode.UNSTABLE_OFFSET_COMMIT, -1])
    await api.completeTransaction(ctx.gc, 0, PID, 2, 0, true)
    assert.deepEqual(await offsetOf(ctx, 'g', true), [ErrorCode.NONE, 30])
  })

  it('check the group: generation >= 0 for an unknown group is ILLEGAL_GENERATION; metadata too large per partition', async () => {
    const ctx = await GroupTestContext.create()
    const r = await api.commitTransactionalOffsets(ctx.gc, txnCommit('g', 1, { generationId: 3, memberId: 'm' }), 3)
    assert.equal(r[0]!.partitions[0]!.errorCode, ErrorCode.ILLEGAL_GENERATION)
    const big = txnCommit('g', 1)
    big.topics[0]!.partitions[0]!.committedMetadata = 'x'.repeat(5000)
    const r2 = await api.commitTransactionalOffsets(ctx.gc, big, 3)
    assert.equal(r2[0]!.partitions[0]!.errorCode, ErrorCode.OFFSET_METADATA_TOO_LARGE)
  })

  it('to a KIP-848 group with members: only the group id commits unchecked; any identity sent is validated', async () => {
    const ctx = await GroupTestContext.create()
    const member = await ctx.cgJoin('g', ['foo'])
    assert.equal(member.memberEpoch, 1)
    const code = async (extra: Partial<TxnOffsetCommitRequest>, version = 3) =>
      (await api.commitTransactionalOffsets(ctx.gc, txnCommit('g', 5, extra), version))[0]!.partitions[0]!.errorCode
    // A producer's sendOffsetsToTransaction(offsets, groupId): generation -1, no member, no instance.
    assert.equal(await code({}, 0), ErrorCode.NONE)
    assert.equal(await code({}), ErrorCode.NONE)
    assert.equal(await code({ groupInstanceId: 'i' }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await code({ memberId: 'nobody' }), ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await code({ memberId: member.memberId!, generationId: 7 }), ErrorCode.ILLEGAL_GENERATION)
    assert.equal(await code({ memberId: member.memberId!, generationId: 1 }), ErrorCode.NONE)
    // The exemption is for transactional commits only: a plain OffsetCommit without a member is refused.
    const plain = await ctx.commit({ groupId: 'g' }, { foo: { 0: 9 } }, 9)
    assert.equal(plain[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID)
    assert.equal(await api.completeTransaction(ctx.gc, 0, PID, 2, 0, true), ErrorCode.NONE)
    assert.deepEqual(await offsetOf(ctx, 'g', true), [ErrorCode.NONE, 5])
  })
})
