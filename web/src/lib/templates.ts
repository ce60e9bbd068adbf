// Starting points for the schema editor. Each is a valid schema of docs/schema.md (a Vitest test
// checks them against schemas/hyv-table-schema.json, and the end-to-end test generates one through
// the real server).

export interface SchemaTemplate {
  id: string;
  label: string;
  description: string;
  schema: object;
}

const customers = {
  name: 'customers',
  rows: 1000,
  columns: [
    { name: 'customer_id', type: 'id' },
    { name: 'first_name', type: 'first_name' },
    { name: 'last_name', type: 'last_name' },
    { name: 'email', type: 'email', unique: true },
    { name: 'phone', type: 'phone', null_rate: 0.1 },
    { name: 'city', type: 'city' },
    { name: 'state', type: 'state' },
    {
      name: 'age',
      type: 'integer',
      distribution: 'normal',
      mean: 41,
      stddev: 13,
      min: 18,
      max: 90,
    },
    { name: 'plan', type: 'categorical', values: ['free', 'pro', 'team'], weights: [70, 25, 5] },
    { name: 'active', type: 'boolean', probability: 0.85 },
    { name: 'joined', type: 'date', min: '2019-01-01', max: '2024-12-31' },
  ],
};

export const TEMPLATES: SchemaTemplate[] = [
  {
    id: 'customers',
    label: 'Customers',
    description: 'One table of people: consistent names, e-mails and addresses, ages, plans.',
    schema: { tables: [customers] },
  },
  {
    id: 'orders',
    label: 'Customers and orders',
    description: 'Customers with 1–4 orders each, linked by a foreign key; totals from a formula.',
    schema: {
      tables: [
        {
          name: 'customers',
          rows: 200,
          columns: [
            { name: 'customer_id', type: 'id' },
            { name: 'name', type: 'full_name' },
            { name: 'email', type: 'email', unique: true },
            { name: 'joined', type: 'date', min: '2020-01-01', max: '2024-06-30' },
          ],
        },
        {
          name: 'orders',
          parent: 'customers',
          rows_per_parent: { min: 1, max: 4 },
          columns: [
            { name: 'order_id', type: 'id', format: 'uuid' },
            { name: 'customer_id', type: 'foreign_key', references: 'customers.customer_id' },
            { name: 'ordered', type: 'date', min: '2020-01-01', max: '2024-12-31' },
            {
              name: 'quantity',
              type: 'integer',
              distribution: 'poisson',
              lambda: 2,
              min: 1,
              max: 20,
            },
            {
              name: 'unit_price',
              type: 'float',
              distribution: 'lognormal',
              mu: 3,
              sigma: 0.7,
              min: 0.99,
              max: 999,
              decimals: 2,
            },
            { name: 'total', type: 'formula', formula: 'round(quantity * unit_price, 2)' },
            {
              name: 'status',
              type: 'categorical',
              values: ['paid', 'shipped', 'returned'],
              weights: [20, 75, 5],
            },
          ],
          constraints: [{ type: 'compare', left: 'ordered', op: '>=', right: 'customers.joined' }],
        },
      ],
    },
  },
  {
    id: 'sensors',
    label: 'Sensor readings',
    description: 'Temperature and humidity readings with distributions, patterns and a formula.',
    schema: {
      tables: [
        {
          name: 'readings',
          rows: 1000,
          columns: [
            { name: 'reading_id', type: 'id' },
            { name: 'sensor', type: 'pattern', pattern: 'SN-(A|B|C)\\d{4}' },
            { name: 'ip', type: 'ipv4' },
            {
              name: 'at',
              type: 'datetime',
              min: '2024-01-01T00:00:00',
              max: '2024-01-31T23:59:59',
            },
            {
              name: 'celsius',
              type: 'float',
              distribution: 'normal',
              mean: 21,
              stddev: 3,
              min: -40,
              max: 85,
              decimals: 1,
            },
            { name: 'fahrenheit', type: 'formula', formula: 'round(celsius * 9 / 5 + 32, 1)' },
            {
              name: 'humidity',
              type: 'integer',
              distribution: 'normal',
              mean: 45,
              stddev: 10,
              min: 0,
              max: 100,
            },
            { name: 'errors', type: 'integer', distribution: 'poisson', lambda: 0.2 },
          ],
        },
      ],
    },
  },
];

export function templateText(t: SchemaTemplate): string {
  return JSON.stringify(t.schema, null, 2);
}
