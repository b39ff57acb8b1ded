-- s1_month.rpt: a computed key from a date, a conditional count, a running count.
SELECT month,
       CAST(SUM(amount * quantity) AS VARCHAR) AS revenue,
       CAST(COUNT(*) AS VARCHAR) AS orders,
       CAST(COUNT(CASE WHEN amount >= 100 THEN 1 END) AS VARCHAR) AS big,
       CAST(SUM(COUNT(*)) OVER (ORDER BY month) AS VARCHAR) AS running
FROM (SELECT strftime(sale_date, '%Y-%m') AS month, amount, quantity
      FROM read_csv('{dir}/sales.csv', header = true, types = {'amount': 'DECIMAL(18,2)'}))
GROUP BY month ORDER BY month;
