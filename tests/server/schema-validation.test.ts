/** The one validator engine: how routes convert query text and fill defaults, and how every problem is worded. */
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { routeValidatorCompiler, schemaProblems } from '../../server/schema-validation';

const Query = Type.Object(
  {
    after: Type.Integer({ minimum: 0, default: 0 }),
    ratio: Type.Optional(Type.Number()),
    open: Type.Optional(Type.Boolean()),
    ids: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

function validate(httpPart: string, value: unknown) {
  const check = routeValidatorCompiler({ schema: Query, httpPart, url: '/x', method: 'GET' }) as (value: unknown) => {
    value?: unknown;
    error?: unknown;
  };
  return check(value);
}

describe('route validation', () => {
  it('turns the text of numbers and booleans in a query into values, and fills defaults', () => {
    expect(validate('querystring', { ratio: '+1.5e1', open: 'true' })).toEqual({
      value: { after: 0, ratio: 15, open: true },
    });
    expect(validate('querystring', { after: '-0' }).value).toEqual({ after: -0 });
  });

  it('refuses what is not exactly a finite number of the right kind, instead of rounding or wrapping it', () => {
    for (const text of ['1.5', 'Infinity', '1e309', 'NaN', '12abc', '']) {
      expect(validate('querystring', { after: text }).error, text).toBeDefined();
    }
    // A scalar is never wrapped into an array.
    expect(validate('querystring', { ids: 'a' }).error).toBeDefined();
  });

  it('takes bodies as sent: a number sent as text is a mistake in JSON', () => {
    expect(validate('body', { after: '5' }).error).toBeDefined();
    expect(validate('body', { after: 5 })).toEqual({ value: { after: 5 } });
  });
});

describe('problem wording', () => {
  const check = Compile(
    Type.Object(
      { name: Type.String({ minLength: 1 }), team: Type.Object({ size: Type.Integer() }) },
      { additionalProperties: false },
    ),
  );

  it('names the missing field and the unknown field in the path, where a user looks', () => {
    expect(schemaProblems(check, { team: { size: 2 } })).toEqual([
      { path: '/name', problem: 'missing required field name' },
    ]);
    expect(schemaProblems(check, { name: 'x', team: { size: 2 }, colour: 'red' })).toEqual([
      { path: '/colour', problem: 'unknown field colour' },
    ]);
  });

  it('puts the most specific problem first', () => {
    const [first] = schemaProblems(check, { name: 'x', team: { size: 'two' }, colour: 'red' });
    expect(first).toEqual({ path: '/team/size', problem: 'must be integer' });
  });

  it('finds nothing wrong with a valid value', () => {
    expect(schemaProblems(check, { name: 'x', team: { size: 2 } })).toEqual([]);
  });
});
