import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The CLI as a user runs it (needs the built dist/). */
export const RECKIT_CLI = resolve('bin/reckit.js');

/** Whether dist/ holds `file`: the process tests run the built JavaScript and skip without it. */
export function built(file: string): boolean {
  return existsSync(resolve('dist', file));
}

/** A Node child process with its output collected as it comes. */
export interface NodeProcess {
  child: ChildProcess;
  /** The exit code, or null when a signal ended the process. */
  exit: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /**
   * Stdout parsed as one JSON document (a `--json` report, pretty-printed or not), once it has
   * all arrived; rejects (with stderr) if the process exits first.
   */
  json<T>(): Promise<T>;
  /** Sends `signal` unless the process has exited, and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `node [nodeFlags] args...` with stdin closed and stdout/stderr piped. `env` adds to this
 * process's environment; `onStdout` sees all stdout so far after each chunk.
 */
export function startNode(
  args: readonly string[],
  o: {
    env?: NodeJS.ProcessEnv | undefined;
    nodeFlags?: readonly string[] | undefined;
    onStdout?: ((text: string, child: ChildProcess) => void) | undefined;
  } = {},
): NodeProcess {
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...o.env },
  });
  let out = '';
  let err = '';
  const jsonWaiters: ((value: unknown) => void)[] = [];
  const tryJson = () => {
    if (jsonWaiters.length === 0 || !out.endsWith('}\n')) return;
    let value: unknown;
    try {
      value = JSON.parse(out);
    } catch {
      return; // a '}' line inside the document: more is coming
    }
    for (const w of jsonWaiters.splice(0)) w(value);
  };
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    o.onStdout?.(out, child);
    tryJson();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  // 'close', not 'exit': by then stdout and stderr have been read to their end.
  const exit = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  return {
    child,
    exit,
    stdout: () => out,
    stderr: () => err,
    json<T>() {
      return new Promise<T>((ok, fail) => {
        jsonWaiters.push((value) => ok(value as T));
        tryJson();
        void exit.then((code) =>
          fail(new Error(`${args.join(' ')} exited with ${code} before its JSON report: ${err}`)),
        );
      });
    },
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** The `--json` listening line of `reckit serve`. */
export interface Listening {
  port: number;
  pid: number;
  nodeFlags: string[];
  indexItems?: number;
}

/** `reckit serve --json` on a free loopback port, resolved once it is listening. */
export async function startServe(
  modelDir: string | undefined,
  o: { args?: readonly string[]; env?: NodeJS.ProcessEnv; nodeFlags?: readonly string[] } = {},
): Promise<NodeProcess & { info: Listening; port: number }> {
  const model = modelDir === undefined ? [] : ['--model', modelDir];
  const p = startNode(
    [RECKIT_CLI, 'serve', ...model, '--port', '0', '--host', '127.0.0.1', '--json', ...(o.args ?? [])],
    o,
  );
  const info = await p.json<Listening>();
  return { ...p, info, port: info.port };
}

/** Runs `node args...` to its end (SIGKILL after `timeoutMs`) and resolves with its code and output. */
export async function runNode(
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startNode(args, o);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), o.timeoutMs ?? 15_000);
  const code = await p.exit;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
