"""Reference per-customer RFM features with pandas, by the rules in docs/transactions.md.

usage: rfm_pandas.py ORDERS.csv CUSTOMER DATE AMOUNT ORDER|- QUANTITY|- ASOF|-  > features.csv
"""
import re
import sys

import pandas as pd

path, cust, date, amount, order, qty, as_of = sys.argv[1:8]
order = None if order == '-' else order
qty = None if qty == '-' else qty
df = pd.read_csv(path, dtype=str, keep_default_na=False)
MISSING = {'', 'na', 'n/a', 'nan', 'null', 'none', '-', '?'}
NUMBER = re.compile(r'^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$')


def text(v):
    v = v.strip()
    return None if v.lower() in MISSING else v


def day(v):
    v = v.strip()
    if re.match(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?$', v):
        s = v[:10]
    elif re.match(r'^[0-9]{8}(\.0+)?$', v):
        s = f'{v[:4]}-{v[4:6]}-{v[6:8]}'
    else:
        return None
    t = pd.to_datetime(s, format='%Y-%m-%d', errors='coerce')
    return None if pd.isna(t) else t


def number(v):
    v = v.strip()
    return float(v) if NUMBER.match(v) else None


out = pd.DataFrame({
    'c_id': df[cust].map(text),
    'c_day': df[date].map(day),
    'c_amount': df[amount].map(number),
})
if order:
    out['c_order'] = df[order].map(text)
if qty:
    out['c_qty'] = df[qty].map(number)
valid = out.dropna().copy()
valid['c_day'] = pd.to_datetime(valid['c_day'])
as_of = valid['c_day'].max() + pd.Timedelta(days=1) if as_of == '-' else pd.Timestamp(as_of)
purchases = valid[valid['c_amount'] > 0]
key = 'c_order' if order else 'c_day'
g = purchases.groupby('c_id')
feat = pd.DataFrame({
    'recency_days': (as_of - g['c_day'].max()).dt.days,
    'frequency': g[key].nunique(),
})
feat['monetary'] = valid.groupby('c_id')['c_amount'].sum().reindex(feat.index)
feat['avg_order_value'] = feat['monetary'] / feat['frequency']
feat['tenure_days'] = (as_of - g['c_day'].min()).dt.days
if qty:
    feat['items'] = valid.groupby('c_id')['c_qty'].sum().reindex(feat.index)
feat.index.name = cust
feat.sort_index().to_csv(sys.stdout, float_format='%.17g')
