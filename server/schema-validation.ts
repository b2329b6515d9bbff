/**
 * The one validator engine of the server: TypeBox's compiler, for routes (through Fastify's validator compiler), for
 * events, for uploaded mission files and for the configuration. One engine means one error shape, described once here,
 * so a 400 reads the same whichever door the bad value came through.
 */
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

export type SchemaError = ReturnType<ReturnType<typeof Compile>['Errors']>[number];

/** A problem with one field: `path` is a JSON pointer into the checked value ('' for the value itself). */
export interface SchemaProblem {
  path: string;
  problem: string;
}

/**
 * Says what is wrong in words a user can act on. "required" and "additionalProperties" are reported on the object, so
 * the (first) missing or unknown field's name moves into the path, where the user looks for it; the problem names all.
 */
export function describeSchemaError(error: SchemaError): SchemaProblem {
  if (error.keyword === 'required') {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
    return {
      path: missing.length > 0 ? `${error.instancePath}/${missing[0]}` : error.instancePath,
      problem: `missing required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`.trim(),
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperties?: string[] }).additionalProperties ?? [];
    return {
      path: extra.length > 0 ? `${error.instancePath}/${extra[0]}` : error.instancePath,
      problem: `unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`.trim(),
    };
  }
  return { path: error.instancePath, problem: error.message };
}

/**
 * Every problem with `value`, the most specific first (a wrong field tells more than "the object has an unknown key"),
 * without TypeBox's echo of each unknown key as a "schema is false" error beside the additionalProperties one.
 */
export function schemaProblems(check: ReturnType<typeof Compile>, value: unknown): SchemaProblem[] {
  return check.Check(value) ? [] : orderedErrors(check, value).map(describeSchemaError);
}

function orderedErrors(check: ReturnType<typeof Compile>, value: unknown): SchemaError[] {
  const errors = [...check.Errors(value)].filter((e) => e.keyword !== 'boolean');
  return [...errors.filter((e) => e.instancePath !== ''), ...errors.filter((e) => e.instancePath === '')];
}

function hasDefaults(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  if ('default' in schema) return true;
  return Object.values(schema).some(hasDefaults);
}

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * Query strings and path parameters arrive as text: turns the text of a number or boolean property into its value.
 * Not TypeBox's Value.Convert, which truncates `1.5` to an integer 1 and wraps a scalar into an array; here a value that
 * isn't exactly a number stays text and fails the check with "must be integer". `Infinity` and `1e309` are not finite
 * numbers, so they stay text too.
 */
function convertText(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  if (!properties || !value || typeof value !== 'object') return value;
  const converted: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, text] of Object.entries(converted)) {
    const type = properties[key]?.type;
    if (typeof text !== 'string') continue;
    if ((type === 'integer' || type === 'number') && NUMBER_TEXT.test(text) && Number.isFinite(Number(text))) {
      converted[key] = Number(text);
    } else if (type === 'boolean' && (text === 'true' || text === 'false')) {
      converted[key] = text === 'true';
    }
  }
  return converted;
}

/**
 * Fastify's validator compiler on TypeBox: query strings and path parameters are converted from text first, defaults
 * are filled in (as Ajv's useDefaults did), and bodies are taken as sent.
 */
export const routeValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const fillDefaults = hasDefaults(schema);
  const fromText = httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers';
  return (input: unknown) => {
    let value = fromText ? convertText(schema, input) : input;
    if (fillDefaults && value && typeof value === 'object') value = Value.Default(schema, value);
    if (check.Check(value)) return { value };
    // Fastify hands these back as error.validation, which the error handler describes with describeSchemaError.
    return { error: orderedErrors(check, value) as unknown as FastifySchemaValidationError[] };
  };
};
