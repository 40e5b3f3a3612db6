import { expect, test } from 'vitest';
import { decodeText, forEachRecord } from '../../../src/engine/data/csv-records.js';

const records = (text: string, delimiter = ',') => {
  const out: { f: string[]; line: number }[] = [];
  forEachRecord(text, { delimiter }, (f, line) => out.push({ f, line }));
  return out;
};

test('RFC 4180 quotes: delimiters, "" escapes, LF and bare CR inside quotes; CRLF outside', () => {
  const r = records('id,title,overview\r\n1,"Heat, The","a ""big""\rone"\r\n2,"multi\nline",x\n3,plain,\n');
  expect(r.map((x) => x.f)).toEqual([
    ['id', 'title', 'overview'],
    ['1', 'Heat, The', 'a "big"\rone'],
    ['2', 'multi\nline', 'x'],
    ['3', 'plain', ''],
  ]);
  expect(r.map((x) => x.line)).toEqual([1, 2, 3, 5]);
});

test("'::' and '|' delimiters keep quotes literal", () => {
  expect(records('1::"Great" Day (1994)::Drama\n', '::')[0]?.f).toEqual(['1', '"Great" Day (1994)', 'Drama']);
  expect(records('1|Toy Story (1995)||x\n', '|')[0]?.f).toEqual(['1', 'Toy Story (1995)', '', 'x']);
});

test('blank lines are skipped and a BOM is dropped', () => {
  expect(records('\ufeffa,b\n\n\r\nc,d').map((x) => x.f)).toEqual([
    ['a', 'b'],
    ['c', 'd'],
  ]);
});

test('Latin-1 decodes byte for byte (0xE9 is é), UTF-8 is the default', () => {
  expect(decodeText(Uint8Array.from([0x4d, 0x69, 0x73, 0xe9, 0x72]), 'latin1')).toBe('Misér');
  expect(decodeText(new TextEncoder().encode('Misér'))).toBe('Misér');
  // 0x80-0x9f are C1 controls in ISO-8859-1, not windows-1252 punctuation
  expect(decodeText(Uint8Array.from([0x93]), 'latin1')).toBe('\u0093');
});
