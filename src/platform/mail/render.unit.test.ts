import { describe, expect, it } from 'vitest';
import { escapeHtml, layoutMail, renderMail } from './render.js';

// The one mail layout: pure logic, no database.

const hostile = `<script>alert("x")</script> & 'quoted'`;

describe('escapeHtml', () => {
  it('escapes each of the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('plain text, è ü — 日本')).toBe('plain text, è ü — 日本');
  });
});

describe('the layout', () => {
  const mail = renderMail(
    {
      subject: `Subject ${hostile}`,
      greeting: `Hello ${hostile},`,
      paragraphs: ['First paragraph.', `Second ${hostile}.`],
      action: { label: `Open ${hostile}`, url: 'https://liaison.test/activate?token=a&b="c"' },
      footer: `Footer ${hostile}`,
    },
    'it',
  );

  it('lets no special character of any field through unescaped into the HTML', () => {
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toMatch(/alert\("x"\)|'quoted'| & /);
    expect(
      mail.html.match(/&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;quoted&#39;/g),
    ).toHaveLength(5);
    expect(mail.html).toContain('href="https://liaison.test/activate?token=a&amp;b=&quot;c&quot;"');
  });

  it('says the same in text and in HTML', () => {
    expect(mail.subject).toBe(`Subject ${hostile}`);
    const htmlText = mail.html
      .replace(/<title>.*<\/title>/, '')
      .replace(/<[^>]+>/g, '\n')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    const lines = (s: string) =>
      s
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && l !== '--');
    expect(new Set(lines(htmlText))).toEqual(
      new Set(lines(mail.text.replace(`Open ${hostile}: `, `Open ${hostile}\n`))),
    );
    expect(mail.text).toBe(
      [
        `Hello ${hostile},`,
        '',
        'First paragraph.',
        '',
        `Second ${hostile}.`,
        '',
        `Open ${hostile}: https://liaison.test/activate?token=a&b="c"`,
        '',
        '-- ',
        `Footer ${hostile}`,
        '',
      ].join('\n'),
    );
  });

  it('declares the language and the character set, and titles the page with the subject', () => {
    expect(mail.html).toMatch(
      /^<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Subject &lt;script&gt;/,
    );
    expect(renderMail({ subject: 's', greeting: 'g', paragraphs: [], footer: 'f' }, 'en').html).toContain(
      '<html lang="en">',
    );
  });

  it('leaves out the button when there is no action', () => {
    const plain = renderMail({ subject: 's', greeting: 'Hi,', paragraphs: ['p'], footer: 'f' }, 'en');
    expect(plain.html).not.toContain('<a ');
    expect(plain.text).toBe('Hi,\n\np\n\n-- \nf\n');
  });

  it('puts each footer line on its own line in both parts, after the signature separator', () => {
    const out = layoutMail({
      subject: 's',
      language: 'en',
      body: { text: 'Body', html: '<p>Body</p>' },
      footer: ['Why: <you>', 'Who we are'],
    });
    expect(out.text).toBe('Body\n\n-- \nWhy: <you>\nWho we are\n');
    expect(out.html).toContain(
      '<p>Body</p>\n<hr><p style="font-size:.85em;color:#555">Why: &lt;you&gt;<br>Who we are</p>',
    );
  });
});
