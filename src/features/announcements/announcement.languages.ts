import type { LocalizedText } from '../../platform/db/schema.js';
import { fail, invalidField, invalidFields } from '../../platform/errors.js';
import { writtenIn } from './notice.mails.js';

/**
 * Which languages a notice is written in, each as a subject and a body together. English is the
 * fallback, so a notice without it must be wholly in Italian (whether every recipient reads
 * Italian is asked once the recipients are counted: assertEnglishNotNeeded).
 */
export function checkWritten(text: { subject: LocalizedText; body: LocalizedText }) {
  const written = writtenIn(text);
  if (Boolean(text.subject.en) !== Boolean(text.body.en))
    throw invalidField(text.subject.en ? 'body.en' : 'subject.en', 'give the English subject and body together');
  if (!written.en && !written.it) {
    throw invalidFields(
      ['subject.en', 'body.en'],
      'subject.en, body.en: required (English, or Italian alone when every recipient reads Italian)',
    );
  }
  return written;
}

/** A notice without English: 400 naming subject.en and body.en when any recipient reads another language. */
export function assertEnglishNotNeeded(written: { en: boolean }, englishReaders: number) {
  if (written.en || englishReaders === 0) return;
  const fields = ['subject.en', 'body.en'];
  throw fail('invalid_fields', {
    message: `subject.en, body.en: English is required: ${englishReaders} recipient${englishReaders === 1 ? '' : 's'} read${englishReaders === 1 ? 's' : ''} English`,
    info: fields.join(','),
    context: { fields, english_readers: englishReaders },
  });
}
