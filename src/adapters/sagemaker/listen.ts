import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../../engine/errors.js';

/** Why a bind fails that the user can fix, by error code. */
const REASONS: Record<string, (port: number, host: string) => string> = {
  EADDRINUSE: (port, host) => `port ${port} on ${host} is already in use; stop what holds it or pick another port`,
  EADDRNOTAVAIL: (_, host) => `${host} is not an address of this machine; bind 0.0.0.0 (all) or one of its addresses`,
  EACCES: (port) => `binding port ${port} needs privileges this process lacks; use a port above 1023`,
  ENOTFOUND: (_, host) => `host "${host}" does not resolve to an address`,
  EAI_AGAIN: (_, host) => `host "${host}" could not be resolved (name lookup failed)`,
  EAFNOSUPPORT: (_, host) => `${host} is of an address family this machine does not support`,
};

/** Binds (port 0 = any free port) and resolves with the bound port; InputError (one line) on a fixable failure. */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const reason = REASONS[error.code ?? ''];
      reject(
        reason ? new InputError(`cannot listen on ${host}:${port} (${error.code}): ${reason(port, host)}`) : error,
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
