/**
 * Python admin clients against the broker's config APIs, with the effect checked by a real producer:
 * confluent-kafka-python 1.7.0 (librdkafka 2.0.2) alters topic and broker configs (AlterConfigs) and
 * describes them with their sources (DescribeConfigs), gets INVALID_CONFIG for a bad value, and its
 * producer gets MSG_SIZE_TOO_LARGE once max.message.bytes shrank; kafka-python 2.0.2 alters and describes
 * topic configs with the (older) request versions it picks. A missing module skips its test.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type EmbeddedBroker, startBroker } from '../../src/server/embed.ts'
import { pythonMissing, runPython } from '../helpers/interop.ts'

const CONFLUENT = `
import json, sys
from confluent_kafka import Producer, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic, ConfigResource, ConfigSource
a = json.load(sys.stdin)
admin = AdminClient({'bootstrap.servers': a['bootstrap']})
def wait(futures):
    for f in futures.values(): f.result(30)
wait(admin.create_topics([NewTopic(a['topic'], 1, 1)], operation_timeout=30))
wait(admin.alter_configs([ConfigResource('topic', a['topic'], set_config={'max.message.bytes': '600', 'retention.ms': '3600000'})]))
entries = list(admin.describe_configs([ConfigResource('topic', a['topic'])]).values())[0].result(30)
out = {'topic': {k: [e.value, ConfigSource(e.source).name] for k, e in entries.items() if k in ('max.message.bytes', 'retention.ms', 'cleanup.policy')}}
wait(admin.alter_configs([ConfigResource('broker', '1', set_config={'log.retention.ms': '5400000'})]))
b = list(admin.describe_configs([ConfigResource('broker', '1')]).values())[0].result(30)
out['broker'] = [b['log.retention.ms'].value, ConfigSource(b['log.retention.ms'].source).name]
try:
    wait(admin.alter_configs([ConfigResource('topic', a['topic'], set_config={'retention.ms': 'soon'})]))
    out['invalid'] = None
except KafkaException as e:
    out['invalid'] = [e.args[0].name(), e.args[0].str()]
results = []
p = Producer({'bootstrap.servers': a['bootstrap'], 'retries': 0})
def report(err, msg): results.append(None if err is None else err.name())
p.produce(a['topic'], key=b'k', value=b'x' * 2000, on_delivery=report)
p.flush(30)
p.produce(a['topic'], key=b'k', value=b'small', on_delivery=report)
p.flush(30)
out['produce'] = results
print(json.dumps(out))
`

const KAFKA_PYTHON = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic, ConfigResource, ConfigResourceType
a = json.load(sys.stdin)
admin = KafkaAdminClient(bootstrap_servers=a['bootstrap'], client_id='configs-kafka-python')
admin.create_topics([NewTopic(a['topic'], 1, 1)])
res = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, a['topic'], configs={'cleanup.policy': 'compact,delete', 'segment.ms': '600000'})])
altered = [r[0] for r in res.resources]
desc = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, a['topic'])])
resource = desc[0].resources[0]
values = {e[0]: e[1] for e in resource[4] if e[0] in ('cleanup.policy', 'segment.ms', 'min.insync.replicas')}
defaults = {e[0]: e[3] for e in resource[4] if e[0] in ('cleanup.policy', 'min.insync.replicas')}
admin.close()
print(json.dumps({'altered': altered, 'describeError': resource[0], 'values': values, 'isDefault': defaults}))
`

describe('configs through Python admin clients', () => {
  let broker: EmbeddedBroker
  before(async () => {
    broker = await startBroker()
  })
  after(() => broker.close())

  it('confluent-kafka-python alters and describes topic and broker configs; the producer then gets MSG_SIZE_TOO_LARGE', {
    skip: pythonMissing('confluent_kafka') ?? false,
  }, async () => {
    const out = await runPython<{
      topic: Record<string, [string, string]>
      broker: [string, string]
      invalid: [string, string] | null
      produce: (string | null)[]
    }>(CONFLUENT, { bootstrap: broker.bootstrap, topic: 'confluent-configs' })
    assert.deepEqual(out.topic, {
      'max.message.bytes': ['600', 'DYNAMIC_TOPIC_CONFIG'],
      'retention.ms': ['3600000', 'DYNAMIC_TOPIC_CONFIG'],
      'cleanup.policy': ['delete', 'DEFAULT_CONFIG'],
    })
    assert.deepEqual(out.broker, ['5400000', 'DYNAMIC_BROKER_CONFIG'])
    assert.equal(out.invalid?.[0], 'INVALID_CONFIG')
    assert.match(out.invalid?.[1] ?? '', /retention\.ms/)
    assert.deepEqual(out.produce, ['MSG_SIZE_TOO_LARGE', null])
  })

  it('kafka-python alters and describes topic configs with its own request versions', {
    skip: pythonMissing('kafka') ?? false,
  }, async () => {
    const out = await runPython<{
      altered: number[]
      describeError: number
      values: Record<string, string>
      isDefault: Record<string, number>
    }>(KAFKA_PYTHON, { bootstrap: broker.bootstrap, topic: 'kafka-python-configs' })
    assert.deepEqual(out.altered, [0])
    assert.equal(out.describeError, 0)
    assert.deepEqual(out.values, {
      'cleanup.policy': 'compact,delete',
      'segment.ms': '600000',
      'min.insync.replicas': '1',
    })
    // DescribeConfigs v1+: the config_source field (1 = topic, 5 = default).
    assert.deepEqual(out.isDefault, { 'cleanup.policy': 1, 'min.insync.replicas': 5 })
  })
})
