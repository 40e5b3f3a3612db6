import { describe, expect, test } from 'vitest';
import { missingNodeFlags, SERVER_NODE_FLAGS } from '../../../src/adapters/cli/relaunch.js';

describe('missingNodeFlags', () => {
  test('names the wanted flags the process was started without', () => {
    expect(missingNodeFlags(['--no-memory-reducer', '--a'], ['--a'], {})).toEqual(['--no-memory-reducer']);
    expect(missingNodeFlags(SERVER_NODE_FLAGS, [], {})).toEqual(['--no-memory-reducer']);
  });

  test('none once the process has them, in a relaunched child, or with RECKIT_RELAUNCH=0', () => {
    expect(missingNodeFlags(SERVER_NODE_FLAGS, ['--inspect', '--no-memory-reducer'], {})).toEqual([]);
    expect(missingNodeFlags(SERVER_NODE_FLAGS, [], { RECKIT_RELAUNCHED: '1' })).toEqual([]);
    expect(missingNodeFlags(SERVER_NODE_FLAGS, [], { RECKIT_RELAUNCH: '0' })).toEqual([]);
  });
});
