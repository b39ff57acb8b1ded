// Shared by q.mjs and sql.mjs: runs one query in an in-memory DuckDB with
// the given number of threads and prints the result as CSV (the queries
// cast every value to text themselves; NULL prints as nothing).
import { DuckDBInstance } from '@duckdb/node-api';

export async function runAndPrint(sql, threads) {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`SET threads = ${Number(threads)}`);
  const reader = await conn.runAndReadAll(sql);
  const lines = [reader.columnNames().join(',')];
  for (const row of reader.getRowsJS()) {
    lines.push(row.map((v) => (v === null ? '' : String(v))).join(','));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
