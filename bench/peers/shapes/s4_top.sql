-- s4_top.rpt: a where over a list, the top 5 products of each territory by orders
-- (having, order by, limit), with a distinct count.
SELECT territory, product, CAST(orders AS VARCHAR), CAST(days AS VARCHAR), CAST(revenue AS VARCHAR)
FROM (
  SELECT territory, product, COUNT(*) AS orders, COUNT(DISTINCT sale_date) AS days,
         SUM(amount * quantity) AS revenue,
         row_number() OVER (PARTITION BY territory ORDER BY COUNT(*) DESC, product) AS rank
  FROM read_csv('{dir}/sales.csv', header = true, types = {'amount': 'DECIMAL(18,2)'})
  WHERE territory IN ('North', 'East', 'West', 'South')
  GROUP BY territory, product
  HAVING COUNT(*) > 10
)
WHERE rank <= 5
ORDER BY territory, orders DESC, product;
