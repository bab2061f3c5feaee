import postgres from 'postgres';

export type Sql = postgres.Sql;

export function createSql(url: string, max = 10, schema = 'public'): Sql {
  return postgres(url, {
    max,
    // Several deployments (or test suites) can share one database, each in its own schema.
    connection: { search_path: schema },
    onnotice: () => {},
    // numeric and bigint come back as strings by default; courses use small numbers, so read them as numbers.
    types: {
      numeric: { to: 1700, from: [1700], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
      bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    },
  });
}
