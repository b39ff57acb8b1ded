// DuckDB peer of bench/peers/shapes.sh: runs the SQL file given, with
// {dir} replaced by the data directory, and prints the result as CSV, every
// value cast to text by the query itself.
//
// Usage: node sql.mjs QUERY.sql DATADIR THREADS
import { readFileSync } from 'node:fs';
import { runAndPrint } from './run.mjs';

const [file, dir, threads] = process.argv.slice(2);
if (!file || !dir || !/^[1-9][0-9]*$/.test(threads ?? '')) {
  console.error('usage: node sql.mjs QUERY.sql DATADIR THREADS');
  process.exit(2);
}
const sql = readFileSync(file, 'utf8').replaceAll('{dir}', dir.replaceAll("'", "''"));
await runAndPrint(sql, threads);
