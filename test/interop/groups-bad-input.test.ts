/**
 * Bad group requests, and the group unchanged after each one. First from a real client's protocol layer
 * (kafka-python 2.0.2's request classes: the old versions it and Sarama send, JoinGroup v1, SyncGroup v0,
 * OffsetCommit v2, OffsetFetch v1): stale generations, unknown members, oversized metadata and an empty
 * group id get Kafka's error codes. Then the flexible versions current clients send, byte for byte: stale
 * generations and unknown members (OffsetCommit v8/v9, GROUP_ID_NOT_FOUND at v9), fenced static instances,
 * REBALANCE_IN_PROGRESS, invalid group ids on every group API, and metadata past the request and record
 * size limits.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { Kafka, logLevel } from 'kafkajs'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { ApiKey } from '../../src/protocol/generated/api-message-types.ts'
import { decodeDeleteGroupsResponse, encodeDeleteGroupsRequest } from '../../src/protocol/generated/delete-groups.ts'
import {
  decodeDescribeGroupsResponse,
  encodeDescribeGroupsRequest,
} from '../../src/protocol/generated/describe-groups.ts'
import {
  decodeFindCoordinatorResponse,
  encodeFindCoordinatorRequest,
} from '../../src/protocol/generated/find-coordinator.ts'
import {
  decodeHeartbeatResponse,
  encodeHeartbeatRequest,
  type HeartbeatRequest,
} from '../../src/protocol/generated/heartbeat.ts'
import {
  decodeJoinGroupResponse,
  encodeJoinGroupRequest,
  type JoinGroupRequest,
} from '../../src/protocol/generated/join-group.ts'
import {
  decodeOffsetCommitResponse,
  encodeOffsetCommitRequest,
  type OffsetCommitRequest,
} from '../../src/protocol/generated/offset-commit.ts'
import { decodeOffsetFetchResponse, encodeOffsetFetchRequest } from '../../src/protocol/generated/offset-fetch.ts'
import {
  decodeSyncGroupResponse,
  encodeSyncGroupRequest,
  type SyncGroupRequest,
} from '../../src/protocol/generated/sync-group.ts'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { runPython } from '../helpers/interop.ts'
import { ConnectionClosedError, WireClient } from '../helpers/kafka-wire.ts'
import { clientMissing } from './groups-harness.ts'

const SCRIPT = `
import json, sys
from kafka.client_async import KafkaClient
from kafka.protocol.commit import OffsetCommitRequest, OffsetFetchRequest, GroupCoordinatorRequest
from kafka.protocol.group import JoinGroupRequest, SyncGroupRequest
a = json.load(sys.stdin)
client = KafkaClient(bootstrap_servers=a['bootstrap'], client_id='bad-input')
node = None
while node is None:
    client.poll(timeout_ms=100)
    node = client.least_loaded_node()
def send(req):
    while not client.ready(node):
        client.poll(timeout_ms=100)
    f = client.send(node, req)
    client.poll(future=f, timeout_ms=30000)
    return f.value
def commit(generation, member, offset, metadata=''):
    r = send(OffsetCommitRequest[2]('g', generation, member, -1, [('t', [(0, offset, metadata)])]))
    return r.topics[0][1][0][1]
def fetch():
    r = send(OffsetFetchRequest[1]('g', [('t', [0])]))
    _, offset, metadata, error = r.topics[0][1][0]
    return [offset, metadata, error]
out = {}
coordinator = send(GroupCoordinatorRequest[0]('g'))
while coordinator.error_code != 0:
    coordinator = send(GroupCoordinatorRequest[0]('g'))
meta = b'\\x00\\x00\\x00\\x00\\x00\\x01\\x00\\x01t\\xff\\xff\\xff\\xff'
join = send(JoinGroupRequest[1]('g', 10000, 10000, '', 'consumer', [('range', meta)]))
while join.error_code != 0:
    join = send(JoinGroupRequest[1]('g', 10000, 10000, '', 'consumer', [('range', meta)]))
member, generation = join.member_id, join.generation_id
out['sync'] = send(SyncGroupRequest[0]('g', generation, member, [(member, b'')])).error_code
out['good'] = commit(generation, member, 5, 'ok')
out['stale_generation'] = commit(generation - 1, member, 6)
out['unknown_member'] = commit(generation, 'intruder', 7)
out['oversized_metadata'] = commit(generation, member, 8, 'x' * 4097)
out['empty_group_join'] = send(JoinGroupRequest[1]('', 10000, 10000, '', 'consumer', [('range', meta)])).error_code
out['fetch'] = fetch()
client.close()
print(json.dumps(out))
`

test('kafka-python protocol layer: bad commits and group ids get Kafka error codes and change nothing', {
  timeout: 120_000,
}, async (t) => {
  const missing = clientMissing('kafka-python')
  if (missing !== null) {
    console.warn(`SKIPPED: ${missing}`)
    t.skip(`SKIPPED: ${missing}`)
    return
  }
  const broker = await startBroker({ config: { 'offsets.topic.num.partitions': '3' } })
  try {
    const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 't', numPartitions: 1 }] })
    await admin.disconnect()
    const out = await runPython<Record<string, unknown>>(SCRIPT, { bootstrap: broker.bootstrap })
    assert.deepEqual(out, {
      sync: ErrorCode.NONE,
      good: ErrorCode.NONE,
      stale_generation: ErrorCode.ILLEGAL_GENERATION,
      unknown_member: ErrorCode.UNKNOWN_MEMBER_ID,
      oversized_metadata: ErrorCode.OFFSET_METADATA_TOO_LARGE,
      empty_group_join: ErrorCode.INVALID_GROUP_ID,
      fetch: [5, 'ok', ErrorCode.NONE],
    })
  } finally {
    await broker.close()
  }
})

/**
 * The same proof at the versions today's clients send (JoinGroup v9, SyncGroup v5, Heartbeat v4,
 * OffsetCommit v8/v9, OffsetFetch v8, DescribeGroups v5, DeleteGroups v2: flexible encodings), byte for
 * byte over one TCP connection per member. After every refused request the group is as it was: state,
 * protocol and members by DescribeGroups, the committed offset by OffsetFetch, and the generation by a
 * heartbeat at the old generation that still succeeds.
 */
describe('modern group request versions over the wire: bad input gets Kafka error codes and changes nothing', () => {
  const G = 'wire-group'
  const REQUEST_MAX = 2 * 1024 * 1024
  // ConsumerProtocolSubscription v0 for topic 't', no user data.
  const META = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0xff, 0xff, 0xff, 0xff])
  let broker: EmbeddedBroker
  let a: WireClient
  let check: WireClient
  let memberA = ''
  let generation = -1

  const join = (c: WireClient, r: Partial<JoinGroupRequest> & { groupId: string }, metadata = META) =>
    c.request(
      ApiKey.JoinGroup,
      9,
      (w) =>
        encodeJoinGroupRequest(w, 9, {
          sessionTimeoutMs: 30_000,
          rebalanceTimeoutMs: 30_000,
          memberId: '',
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata }],
          reason: null,
          ...r,
        }),
      decodeJoinGroupResponse,
    )
  const sync = (c: WireClient, r: Partial<SyncGroupRequest> & { memberId: string; generationId: number }) =>
    c.request(
      ApiKey.SyncGroup,
      5,
      (w) =>
        encodeSyncGroupRequest(w, 5, {
          groupId: G,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: 'range',
          assignments: [],
          ...r,
        }),
      decodeSyncGroupResponse,
    )
  const heartbeat = async (c: WireClient, r: Partial<HeartbeatRequest>) =>
    (
      await c.request(
        ApiKey.Heartbeat,
        4,
        (w) =>
          encodeHeartbeatRequest(w, 4, {
            groupId: G,
            generationId: generation,
            memberId: memberA,
            groupInstanceId: 'static-a',
            ...r,
          }),
        decodeHeartbeatResponse,
      )
    ).errorCode
  const commit = async (c: WireClient, version: number, r: Partial<OffsetCommitRequest>, offset = 99) =>
    (
      await c.request(
        ApiKey.OffsetCommit,
        version,
        (w) =>
          encodeOffsetCommitRequest(w, version, {
            groupId: G,
            generationIdOrMemberEpoch: generation,
            memberId: memberA,
            groupInstanceId: null,
            retentionTimeMs: -1,
            topics: [
              {
                name: 't',
                partitions: [
                  {
                    partitionIndex: 0,
                    committedOffset: offset,
                    committedLeaderEpoch: -1,
                    commitTimestamp: -1,
                    committedMetadata: '',
                  },
                ],
              },
            ],
            ...r,
          }),
        decodeOffsetCommitResponse,
      )
    ).topics[0]!.partitions[0]!.errorCode
  const fetchGroup = async (c: WireClient, groupId: string) =>
    (
      await c.request(
        ApiKey.OffsetFetch,
        8,
        (w) =>
          encodeOffsetFetchRequest(w, 8, {
            groupId: '',
            topics: null,
            groups: [{ groupId, memberId: null, memberEpoch: -1, topics: [{ name: 't', partitionIndexes: [0] }] }],
            requireStable: false,
          }),
        decodeOffsetFetchResponse,
      )
    ).groups[0]!
  const describeGroup = async (c: WireClient, groupId: string) =>
    (
      await c.request(
        ApiKey.DescribeGroups,
        5,
        (w) => encodeDescribeGroupsRequest(w, 5, { groups: [groupId], includeAuthorizedOperations: false }),
        decodeDescribeGroupsResponse,
      )
    ).groups[0]!
  const deleteGroup = async (c: WireClient, groupId: string) =>
    (
      await c.request(
        ApiKey.DeleteGroups,
        2,
        (w) => encodeDeleteGroupsRequest(w, 2, { groupsNames: [groupId] }),
        decodeDeleteGroupsResponse,
      )
    ).results[0]!.errorCode
  /** What a user can see of the group: DescribeGroups and the committed offset. */
  const seen = async () => {
    const d = await describeGroup(check, G)
    const f = await fetchGroup(check, G)
    return {
      state: d.groupState,
      protocol: d.protocolData,
      members: d.members.map((m) => [m.memberId, m.groupInstanceId]).sort(),
      committed: f.topics[0]?.partitions[0]?.committedOffset,
    }
  }
  let baseline: Awaited<ReturnType<typeof seen>>
  /** The group is as it was, and still at generation `generation` (a heartbeat at it succeeds). */
  const unchanged = async (what: string) => {
    assert.deepEqual(await seen(), baseline, `${what} changed the group`)
    assert.equal(await heartbeat(check, {}), ErrorCode.NONE, `${what} changed the generation`)
  }

  before(async () => {
    broker = await startBroker({
      config: {
        'offsets.topic.num.partitions': '1',
        'group.initial.rebalance.delay.ms': '0',
        'socket.request.max.bytes': String(REQUEST_MAX),
      },
    })
    a = await WireClient.connect(broker.port)
    check = await WireClient.connect(broker.port)
    assert.equal((await a.createTopic('t', 1)).topics[0]?.errorCode, ErrorCode.NONE)
    for (;;) {
      const r = await a.request(
        ApiKey.FindCoordinator,
        4,
        (w) => encodeFindCoordinatorRequest(w, 4, { key: '', keyType: 0, coordinatorKeys: [G] }),
        decodeFindCoordinatorResponse,
      )
      if (r.coordinators[0]?.errorCode === ErrorCode.NONE) break
      await delay(100)
    }
    // A static member (no MEMBER_ID_REQUIRED round for it) leads generation 1 and commits offset 5.
    const joined = await join(a, { groupId: G, groupInstanceId: 'static-a' })
    assert.equal(joined.errorCode, ErrorCode.NONE)
    memberA = joined.memberId
    generation = joined.generationId
    assert.equal(joined.leader, memberA)
    const synced = await sync(a, {
      memberId: memberA,
      generationId: generation,
      groupInstanceId: 'static-a',
      assignments: [{ memberId: memberA, assignment: Buffer.alloc(0) }],
    })
    assert.equal(synced.errorCode, ErrorCode.NONE)
    assert.equal(await commit(a, 8, { groupInstanceId: 'static-a' }, 5), ErrorCode.NONE)
    baseline = await seen()
    assert.deepEqual(baseline, { state: 'Stable', protocol: 'range', members: [[memberA, 'static-a']], committed: 5 })
  })
  after(async () => {
    a?.close()
    check?.close()
    await broker?.close()
  })

  it('OffsetCommit v8/v9: stale generation, unknown member, admin commit to a live group, unknown group', async () => {
    for (const v of [8, 9]) {
      assert.equal(await commit(a, v, { generationIdOrMemberEpoch: generation - 1 }), ErrorCode.ILLEGAL_GENERATION)
      assert.equal(await commit(a, v, { generationIdOrMemberEpoch: generation + 1 }), ErrorCode.ILLEGAL_GENERATION)
      assert.equal(await commit(a, v, { memberId: 'intruder' }), ErrorCode.UNKNOWN_MEMBER_ID)
      // Generation -1 without a member is an admin commit, which only an Empty group takes.
      assert.equal(await commit(a, v, { generationIdOrMemberEpoch: -1, memberId: '' }), ErrorCode.UNKNOWN_MEMBER_ID)
      await unchanged(`OffsetCommit v${v}`)
    }
    // No such group: v9 says so, older versions answer ILLEGAL_GENERATION (Kafka's OffsetMetadataManager).
    assert.equal(await commit(a, 9, { groupId: 'nosuch', generationIdOrMemberEpoch: 3 }), ErrorCode.GROUP_ID_NOT_FOUND)
    assert.equal(await commit(a, 8, { groupId: 'nosuch', generationIdOrMemberEpoch: 3 }), ErrorCode.ILLEGAL_GENERATION)
    assert.equal((await describeGroup(check, 'nosuch')).groupState, 'Dead', 'no group was created')
  })

  it('FENCED_INSTANCE_ID for a stale member id of the static instance on JoinGroup, Heartbeat and OffsetCommit', async () => {
    const stale = `${memberA}-old`
    const rejoin = await join(a, { groupId: G, groupInstanceId: 'static-a', memberId: stale })
    assert.equal(rejoin.errorCode, ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(await heartbeat(a, { memberId: stale }), ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(await commit(a, 8, { memberId: stale, groupInstanceId: 'static-a' }), ErrorCode.FENCED_INSTANCE_ID)
    assert.equal(await commit(a, 9, { memberId: stale, groupInstanceId: 'static-a' }), ErrorCode.FENCED_INSTANCE_ID)
    // An instance id the group does not know, with a member id, is an unknown member.
    assert.equal(await heartbeat(a, { groupInstanceId: 'static-z' }), ErrorCode.UNKNOWN_MEMBER_ID)
    await unchanged('a fenced instance')
  })

  it('invalid group ids: empty is INVALID_GROUP_ID everywhere; over 32767 bytes the request does not parse', async () => {
    assert.equal((await join(a, { groupId: '' })).errorCode, ErrorCode.INVALID_GROUP_ID)
    for (const v of [8, 9])
      assert.equal(await commit(a, v, { groupId: '', generationIdOrMemberEpoch: -1 }), ErrorCode.INVALID_GROUP_ID)
    assert.equal((await fetchGroup(a, '')).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal((await describeGroup(a, '')).errorCode, ErrorCode.INVALID_GROUP_ID)
    assert.equal(await deleteGroup(a, ''), ErrorCode.INVALID_GROUP_ID)
    await unchanged('an empty group id')
    // Kafka's generated readers refuse a string over 0x7fff bytes: the request is invalid and the broker
    // closes the connection, whichever API carries it.
    const long = 'g'.repeat(0x8000)
    const attempts: [string, (c: WireClient) => Promise<unknown>][] = [
      ['JoinGroup', (c) => join(c, { groupId: long })],
      ['OffsetCommit', (c) => commit(c, 9, { groupId: long, generationIdOrMemberEpoch: -1, memberId: '' })],
      ['OffsetFetch', (c) => fetchGroup(c, long)],
      ['DescribeGroups', (c) => describeGroup(c, long)],
      ['DeleteGroups', (c) => deleteGroup(c, long)],
    ]
    for (const [api, send] of attempts) {
      const c = await WireClient.connect(broker.port)
      await assert.rejects(send(c), ConnectionClosedError, `${api} with a 32768-byte group id`)
      c.close()
    }
    const longest = 'g'.repeat(0x7fff)
    assert.equal((await describeGroup(check, longest)).errorCode, ErrorCode.NONE, '32767 bytes is still a group id')
    await unchanged('an over-long group id')
  })

  it('oversized protocol metadata: above socket.request.max.bytes the connection closes; a group metadata record larger than __consumer_offsets takes fails the SyncGroup', async () => {
    const c = await WireClient.connect(broker.port)
    await assert.rejects(
      join(c, { groupId: G }, Buffer.alloc(REQUEST_MAX + 1, 1)),
      ConnectionClosedError,
      'a JoinGroup frame over socket.request.max.bytes',
    )
    c.close()
    await unchanged('a JoinGroup over socket.request.max.bytes')
    // 1.5 MiB fits the request but not message.max.bytes (1 MiB): Kafka's coordinator cannot write the group
    // metadata record, so the SyncGroup fails with UNKNOWN_SERVER_ERROR and nothing is stored for the group.
    const big = await WireClient.connect(broker.port)
    const metadata = Buffer.concat([META, Buffer.alloc(1536 * 1024, 7)])
    const first = await join(big, { groupId: 'big' }, metadata)
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    const joined = await join(big, { groupId: 'big', memberId: first.memberId }, metadata)
    assert.equal(joined.errorCode, ErrorCode.NONE)
    const synced = await big.request(
      ApiKey.SyncGroup,
      5,
      (w) =>
        encodeSyncGroupRequest(w, 5, {
          groupId: 'big',
          generationId: joined.generationId,
          memberId: joined.memberId,
          groupInstanceId: null,
          protocolType: 'consumer',
          protocolName: 'range',
          assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }],
        }),
      decodeSyncGroupResponse,
    )
    assert.equal(synced.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR)
    assert.notEqual((await describeGroup(check, 'big')).groupState, 'Stable')
    big.close()
    await unchanged('another group with oversized metadata')
  })

  it('REBALANCE_IN_PROGRESS on Heartbeat and SyncGroup while a second member joins', async () => {
    const b = await WireClient.connect(broker.port)
    const first = await join(b, { groupId: G })
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED)
    // B's join waits for the rebalance; A is told to rejoin.
    const bJoined = join(b, { groupId: G, memberId: first.memberId })
    for (;;) {
      if ((await describeGroup(check, G)).groupState === 'PreparingRebalance') break
      await delay(20)
    }
    const during = await seen()
    assert.deepEqual(
      during.members,
      [
        [first.memberId, null],
        [memberA, 'static-a'],
      ].sort(),
    )
    assert.equal(during.committed, 5)
    assert.equal(await heartbeat(a, {}), ErrorCode.REBALANCE_IN_PROGRESS)
    const stale = await sync(a, {
      memberId: memberA,
      generationId: generation,
      groupInstanceId: 'static-a',
      assignments: [{ memberId: memberA, assignment: Buffer.alloc(0) }],
    })
    assert.equal(stale.errorCode, ErrorCode.REBALANCE_IN_PROGRESS)
    assert.deepEqual(await seen(), during, 'the refused SyncGroup changed the group')
    // A rejoins: generation + 1 with both members, and the offset kept.
    const aJoined = await join(a, { groupId: G, memberId: memberA, groupInstanceId: 'static-a' })
    assert.equal(aJoined.errorCode, ErrorCode.NONE)
    assert.equal(aJoined.generationId, generation + 1)
    assert.equal((await bJoined).generationId, generation + 1)
    b.close()
  })
})
