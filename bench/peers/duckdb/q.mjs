// DuckDB peer of bench/peers/run.sh: runs Q1, Q2 or Q3 over a sales CSV
// with DuckDB (in-process, in-memory database) and prints the result as CSV.
//
// Usage: node q.mjs SALES.csv 1|2|3 THREADS
//
// amount is read as DECIMAL(18,2), so revenue, low and high are exact; AVG of
// a DECIMAL is a DOUBLE in DuckDB, printed with full precision.
import { runAndPrint } from './run.mjs';

const [path, q, threads] = process.argv.slice(2);
const keysByQuery = { 1: ['territory'], 2: ['territory', 'customer'], 3: [] };
const keys = keysByQuery[q];
if (!path || !keys || !/^[1-9][0-9]*$/.test(threads ?? '')) {
  console.error('usage: node q.mjs SALES.csv 1|2|3 THREADS');
  process.exit(2);
}

const src = `read_csv('${path.replaceAll("'", "''")}', header = true, types = {'amount': 'DECIMAL(18,2)'})`;
const cols = [
  ...keys,
  'CAST(SUM(amount * quantity) AS VARCHAR) AS revenue',
  'CAST(COUNT(*) AS VARCHAR) AS orders',
  'CAST(AVG(amount) AS VARCHAR) AS avg',
  'CAST(MIN(amount) AS VARCHAR) AS low',
  'CAST(MAX(amount) AS VARCHAR) AS high',
];
let sql = `SELECT ${cols.join(', ')} FROM ${src}`;
if (keys.length > 0) {
  sql += ` GROUP BY ${keys.join(', ')} ORDER BY ${keys.join(', ')}`;
}

await runAndPrint(sql, threads);
