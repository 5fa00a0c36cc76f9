/**
 * Runs the built `samsa broker` as a child process, the way a user runs it, for interop, restart and
 * crash tests. The port is picked by the OS (listeners on port 0) and read from the broker's JSON log.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const ROOT = join(import.meta.dirname, '../..')
export const CLI = join(ROOT, 'dist/cli/main.js')

export interface BrokerProcessOptions {
  dataDir?: string
  /** A fixed port, so clients keep their bootstrap address across restarts. 0 picks one. */
  port?: number
  overrides?: Record<string, string>
  /** Options for the node process itself, e.g. ['--max-old-space-size=256'] to make runaway memory fail fast. */
  nodeOptions?: string[]
  /** The broker's --log-level; default info. debug adds per-request lines some tests look for. */
  logLevel?: 'info' | 'debug'
}

export class BrokerProcess {
  readonly dataDir: string
  readonly #ownsDir: boolean
  readonly #overrides: Record<string, string>
  readonly #nodeOptions: string[]
  readonly #logLevel: string
  #port: number
  #child: ChildProcess | null = null
  /** Every log line the broker wrote, parsed. */
  readonly logLines: Record<string, unknown>[] = []
  /** Lines that were not JSON (must stay empty: the broker's output is structured). */
  readonly rawLines: string[] = []
  /** Everything the process wrote to stderr (a crash's stack trace lands here), across restarts. */
  readonly stderr: string[] = []

  private constructor(
    dataDir: string,
    ownsDir: boolean,
    port: number,
    overrides: Record<string, string>,
    nodeOptions: string[],
    logLevel: string,
  ) {
    this.dataDir = dataDir
    this.#ownsDir = ownsDir
    this.#port = port
    this.#overrides = overrides
    this.#nodeOptions = nodeOptions
    this.#logLevel = logLevel
  }

  static async start(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const ownsDir = options.dataDir === undefined
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'samsa-test-')))
    const b = new BrokerProcess(
      dataDir,
      ownsDir,
      options.port ?? 0,
      options.overrides ?? {},
      options.nodeOptions ?? [],
      options.logLevel ?? 'info',
    )
    await b.#spawn()
    return b
  }

  get port(): number {
    return this.#port
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.#port}`
  }

  get pid(): number | undefined {
    return this.#child?.pid
  }

  /** The process started and has not exited (crashed, or been stopped or killed). */
  get isRunning(): boolean {
    const child = this.#child
    return child !== null && child.exitCode === null && child.signalCode === null
  }

  async #spawn(): Promise<void> {
    const args = [
      ...this.#nodeOptions,
      CLI,
      'broker',
      '--data-dir',
      this.dataDir,
      '--listeners',
      `PLAINTEXT://127.0.0.1:${this.#port}`,
      '--log-level',
      this.#logLevel,
    ]
    for (const [k, v] of Object.entries({ 'group.initial.rebalance.delay.ms': '0', ...this.#overrides }))
      args.push('--override', `${k}=${v}`)
    // SAMSA_* variables are broker settings; the test runner's own (SAMSA_TEST) must not reach the broker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SAMSA_')))
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
    this.#child = child
    const stderr: string[] = []
    child.stderr?.on('data', (d: Buffer) => {
      stderr.push(d.toString())
      this.stderr.push(d.toString())
    })
    const lines = createInterface({ input: child.stdout! })
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`broker exited with ${code} before starting: ${stderr.join('')}`))
      child.once('exit', onExit)
      lines.on('line', (line) => {
        let parsed: Record<string, unknown>
        try {
          parsed = JSON.parse(line) as Record<string, unknown>
        } catch {
          this.rawLines.push(line)
          return
        }
        this.logLines.push(parsed)
        if (parsed['msg'] === 'listening' && typeof parsed['port'] === 'number') this.#port = parsed['port']
        if (parsed['msg'] === 'samsa broker started') {
          child.off('exit', onExit)
          resolve()
        }
      })
    })
  }

  /** Resolves when the running process exits, however it ends (at once when none is running). */
  nextExit(): Promise<void> {
    const child = this.#child
    if (child === null || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => child.once('exit', () => resolve()))
  }

  /** SIGTERM (or SIGINT) and wait for the exit code: the graceful path (checkpoints, clean-shutdown marker). */
  async stop(signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM'): Promise<number | null> {
    return this.#signal(signal)
  }

  /** SIGKILL: the crash path (no checkpoints, recovery on the next start). */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL')
  }

  async #signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.#child
    if (child === null || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill(signal)
    const code = await exited
    this.#child = null
    return code
  }

  /** Starts the broker again on the same data directory and port. */
  async restart(): Promise<void> {
    await this.stop()
    await this.#spawn()
  }

  async startAgain(): Promise<void> {
    await this.#spawn()
  }

  /** Stops the broker and removes a temporary data directory. */
  async close(): Promise<void> {
    await this.stop()
    if (this.#ownsDir) await rm(this.dataDir, { recursive: true, force: true })
  }
}
