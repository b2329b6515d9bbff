/**
 * Rows written back whole, many in one `update` whose text does not change with their number: the rows travel as one
 * JSON parameter (`jsonb_to_recordset`), as `db/in-list.ts` does for id lists. One drizzle update per changed row
 * (a group commit of 1-event requests changes a team row per request) cost the query builder more CPU than the rest
 * of the batch's statements together, and each was one more statement to send and run.
 */
import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import { CasingCache } from 'drizzle-orm/casing';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

interface Statement {
  /** Text before the JSON parameter, and after it. */
  head: SQL;
  tail: SQL;
  /** [property, column name] of every column, keys included. */
  columns: [string, string][];
}

// The casing every query of the project uses (`casing: 'snake_case'` in db/client.ts).
const casing = new CasingCache('snake_case');
const statements = new WeakMap<PgTable, Statement>();

function statementFor(table: PgTable, keys: readonly string[]): Statement {
  const known = statements.get(table);
  if (known) return known;
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>);
  const name = (column: PgColumn) => `"${casing.getColumnCasing(column)}"`;
  const record = columns.map(([, column]) => `${name(column)} ${column.getSQLType()}`).join(', ');
  const set = columns
    .filter(([key]) => !keys.includes(key))
    .map(([, column]) => `${name(column)} = r.${name(column)}`)
    .join(', ');
  const match = keys.map((key) => {
    const column = getTableColumns(table)[key] as PgColumn;
    return `t.${name(column)} = r.${name(column)}`;
  });
  const statement: Statement = {
    head: sql.raw(`update "${getTableName(table)}" as t set ${set} from jsonb_to_recordset(`),
    tail: sql.raw(`::jsonb) as r(${record}) where ${match.join(' and ')}`),
    columns: columns.map(([key, column]) => [key, casing.getColumnCasing(column)]),
  };
  statements.set(table, statement);
  return statement;
}

/** `update table set (every other column) = the row's where (keys) match` for each of `rows`; `keys` name the primary key. */
export function updateRows<T extends PgTable>(
  table: T,
  keys: readonly (keyof T['$inferSelect'] & string)[],
  rows: readonly T['$inferSelect'][],
): SQL {
  const { head, tail, columns } = statementFor(table, keys);
  const json = JSON.stringify(
    rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const [key, column] of columns) record[column] = (row as Record<string, unknown>)[key];
      return record;
    }),
  );
  return sql`${head}${json}${tail}`;
}
