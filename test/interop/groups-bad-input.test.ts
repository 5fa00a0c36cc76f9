/**
 * Bad group requests from a real client's protocol layer (kafka-python 2.0.2's request classes: the old
 * versions it and Sarama send, JoinGroup v1, SyncGroup v0, OffsetCommit v2, OffsetFetch v1): stale
 * generations, unknown members, oversized metadata and an empty group id get Kafka's error codes, and the
 * committed offset is unchanged afterwards.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { ErrorCode } from '../../src/protocol/error-codes.ts'
import { startBroker } from '../../src/server/embed.ts'
import { runPython } from '../helpers/interop.ts'
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
