import { Type, type Static, type TUnsafe } from 'typebox';

/** A string that is one of a fixed list, typed as the union of its literals. */
export function oneOf<const T extends readonly string[]>(values: T): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
}

export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 time with zone' });
/**
 * Sequences are Postgres bigints, but a JavaScript number is exact only up to 2^53 - 1: that is the bound every sequence
 * in a query or command is checked against, so `?after=99999999999999999999999` is a 400, not a bigint overflow (500).
 */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
export const Seq = Type.Integer({ minimum: 0, maximum: MAX_SEQ, description: 'Per-mission event sequence number' });

export const Latitude = Type.Number({ minimum: -90, maximum: 90 });
export const Longitude = Type.Number({ minimum: -180, maximum: 180 });
export const Position = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100000, description: 'Accuracy radius in metres' })),
  },
  { additionalProperties: false },
);
export type Position = Static<typeof Position>;

/** One problem with one field of the input. */
export const FieldProblem = Type.Object({
  field: Type.String({ description: 'JSON pointer or column name of the offending field' }),
  problem: Type.String(),
});
export type FieldProblem = Static<typeof FieldProblem>;

/** Every 4xx and 5xx answer of the API has this shape. */
export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  details: Type.Optional(Type.Array(FieldProblem)),
});
export type ErrorReply = Static<typeof ErrorReply>;

export const errorReplies = {
  400: ErrorReply,
  401: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  413: ErrorReply,
  415: ErrorReply,
  429: ErrorReply,
  503: ErrorReply,
} as const;
