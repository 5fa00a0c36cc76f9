/**
 * Kafka records a member's host as InetAddress.toString(), i.e. "/127.0.0.1"; kafka-consumer-groups and
 * admin clients show it that way. `clientAddress` is "host:port".
 */
export function clientHostOf(clientAddress: string): string {
  const colon = clientAddress.lastIndexOf(':')
  const host = colon < 0 ? clientAddress : clientAddress.slice(0, colon)
  return `/${host.startsWith('::ffff:') ? host.slice(7) : host}`
}
