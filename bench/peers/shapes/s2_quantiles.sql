-- s2_quantiles.rpt: per customer, a median, a percentile and two distinct counts.
SELECT customer_id,
       CAST(COUNT(*) AS VARCHAR) AS orders,
       CAST(quantile_cont(CAST(amount AS DOUBLE), 0.5) AS VARCHAR) AS median,
       CAST(quantile_cont(quantity, 0.9) AS VARCHAR) AS p90,
       CAST(COUNT(DISTINCT product) AS VARCHAR) AS products,
       CAST(COUNT(DISTINCT sale_date) AS VARCHAR) AS days
FROM read_csv('{dir}/sales.csv', header = true, types = {'amount': 'DECIMAL(18,2)'})
GROUP BY customer_id ORDER BY customer_id;
