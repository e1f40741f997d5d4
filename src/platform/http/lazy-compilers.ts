import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * A function built on its first call. Fastify compiles every route's validators and
 * serializers before it listens, a third of a start on the embedded database; most routes of
 * a given run are never called. `errors` is the validator's, which Fastify reads after a call.
 */
function builtOnFirstCall<F extends (this: unknown, ...args: never[]) => unknown>(build: () => F) {
  let built: F | undefined;
  const call = function (this: unknown, ...args: Parameters<F>) {
    built ??= build();
    const result = built.apply(this, args);
    call.errors = (built as F & { errors?: unknown }).errors;
    return result;
  } as ((this: unknown, ...args: Parameters<F>) => ReturnType<F>) & { errors?: unknown };
  // Fastify calls it and reads `errors`; Ajv's other properties (schema, schemaEnv) it never reads.
  return call as unknown as F;
}

/** Fastify's own compilers (Ajv, fast-json-stringify) with the same options, each route's compiled when first used. */
export const compiledOnFirstUse: Compilers = {
  buildValidator(externalSchemas, options) {
    let compiler: ReturnType<ReturnType<typeof AjvCompiler>> | undefined;
    return (route) => builtOnFirstCall(() => (compiler ??= AjvCompiler()(externalSchemas, options))(route));
  },
  buildSerializer(externalSchemas, options) {
    let compiler: ReturnType<ReturnType<typeof SerializerSelector>> | undefined;
    return (route) => builtOnFirstCall(() => (compiler ??= SerializerSelector()(externalSchemas, options))(route));
  },
};
