/** Kafka's rules for topic names (org.apache.kafka.common.internals.Topic). */
export const TOPIC_NAME_LENGTH_MAX = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets'
export const TRANSACTION_STATE_TOPIC = '__transaction_state'
const INTERNAL_TOPICS = new Set([CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC])

/** Why `name` is not a legal topic name, or null when it is. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty"
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > TOPIC_NAME_LENGTH_MAX) {
    return `Topic name is illegal, it can't be longer than ${TOPIC_NAME_LENGTH_MAX} characters, topic name: ${name}`
  }
  if (!LEGAL.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  }
  return null
}

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name)
}

/** '.' and '_' collide in metric names, so Kafka refuses topics that differ only by them. */
export function unifyCollisionChars(name: string): string {
  return name.replace(/\./g, '_')
}
