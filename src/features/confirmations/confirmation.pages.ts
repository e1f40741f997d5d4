import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { pickLanguage, type Language } from '../../platform/mail/render.js';
import type { ConfirmationService, TokenState } from './confirmation.service.js';

// Small server-rendered pages behind the mailed links, until the console replaces them.
// A GET only shows; the button POSTs (mail scanners prefetch links and must change nothing).

const text = {
  en: {
    confirmTitle: 'Confirm your new email address', confirmLead: (email: string) => `Press the button to make ${email} the address of your account.`,
    confirmButton: 'Confirm', confirmed: (email: string) => `Done: ${email} is now the address of your account.`,
    activateTitle: 'Activate your account', activateLead: 'Choose a password of at least 8 characters.',
    password: 'Password', repeat: 'Repeat the password', activateButton: 'Activate', activated: (login: string) => `Your account is active. Sign in with the login ${login}.`,
    mismatch: 'The two passwords differ.', short: 'The password needs at least 8 characters.',
    expired: 'This link has expired. Ask your administrator to send a new one.',
    used: 'This link was already used: there is nothing more to do.',
    revoked: 'This link was replaced by a newer one or cancelled. Use the most recent message.',
    unknown: 'This link is not valid. Check that you opened the whole link from the message.',
  },
  it: {
    confirmTitle: 'Conferma il tuo nuovo indirizzo email', confirmLead: (email: string) => `Premi il pulsante per rendere ${email} l'indirizzo del tuo account.`,
    confirmButton: 'Conferma', confirmed: (email: string) => `Fatto: ${email} è ora l'indirizzo del tuo account.`,
    activateTitle: 'Attiva il tuo account', activateLead: 'Scegli una password di almeno 8 caratteri.',
    password: 'Password', repeat: 'Ripeti la password', activateButton: 'Attiva', activated: (login: string) => `Il tuo account è attivo. Accedi con il login ${login}.`,
    mismatch: 'Le due password sono diverse.', short: 'La password deve avere almeno 8 caratteri.',
    expired: "Questo link è scaduto. Chiedi all'amministratore di inviarne uno nuovo.",
    used: 'Questo link è già stato usato: non serve fare altro.',
    revoked: "Questo link è stato sostituito da uno più recente o annullato. Usa l'ultimo messaggio ricevuto.",
    unknown: 'Questo link non è valido. Controlla di aver aperto il link completo del messaggio.',
  },
};

const esc = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(reply: FastifyReply, language: Language, title: string, body: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Liaison</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
button{font:inherit;padding:.6em 1.4em;background:#0b5cad;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
label{display:block;margin:.8em 0 .2em}input{font:inherit;padding:.4em;width:100%;box-sizing:border-box}
.state{padding:.8em 1em;border-radius:4px;background:#eef4fb}.error{background:#fdecea}</style></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`);
}

const stateStatus: Record<Exclude<TokenState, 'valid'>, number> = { expired: 410, used: 410, revoked: 410, unknown: 400 };

function languageOf(request: FastifyRequest, fromToken?: string): Language {
  const query = (request.query as { lang?: string }).lang;
  return pickLanguage(query, fromToken, request.headers['accept-language']);
}

function stateOfError(error: unknown): Exclude<TokenState, 'valid'> | undefined {
  if (!(error instanceof AppError)) return undefined;
  // An account activated meanwhile: for the reader, this link has nothing left to do.
  return ({ token_expired: 'expired', token_used: 'used', token_revoked: 'revoked', token_invalid: 'unknown', already_activated: 'used' } as const)[String(error.code) as 'token_expired'];
}

export const confirmationPages = (confirmations: ConfirmationService): FastifyPluginAsync => async (app) => {
  const tokenOf = (request: FastifyRequest) => String((request.query as { token?: string }).token ?? (request.body as { token?: string } | undefined)?.token ?? '').slice(0, 200);

  app.get('/confirm-email', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const seen = await confirmations.inspect(token, 'email_change');
    const language = languageOf(request, seen.language);
    const t = text[language];
    if (seen.state !== 'valid') return page(reply, language, t.confirmTitle, `<p class="state error" role="alert">${esc(t[seen.state])}</p>`, stateStatus[seen.state]);
    return page(reply, language, t.confirmTitle, `<p>${esc(t.confirmLead(seen.newEmail ?? ''))}</p>
<form method="post" action="/confirm-email?lang=${language}"><input type="hidden" name="token" value="${esc(token)}"><button type="submit">${esc(t.confirmButton)}</button></form>`);
  });

  app.post('/confirm-email', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const language = languageOf(request, (await confirmations.inspect(token, 'email_change')).language);
    const t = text[language];
    try {
      const done = await confirmations.confirmEmail(token);
      return page(reply, language, t.confirmTitle, `<p class="state" role="status">${esc(t.confirmed(done.email))}</p>`);
    } catch (error) {
      const state = stateOfError(error);
      if (!state) throw error;
      return page(reply, language, t.confirmTitle, `<p class="state error" role="alert">${esc(t[state])}</p>`, stateStatus[state]);
    }
  });

  const activationForm = (language: Language, token: string, error?: string) => {
    const t = text[language];
    return `${error ? `<p class="state error" role="alert">${esc(error)}</p>` : ''}<p>${esc(t.activateLead)}</p>
<form method="post" action="/activate?lang=${language}"><input type="hidden" name="token" value="${esc(token)}">
<label for="password">${esc(t.password)}</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" maxlength="256" required>
<label for="repeat">${esc(t.repeat)}</label><input id="repeat" name="repeat" type="password" autocomplete="new-password" minlength="8" maxlength="256" required>
<p><button type="submit">${esc(t.activateButton)}</button></p></form>`;
  };

  app.get('/activate', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const seen = await confirmations.inspect(token, 'activation');
    const language = languageOf(request, seen.language);
    const t = text[language];
    if (seen.state !== 'valid') return page(reply, language, t.activateTitle, `<p class="state error" role="alert">${esc(t[seen.state])}</p>`, stateStatus[seen.state]);
    return page(reply, language, t.activateTitle, activationForm(language, token));
  });

  app.post('/activate', { schema: { hide: true } }, async (request, reply) => {
    const token = tokenOf(request);
    const body = (request.body ?? {}) as { password?: string; repeat?: string };
    const language = languageOf(request, (await confirmations.inspect(token, 'activation')).language);
    const t = text[language];
    const password = String(body.password ?? '');
    if (password.length < 8 || password.length > 256) return page(reply, language, t.activateTitle, activationForm(language, token, t.short), 400);
    if (password !== String(body.repeat ?? '')) return page(reply, language, t.activateTitle, activationForm(language, token, t.mismatch), 400);
    try {
      const done = await confirmations.activate(token, password);
      return page(reply, language, t.activateTitle, `<p class="state" role="status">${esc(t.activated(done.login))}</p>`);
    } catch (error) {
      const state = stateOfError(error);
      if (!state) throw error;
      return page(reply, language, t.activateTitle, `<p class="state error" role="alert">${esc(t[state])}</p>`, stateStatus[state]);
    }
  });
};
