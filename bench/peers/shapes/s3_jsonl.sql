-- s3_jsonl.rpt: Q1 (by territory) over the same sales as JSON lines.
SELECT territory,
       CAST(SUM(amount * quantity) AS VARCHAR) AS revenue,
       CAST(COUNT(*) AS VARCHAR) AS orders,
       CAST(AVG(amount) AS VARCHAR) AS avg,
       CAST(MIN(amount) AS VARCHAR) AS low,
       CAST(MAX(amount) AS VARCHAR) AS high
FROM read_json('{dir}/sales.jsonl', format = 'newline_delimited',
               columns = {territory: 'VARCHAR', amount: 'DECIMAL(18,2)', quantity: 'BIGINT'})
GROUP BY territory ORDER BY territory;
