import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { neutralise } from './transfer.columns.js';
import { csvOf } from './transfer.csv.js';

async function text(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('contact CSV codec', () => {
  it('neutralises formula-looking cells', () => {
    for (const cell of ['=1+1', '+39 02', '-5', '@A1', '\tx', '\rx']) {
      expect(neutralise(cell)).toBe(`'${cell}`);
    }
    expect(neutralise("it's")).toBe("it's");
  });

  it('writes a BOM, the header and RFC 4180 quoting', async () => {
    async function* rows() {
      yield { a: 'plain', b: 'say "hi"' };
      yield { a: 'two\nlines', b: 'semi;colon, comma' };
      yield { a: 'a;b', b: 'Città' };
    }
    expect(await text(csvOf(['a', 'b'], rows()))).toBe(
      '\uFEFFa,b\r\nplain,"say ""hi"""\r\n"two\nlines","semi;colon, comma"\r\n"a;b",Città\r\n',
    );
  });
});
