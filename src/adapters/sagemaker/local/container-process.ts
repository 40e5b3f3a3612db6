import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How the local SageMaker runs an image: a program and its leading arguments (`train`/`serve` is appended). */
export interface ContainerCommand {
  command: string;
  args: string[];
}

/**
 * reckit's container entrypoint, `node bin/reckit-container.js`. Local mode runs every image
 * through it (there is no Docker here); the image URI is only recorded. This file sits at
 * {src,dist}/adapters/sagemaker/local/, four levels below the package root.
 */
export function reckitContainer(): ContainerCommand {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
  // --no-memory-reducer: the flag the image's ENTRYPOINT gives node (docs/sagemaker-container.md).
  return { command: process.execPath, args: ['--no-memory-reducer', resolve(root, 'bin/reckit-container.js')] };
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One container running as a child process. Its stdout/stderr lines go to `onLine` (metrics,
 * logs) and the last 64 KB are kept for error messages. `stop()` is the platform's stop: SIGTERM,
 * then SIGKILL after the grace period.
 */
export class ContainerProcess {
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcess;
  private tail = '';
  private done = false;

  constructor(cmd: ContainerCommand, mode: 'train' | 'serve', env: NodeJS.ProcessEnv, onLine?: (line: string) => void) {
    this.child = spawn(cmd.command, [...cmd.args, mode], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = (stream: NodeJS.ReadableStream | null) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.tail = (this.tail + chunk).slice(-65_536);
        rest += chunk;
        const parts = rest.split('\n');
        rest = parts.pop() as string;
        for (const line of parts) onLine?.(line);
      });
      stream?.on('end', () => {
        if (rest) onLine?.(rest);
      });
    };
    lines(this.child.stdout);
    lines(this.child.stderr);
    this.exited = new Promise((resolveExit) => {
      this.child.once('error', (error) => {
        this.tail += `\n${error.message}`;
        this.done = true;
        resolveExit({ code: 127, signal: null });
      });
      this.child.once('close', (code, signal) => {
        this.done = true;
        resolveExit({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** The last lines the container printed. */
  output(): string {
    return this.tail;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs: number): Promise<ExitStatus> {
    if (!this.done) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}
