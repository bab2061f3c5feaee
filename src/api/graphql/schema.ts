// The executable schema: schema.graphql (the persisted, reviewed contract) with the resolvers of resolvers.ts
// attached. Building fails at start-up when a root field has no resolver or a resolver names no field, so the
// file and the code cannot drift apart silently.
import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLError, GraphQLScalarType, isObjectType, Kind, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { resolvers, UploadedFile } from './resolvers';
import { projectPath } from '../../paths';

/** The persisted schema's path (src/api/graphql/schema.graphql). */
export const SCHEMA_FILE = projectPath('src', 'api', 'graphql', 'schema.graphql');

/** DateTime: a Date (or an ISO string from JSON) out as an ISO 8601 string; in, a string Date.parse accepts. */
function dateTime(value: unknown): string {
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new GraphQLError(`Not a date: ${String(value).slice(0, 40)}`);
  return d.toISOString();
}

function jsonLiteral(node: Parameters<NonNullable<GraphQLScalarType['parseLiteral']>>[0]): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(jsonLiteral);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, jsonLiteral(f.value)]));
    default:
      throw new GraphQLError('JSON values cannot hold variables or enums.');
  }
}

const SCALARS: Record<string, Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'>> = {
  DateTime: {
    serialize: dateTime,
    parseValue: dateTime,
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING) throw new GraphQLError('DateTime is an ISO 8601 string.');
      return dateTime(node.value);
    },
  },
  JSON: { serialize: (v) => v, parseValue: (v) => v, parseLiteral: (node) => jsonLiteral(node) },
  Upload: {
    serialize: () => {
      throw new GraphQLError('Upload is an input only.');
    },
    // Only the multipart request handler makes these (router.ts): a client cannot forge one in JSON.
    parseValue: (v) => {
      if (v instanceof UploadedFile) return v;
      throw new GraphQLError('Upload must be a file part of a GraphQL multipart request (operations, map, then the file).');
    },
    parseLiteral: () => {
      throw new GraphQLError('Upload must be a variable filled by a GraphQL multipart request.');
    },
  },
};

/** schema.graphql's text. */
export function schemaSource(): string {
  return readFileSync(SCHEMA_FILE, 'utf8');
}

let built: GraphQLSchema | undefined;

/** The executable schema (built once per process). Throws when resolvers and schema.graphql disagree. */
export function graphqlSchema(): GraphQLSchema {
  if (built) return built;
  const schema = buildSchema(schemaSource());
  for (const [name, impl] of Object.entries(SCALARS)) {
    const type = schema.getType(name);
    if (!(type instanceof GraphQLScalarType)) throw new Error(`schema.graphql has no scalar ${name}`);
    Object.assign(type, impl);
  }
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`resolvers for ${typeName}, which schema.graphql does not define as a type`);
    const defs = type.getFields();
    for (const [fieldName, impl] of Object.entries(fields)) {
      const def = defs[fieldName];
      if (!def) throw new Error(`a resolver for ${typeName}.${fieldName}, which schema.graphql does not define`);
      if (typeof impl === 'function') def.resolve = impl as GraphQLFieldResolver<unknown, unknown>;
      else {
        def.subscribe = impl.subscribe as GraphQLFieldResolver<unknown, unknown>;
      }
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const def of Object.values(root?.getFields() ?? {})) {
      if (!def.resolve && !def.subscribe) throw new Error(`${root?.name}.${def.name} has no resolver`);
    }
  }
  built = schema;
  return schema;
}
