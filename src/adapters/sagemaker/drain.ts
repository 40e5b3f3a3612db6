import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** A connection with the requests received on it and not yet answered (fields set on 'connection'). */
interface Counted extends Socket {
  reckitPending: number;
  reckitDraining: boolean;
  /** performance.now() when it last had nothing to answer (while draining), or when accepted. */
  reckitIdleSince: number;
}

/** After SIGTERM, connections are still accepted until none has arrived for this long... */
const ACCEPT_QUIET_MS = 100;
/** ... or for at most this long (what a busy server had queued before the signal). */
const ACCEPT_MAX_MS = 1_000;
/** How often a draining server closes the connections that have nothing left to answer... */
const SWEEP_MS = 25;
/** ... once they have had nothing to answer for this long (a new one may not have sent yet). */
const IDLE_GRACE_MS = 100;

/** Counts a request as received on its connection (every route calls this first). */
export function received(req: IncomingMessage): void {
  (req.socket as Counted).reckitPending++;
}

/**
 * Counts a request as answered, just before its response is written. While draining, the
 * response to the last request a connection has sent carries `Connection: close`, so a
 * keep-alive client sends no more on it; a connection with pipelined requests still queued
 * stays open until those are answered.
 */
export function answered(res: ServerResponse): void {
  const s = res.req.socket as Counted;
  if (--s.reckitPending === 0 && s.reckitDraining) {
    res.shouldKeepAlive = false;
    s.reckitIdleSince = performance.now();
  }
}

/**
 * Tracks a server's connections (one listener per connection, nothing per request) so that
 * `drain` answers every request already received (docs/serving.md, "Stopping"):
 *  1. it keeps accepting until no connection has arrived for ACCEPT_QUIET_MS (at most
 *     ACCEPT_MAX_MS): connections the kernel accepted while the process was busy wait in the
 *     listen backlog with their requests sent, and closing the listener would reset them;
 *  2. it closes the listener, then closes each connection once it has had no request left to
 *     answer for IDLE_GRACE_MS and no response left to write (end first, so data in flight is
 *     not cut; destroy after);
 *  3. it resolves when no connection is left.
 * Node's own server.close() closes idle connections at once, including ones whose request bytes
 * have arrived but not yet been read, and ones still writing a response: both reset requests.
 */
export function trackConnections(server: Server): { inFlight(): number; drain(): Promise<void> } {
  const sockets = new Set<Counted>();
  let draining = false;
  let lastConnection = 0;
  server.on('connection', (socket: Socket) => {
    const s = socket as Counted;
    s.reckitPending = 0;
    s.reckitDraining = draining;
    lastConnection = performance.now();
    s.reckitIdleSince = lastConnection;
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  let done: Promise<void> | undefined;

  return {
    inFlight() {
      let n = 0;
      for (const s of sockets) n += s.reckitPending;
      return n;
    },
    drain() {
      done ??= new Promise((resolve) => {
        draining = true;
        const started = performance.now();
        for (const s of sockets) {
          s.reckitDraining = true;
          s.reckitIdleSince = started;
        }
        let listening = server.listening;
        // Decided after the poll phase (setImmediate), so that connections and request bytes that
        // arrived while the process was busy or descheduled are accepted and read (and counted) first.
        const step = (): void => {
          const now = performance.now();
          if (listening && (now - lastConnection >= ACCEPT_QUIET_MS || now - started >= ACCEPT_MAX_MS)) {
            NetServer.prototype.close.call(server); // the listener only (see above)
            listening = false;
          }
          if (!listening) for (const s of sockets) closeWhenDone(s, now);
          if (listening || sockets.size > 0) return;
          clearInterval(tick);
          server.close(); // stops Node's connection-deadline timer; nothing is left to close
          resolve();
        };
        const tick = setInterval(() => setImmediate(step), SWEEP_MS);
      });
      return done;
    },
  };
}

function closeWhenDone(s: Counted, now: number): void {
  // `_httpMessage` is the response being written on this socket (Node detaches it once flushed).
  if (s.reckitPending > 0 || (s as { _httpMessage?: unknown })._httpMessage) return;
  if (now - s.reckitIdleSince < IDLE_GRACE_MS) return;
  if (!s.writableEnded) s.end();
  else if (s.writableLength === 0) s.destroy();
}
