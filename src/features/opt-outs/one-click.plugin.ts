import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OptOutService } from './opt-out.service.js';
import { TokenParams } from './opt-out.schemas.js';

/**
 * RFC 8058 one-click unsubscribe, at the URL of the List-Unsubscribe header (no /api/2 prefix).
 * The mailbox provider POSTs `List-Unsubscribe=One-Click` with no cookie and no sign-in, and
 * expects a plain answer, not a redirect. Providers send it form-encoded, as multipart, or with
 * no body at all: the body says nothing the token does not, so any body is read and ignored.
 * A browser's GET of the same URL gets the console, whose unsubscribe page uses /api/2/unsubscribe.
 */
export const oneClickPlugin: FastifyPluginAsyncTypebox<{ optOuts: OptOutService }> = async (app, { optOuts }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 16 * 1024 }, (_request, _body, done) =>
    done(null, undefined),
  );

  app.post('/unsubscribe/:token', { schema: { hide: true, params: TokenParams } }, async (request, reply) => {
    await optOuts.setSubscribed(request.params.token, false);
    return reply
      .type('text/plain; charset=utf-8')
      .send('Unsubscribed: no more notices of this kind to this address.\n');
  });
};
