/**
 * `column in (values)` as one statement text whatever the number of values: the list travels as one JSON parameter.
 * drizzle's inArray writes one parameter per value, so each list length is a statement of its own, which a pooled
 * connection has to prepare (describe) again, and a long list costs the query builder more than the query.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

export function inList(column: AnyColumn, values: readonly string[], type: 'uuid' | 'text'): SQL {
  const json = JSON.stringify(values);
  return type === 'uuid'
    ? sql`${column} in (select value::uuid from jsonb_array_elements_text(${json}::jsonb))`
    : sql`${column} in (select value from jsonb_array_elements_text(${json}::jsonb))`;
}
