import type { FuzzCase, FuzzRequest } from './fuzz-cases.js';

export interface Answered {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  /** What the server logged for a 5xx. */
  logged?: string;
}

export interface Failure {
  c: FuzzCase;
  request: FuzzRequest;
  answer: Answered;
  problem: string;
}

/** The fields an error answer names: details.info (comma-separated) and context.fields. */
export function namedFields(error: any): string[] {
  const info = typeof error?.details?.info === 'string' ? error.details.info.split(',') : [];
  const fields = Array.isArray(error?.context?.fields) ? error.context.fields.map(String) : [];
  return [...info, ...fields].map((f: string) => f.trim()).filter(Boolean);
}

const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether the error names `field` (or a field inside it), in its field list or as a word of its message. */
function names(error: any, field: string): boolean {
  if (namedFields(error).some((f) => f === field || f.startsWith(`${field}.`))) return true;
  const leaf =
    field
      .split('.')
      .filter((k) => !/^\d+$/.test(k))
      .pop() ?? field;
  const word = leaf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${word}([^A-Za-z0-9_]|$)`).test(String(error?.message ?? ''));
}

/**
 * What is wrong with an answer, if anything: a 5xx; a 4xx outside the error shape
 * `{error: {code, domain, message, details: {info}, context, data}}`; a validation 400
 * that does not name the field it was sent wrong (or, for values some reading accepts,
 * names no field at all). `baseNamed`: fields the unmutated request was refused for.
 */
export function problemOf(c: FuzzCase, answer: Answered, baseNamed: string[] = []): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status < 400) return undefined;
  if (!String(answer.headers['content-type'] ?? '').startsWith('application/json'))
    return `${answer.status} is not JSON (${String(answer.headers['content-type'])})`;
  let body: any;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${answer.status} body is not valid JSON`;
  }
  const error = body?.error;
  if (!isObject(body) || Object.keys(body).join() !== 'error' || !isObject(error))
    return `${answer.status} is not {error: {...}}`;
  const shape = [
    (typeof error.code === 'string' && error.code !== '') || Number.isInteger(error.code),
    error.domain === null || typeof error.domain === 'string',
    typeof error.message === 'string' && error.message !== '',
    isObject(error.details) && (error.details.info === null || typeof error.details.info === 'string'),
    isObject(error.context),
    Array.isArray(error.data),
  ];
  if (shape.includes(false)) return `${answer.status} error lacks code, domain, message, details.info, context or data`;
  if (answer.status !== 400 || error.code !== 'validation_failed') return undefined;
  if (c.names && names(error, c.names)) return undefined;
  if (baseNamed.some((f) => names(error, f))) return undefined;
  if ((!c.strict || !c.names) && namedFields(error).length > 0) return undefined;
  return c.names ? `400 does not name ${c.names}` : '400 names no field';
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** A request as a line a person can replay (long values cut). */
function describeRequest(r: FuzzRequest): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${cut(v, 80)}`)
    .join('; ');
  const payload =
    r.payload === undefined
      ? ''
      : ` body ${cut(Buffer.isBuffer(r.payload) ? `<bytes ${r.payload.toString('hex')}>` : r.payload, 240)}`;
  return `${r.method} ${cut(r.url, 240)}${headers ? ` [${headers}]` : ''}${payload}`;
}

/** Failures grouped by route, problem and answer, each group with its inputs and one replayable example. */
export function report(failures: Failure[], seed: number): string {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    let code = '';
    try {
      code = String(JSON.parse(f.answer.text)?.error?.code ?? '');
    } catch {
      /* not JSON: the problem says so */
    }
    const key = `${f.c.route} — ${f.problem}${code ? ` (code ${code})` : ''}${f.answer.logged ? ` [${f.answer.logged.split(' at ')[0].slice(0, 100)}]` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const lines = [
    `fuzz seed ${seed} (FUZZ_SEED=${seed} replays this run): ${failures.length} failing requests in ${groups.size} groups`,
  ];
  for (const [key, list] of groups) {
    const inputs = [
      ...new Set(list.map((f) => `${f.c.where}: ${f.c.label}${f.c.auth === 'none' ? ' (unauthenticated)' : ''}`)),
    ];
    lines.push(`- ${key}: ${list.length}× — ${cut(inputs.join(' | '), 600)}`);
    lines.push(`    e.g. ${describeRequest(list[0].request)}`);
    lines.push(`    → ${list[0].answer.status} ${cut(list[0].answer.text, 300)}`);
    const logged = [...new Set(list.map((f) => f.answer.logged).filter(Boolean))];
    if (logged.length) lines.push(`    server logged: ${cut(logged.join(' | '), 600)}`);
  }
  // The same server error on many routes is one cause: list it once with its routes.
  const causes = new Map<string, Set<string>>();
  for (const f of failures.filter((x) => x.answer.logged))
    causes.set(
      f.answer.logged!,
      (causes.get(f.answer.logged!) ?? new Set()).add(`${f.c.route} (${f.c.where}: ${f.c.label})`),
    );
  if (causes.size)
    lines.push(
      'causes of the 5xx, as the server logged them:',
      ...[...causes].map(([cause, routes]) => `- ${cause}\n    on ${[...routes].join('; ')}`),
    );
  return lines.join('\n');
}
