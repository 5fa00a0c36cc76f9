#!/usr/bin/env node
import { Command } from 'commander'
import { registerBrokerCommand } from './commands/broker.ts'
import { registerConfigsCommand } from './commands/configs.ts'
import { registerConsumeCommand } from './commands/consume.ts'
import { registerGroupsCommand } from './commands/groups.ts'
import { registerProduceCommand } from './commands/produce.ts'
import { registerTopicsCommand } from './commands/topics.ts'
import { registerTransactionsCommand } from './commands/transactions.ts'

const program = new Command()
program.name('samsa').description('Samsa: a Kafka-compatible event streaming platform for Node.js').version('0.1.0')
registerBrokerCommand(program)
registerTopicsCommand(program)
registerGroupsCommand(program)
registerConfigsCommand(program)
registerProduceCommand(program)
registerConsumeCommand(program)
registerTransactionsCommand(program)

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`samsa: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
