import { describe, expect, it } from 'vitest';
import { rawHeader } from '../../../src/adapters/sagemaker/raw-header.js';

describe('rawHeader', () => {
  const raw = ['Host', 'localhost', 'CONTENT-TYPE', 'text/csv', 'accept', 'application/json', 'Content-Length', '4'];

  it('finds a header whatever the case it was sent in', () => {
    expect(rawHeader(raw, 'content-type')).toBe('text/csv');
    expect(rawHeader(raw, 'accept')).toBe('application/json');
    expect(rawHeader(raw, 'content-length')).toBe('4');
    expect(rawHeader(raw, 'host')).toBe('localhost');
  });

  it('does not match names that differ in one character or in length', () => {
    expect(rawHeader(['Content-Typf', 'x'], 'content-type')).toBeUndefined();
    expect(rawHeader(['Content_Type', 'x'], 'content-type')).toBeUndefined();
    expect(rawHeader(['Content-Types', 'x', 'Content-Typ', 'y'], 'content-type')).toBeUndefined();
    expect(rawHeader([], 'accept')).toBeUndefined();
  });

  it('returns the first of repeated headers', () => {
    expect(rawHeader(['Accept', 'text/csv', 'accept', 'application/json'], 'accept')).toBe('text/csv');
  });
});
