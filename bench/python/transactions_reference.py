"""What a pandas analyst runs to segment customers from an orders table: the anchor of `npm run bench:large --
--transactions`. The same steps as `npm run report -- --transactions ... --no-png`, written the usual pandas way:

read the orders (ids as text), parse dates and amounts (unreadable ones dropped), groupby customer for recency
(as-of = the day after the last date), frequency (distinct orders with a purchase), monetary (sum of amounts,
returns included), average order value and tenure; keep customers with a purchase and monetary >= 0; log1p on
frequency and monetary, StandardScaler, KMeans(n_init=10) for k=2..10, silhouette (exact up to 50,000 customers,
else on a 10,000 sample, as the report's 'auto'), best k by silhouette; R/F/M quintile scores; writes
customer_features.csv, clustered_data.csv and the model. Prints one JSON line (n, best_k, inertia per k, times).

Usage: python3 transactions_reference.py ORDERS.csv OUTDIR [CUSTOMER DATE AMOUNT ORDER]
"""
import sys, os, time, json, pickle
t0 = time.time()
import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

csv, out = sys.argv[1], sys.argv[2]
cust, date, amount, order = (sys.argv[3:7] + ["customer_id", "order_date", "amount", "order_id"][len(sys.argv[3:7]):])
os.makedirs(out, exist_ok=True)

df = pd.read_csv(csv, usecols=[cust, date, amount, order], dtype={cust: str, order: str, date: str})
df[date] = pd.to_datetime(df[date].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
df[amount] = pd.to_numeric(df[amount], errors="coerce")
df = df.dropna(subset=[cust, date, amount, order])
as_of = df[date].max() + pd.Timedelta(days=1)
purchases = df[df[amount] > 0]
g = purchases.groupby(cust)
feat = pd.DataFrame({
    "recency_days": (as_of - g[date].max()).dt.days,
    "frequency": g[order].nunique(),
})
feat["monetary"] = df.groupby(cust)[amount].sum().reindex(feat.index)
feat["avg_order_value"] = feat["monetary"] / feat["frequency"]
feat["tenure_days"] = (as_of - g[date].min()).dt.days
feat = feat.sort_index()
feat.to_csv(f"{out}/customer_features.csv")
t_aggregate = time.time() - t0

data = feat[feat["monetary"] >= 0].copy()
X = np.column_stack([data["recency_days"], np.log1p(data["frequency"]), np.log1p(data["monetary"])]).astype(float)
X = StandardScaler().fit_transform(X)
sample = 10000 if len(X) > 50000 else None
scores, fits = {}, {}
for k in range(2, 11):
    km = KMeans(n_clusters=k, n_init=10, random_state=42).fit(X)
    fits[k] = km
    scores[k] = (float(silhouette_score(X, km.labels_, sample_size=sample, random_state=42)), float(km.inertia_))
best = max(scores, key=lambda k: scores[k][0])
t_model = time.time() - t0 - t_aggregate

# R, F, M 1-5 by quintiles (R 5 = most recent)
data["R"] = 6 - pd.qcut(data["recency_days"].rank(method="max"), 5, labels=False, duplicates="drop").astype(int) - 1
data["F"] = pd.qcut(data["frequency"].rank(method="min"), 5, labels=False, duplicates="drop").astype(int) + 1
data["M"] = pd.qcut(data["monetary"].rank(method="min"), 5, labels=False, duplicates="drop").astype(int) + 1
data["RFM"] = data["R"].astype(str) + data["F"].astype(str) + data["M"].astype(str)
data["Cluster"] = fits[best].labels_
data.to_csv(f"{out}/clustered_data.csv")
pickle.dump(fits[best], open(f"{out}/clustering_model.pkl", "wb"))
print(json.dumps({"lines": int(len(df)), "customers": int(len(feat)), "n": int(len(X)), "best_k": best,
                  "silhouette": {k: round(v[0], 4) for k, v in scores.items()},
                  "inertia": {k: round(v[1], 3) for k, v in scores.items()},
                  "aggregate_s": round(t_aggregate, 3), "model_s": round(t_model, 3), "total_s": round(time.time() - t0, 3)}))
