import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { neutralise, splitList, unneutralise } from './transfer.columns.js';
import { csvOf, detectDelimiter, readCsv } from './transfer.csv.js';

const limits = { bytes: 1024 * 1024, rows: 10 };
const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
async function text(stream: Readable) {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

describe('contact CSV codec', () => {
  it('neutralises formula-looking cells and reads them back', () => {
    for (const cell of ['=1+1', '+39 02', '-5', '@A1', '\tx', '\rx']) {
      expect(neutralise(cell)).toBe(`'${cell}`);
      expect(unneutralise(neutralise(cell))).toBe(cell);
    }
    expect(neutralise("it's")).toBe("it's");
    expect(unneutralise("'quoted'")).toBe("'quoted'");
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

  it("takes the header's separator, a BOM, and a header split across chunks", async () => {
    expect(detectDelimiter('\uFEFFemail;types;city\r\nx,y')).toBe(';');
    expect(detectDelimiter('email,types\n')).toBe(',');
    const rows = await readCsv(body('\uFEFFema', 'il;types\r\na@b.c;"billing;tech', 'nical"\r\n\r\n'), limits);
    expect(rows).toEqual([
      ['email', 'types'],
      ['a@b.c', 'billing;technical'],
    ]);
  });

  it('stops at the row and byte limits', async () => {
    const tooMany = readCsv(body('email\n', 'a\n'.repeat(11)), limits);
    await expect(tooMany).rejects.toMatchObject({
      code: 'payload_too_large',
      message: expect.stringContaining('rows'),
    });
    const tooLarge = readCsv(body('email\n', 'a'.repeat(limits.bytes)), limits);
    await expect(tooLarge).rejects.toBeInstanceOf(AppError);
    expect(await readCsv(body('email\n', 'a\n'.repeat(10)), limits)).toHaveLength(11);
  });

  it('splits lists on semicolons or commas', () => {
    expect(splitList(' Billing ; technical,')).toEqual(['billing', 'technical']);
  });
});
