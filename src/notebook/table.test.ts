import * as dfd from 'danfojs-node';
import { describe, expect, it } from 'vitest';
import { tableHtml } from './table';

describe('tableHtml', () => {
  it('renders records with the first record\'s keys, rounding non-integers and escaping text', () => {
    const html = tableHtml([{ feature: 'Spending <Score>', mean: 50.2, std: 25.823521668370 }, { feature: 'Age', mean: 38.85, std: NaN }], { digits: 2 });
    expect(html).toContain('<thead><tr><th>feature</th><th>mean</th><th>std</th></tr></thead>');
    expect(html).toContain('<tr><td>Spending &lt;Score&gt;</td><td>50.2</td><td>25.82</td></tr>');
    expect(html).toContain('<tr><td>Age</td><td>38.85</td><td>NaN</td></tr>');
  });

  it('renders a danfojs DataFrame with its index and full column names, cutting at maxRows', () => {
    const df = new dfd.DataFrame({ 'Spending Score (1-100)': [39, 81, 6], Gender: ['Male', 'Male', 'Female'] }, { index: [2, 3, 4] });
    const html = tableHtml(df, { maxRows: 2, caption: 'head' });
    expect(html).toContain('<caption style="text-align:left;font-weight:bold">head</caption>');
    expect(html).toContain('<th></th><th>Spending Score (1-100)</th><th>Gender</th>');
    expect(html).toContain('<tr><td>2</td><td>39</td><td>Male</td></tr><tr><td>3</td><td>81</td><td>Male</td></tr>');
    expect(html).not.toContain('<td>4</td>');
    expect(html).toContain('… 1 more rows');
  });

  it('renders a danfojs Series (value counts) as index and value', () => {
    const counts = new dfd.Series(['Male', 'Female', 'Female']).valueCounts();
    const html = tableHtml(counts);
    expect(html).toContain('<tr><td>Male</td><td>1</td></tr>');
    expect(html).toContain('<tr><td>Female</td><td>2</td></tr>');
    expect(html).toContain('<th></th><th>value</th>');
    expect(tableHtml(counts, { valueName: 'customers' })).toContain('<th></th><th>customers</th>');
  });
});
