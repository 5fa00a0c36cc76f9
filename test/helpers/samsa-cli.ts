import { spawn } from 'node:child_process'
import { CLI } from './broker-process.ts'

/** What one `samsa` command printed and how it exited. */
export interface CliRun {
  code: number | null
  /** The signal that ended it (e.g. the timeout's SIGTERM), or null when it exited by itself. */
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunSamsaOptions {
  /** The command's environment (default: this process's). */
  env?: NodeJS.ProcessEnv
  /** A hang guard: the command is killed (SIGTERM) after this long. */
  timeoutMs?: number
}

/** Runs the built `samsa` command with `args`, writing `input` (if any) to its standard input. */
export function runSamsa(args: string[], input?: string, options: RunSamsaOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}
