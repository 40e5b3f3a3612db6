import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The writer's lock of a model directory (docs/model-directory.md, "Two writers"): the file
 * `.reckit-lock` inside it, holding the owner's pid and host and the journal of every file the
 * owner may leave behind (the files it writes and the old files it deletes). It is created
 * complete with link(2), which fails when it exists, so nobody ever reads half a lock; a lock
 * whose pid is dead on this host is taken over, and its journal says which leftovers to delete.
 */

export const LOCK_FILE = '.reckit-lock';
/** A lock being created or taken over: `.reckit-lock.<pid>-<hex>`. */
export const LOCK_TEMP = /^\.reckit-lock\.(\d+)-[0-9a-f]{8}$/;

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells this process's own locks from those of an earlier process that had the same pid. */
  nonce?: string | undefined;
  /** Files this writer may leave behind if it dies (relative to the directory). */
  journal: string[];
}

export interface HeldLock {
  /** Journals of dead writers whose locks were taken over: their possible leftovers. */
  readonly staleJournal: string[];
  /** Rewrites the journal (before creating the files it names). */
  setJournal(journal: string[]): Promise<void>;
  release(): Promise<void>;
}

/** Whether a process runs (EPERM: it runs as another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's holder, or undefined when there is none (or it is unreadable: then it is stale). */
export async function readLock(dir: string): Promise<{ info: LockInfo | undefined; text: string } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, LOCK_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return { info: typeof info?.pid === 'number' ? info : undefined, text };
  } catch {
    return { info: undefined, text };
  }
}

/** A save takes seconds; a lock older than this is left over whatever its pid says (pids get reused). */
export const LOCK_MAX_AGE_MS = 10 * 60_000;
/** Nonces of the locks this process holds: a lock with our pid but another nonce is a dead process's. */
const heldHere = new Set<string>();

/**
 * A lock held by a live writer: younger than LOCK_MAX_AGE_MS and, on this host, owned by a
 * running pid (our own pid only with a nonce we hold: in a container, a new process often gets
 * the pid of the one that was killed). On another host the pid cannot be checked.
 */
export function lockLive(info: LockInfo | undefined): boolean {
  if (info === undefined) return false;
  const age = Date.now() - Date.parse(info.startedAt);
  if (!(age < LOCK_MAX_AGE_MS)) return false;
  if (info.host !== hostname()) return true;
  if (info.pid === process.pid) return heldHere.has(info.nonce ?? '');
  return pidAlive(info.pid);
}

/** Takes the lock, waiting up to `waitMs` for a live holder to finish; InputError naming it after that. */
export async function acquireLock(dir: string, waitMs = 60_000): Promise<HeldLock> {
  const lockPath = join(dir, LOCK_FILE);
  const tempName = () => join(dir, `.reckit-lock.${process.pid}-${randomBytes(4).toString('hex')}`);
  const nonce = randomBytes(8).toString('hex');
  const mine: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    nonce,
    journal: [],
  };
  const staleJournal: string[] = [];
  const deadline = Date.now() + waitMs;
  for (;;) {
    const tmp = tempName();
    await writeFile(tmp, JSON.stringify(mine));
    try {
      await link(tmp, lockPath);
      await unlink(tmp);
      heldHere.add(nonce);
      break;
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(dir);
    if (!holder) continue;
    if (!lockLive(holder.info)) {
      // Move the stale lock aside; if what moved is not what was judged stale (someone took it over
      // in between), put it back.
      const aside = tempName();
      try {
        await rename(lockPath, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = await readFile(aside, 'utf8');
      if (moved === holder.text) {
        staleJournal.push(...(holder.info?.journal ?? []).filter((f) => typeof f === 'string'));
      } else {
        await link(aside, lockPath).catch(() => undefined);
      }
      await unlink(aside);
      continue;
    }
    if (Date.now() >= deadline) {
      const h = holder.info as LockInfo;
      throw new InputError(
        `${dir}: another reckit process (pid ${h.pid} on ${h.host}, since ${h.startedAt}) is writing this model directory; try again when it is done, or delete ${lockPath} if that process is not reckit`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    staleJournal,
    async setJournal(journal) {
      const tmp = tempName();
      await writeFile(tmp, JSON.stringify({ ...mine, journal }));
      await rename(tmp, lockPath);
    },
    async release() {
      heldHere.delete(nonce);
      await unlink(lockPath).catch(() => undefined);
    },
  };
}
