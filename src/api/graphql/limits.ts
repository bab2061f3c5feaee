// What one GraphQL request may ask for: a depth limit and a cost limit (validation rules, so a refused document
// runs no resolver at all), a token limit on parsing, and the page size cap the resolvers enforce. A GraphQL
// client can nest and alias fields freely; without these a single small request could fan out into thousands of
// database queries.
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  parse,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type SelectionSetNode,
  type Source,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Nesting levels of fields allowed in one operation (introspection fields excluded). */
export const MAX_DEPTH = 8;
/** The estimated cost allowed for one operation (see costRule). */
export const MAX_COST = 5000;
/** The largest page any list argument (perPage) accepts; the admin's own lists go up to 100 too. */
export const MAX_PAGE_SIZE = 100;
/** Lexical tokens in one document: stops a huge document before it is even parsed into a tree. */
export const MAX_TOKENS = 5000;
/** The size assumed for a list field without a perPage argument (lessons, row errors samples…). */
const UNBOUNDED_LIST_SIZE = 20;

/** graphql-js parse() with the token limit; throws a GraphQLError ("Syntax Error: Document contains more than…"). */
export function parseLimited(source: string | Source): DocumentNode {
  return parse(source, { maxTokens: MAX_TOKENS });
}

/** Introspection (__schema, __type, __typename) is bounded by the schema itself: tools need it deep. */
function isIntrospection(node: FieldNode): boolean {
  return node.name.value.startsWith('__');
}

type Walk = (set: SelectionSetNode, type: GraphQLObjectType, seen: ReadonlySet<string>, paged?: boolean) => number;

/**
 * Walks a selection set through inline fragments and named fragments (each named fragment at most once per
 * path, so a fragment cycle, which another rule reports, cannot loop here).
 */
function walkSelections(context: ValidationContext, set: SelectionSetNode, type: GraphQLObjectType, seen: ReadonlySet<string>, onField: (field: FieldNode, def: GraphQLField<unknown, unknown>) => number, combine: (values: number[]) => number): number {
  const values: number[] = [];
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (isIntrospection(sel)) continue;
      const def = type.getFields()[sel.name.value];
      if (def) values.push(onField(sel, def));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const t = sel.typeCondition ? context.getSchema().getType(sel.typeCondition.name.value) : type;
      if (isObjectType(t)) values.push(walkSelections(context, sel.selectionSet, t, seen, onField, combine));
    } else {
      const name = sel.name.value;
      if (seen.has(name)) continue;
      const frag = context.getFragment(name);
      const t = frag ? context.getSchema().getType(frag.typeCondition.name.value) : undefined;
      if (frag && isObjectType(t)) values.push(walkSelections(context, frag.selectionSet, t, new Set([...seen, name]), onField, combine));
    }
  }
  return combine(values);
}

function rootType(context: ValidationContext, operation: 'query' | 'mutation' | 'subscription'): GraphQLObjectType | null | undefined {
  const schema = context.getSchema();
  return operation === 'query' ? schema.getQueryType() : operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
}

/** A rule that computes a number per operation and reports it when over `max`. */
function operationRule(compute: (context: ValidationContext, walk: Walk) => Walk, message: (name: string, value: number) => string, max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const type = rootType(context, node.operation);
      if (!type) return;
      const walk = compute(context, (() => 0) as Walk);
      const value = walk(node.selectionSet, type, new Set());
      if (value > max) context.reportError(new GraphQLError(message(node.name?.value ?? 'anonymous', value), { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX', value, max } }));
    },
  });
}

/**
 * Refuses an operation nested deeper than MAX_DEPTH fields (introspection excluded).
 * e.g. `{ import(id) { progress { summary { counts { rows } } } } }` has depth 5.
 */
export const depthRule: ValidationRule = operationRule(
  (context) => {
    const walk: Walk = (set, type, seen) =>
      walkSelections(context, set, type, seen, (field, def) => {
        const named = getNamedType(def.type);
        return 1 + (field.selectionSet && isObjectType(named) ? walk(field.selectionSet, named, seen) : 0);
      }, (values) => Math.max(0, ...values));
    return walk;
  },
  (name, depth) => `Operation ${name} is nested ${depth} levels deep; at most ${MAX_DEPTH} are allowed.`,
  MAX_DEPTH,
);

/** The page size a list field will return at most: its perPage argument (literal or default), else the cap. */
function listSize(field: FieldNode, def: GraphQLField<unknown, unknown>): number {
  const perPage = def.args.find((a) => a.name === 'perPage');
  if (!perPage) return UNBOUNDED_LIST_SIZE;
  const arg = field.arguments?.find((a) => a.name.value === 'perPage');
  // A variable's value is unknown while validating: assume the largest page it may ask for.
  if (!arg) return typeof perPage.defaultValue === 'number' ? perPage.defaultValue : MAX_PAGE_SIZE;
  if (arg.value.kind === Kind.INT) return Math.max(1, Math.min(Number.parseInt(arg.value.value, 10), MAX_PAGE_SIZE));
  return MAX_PAGE_SIZE;
}

/**
 * Refuses an operation whose estimated cost is over MAX_COST. Every field costs 1; the fields under a
 * paginated field count once per row of the page it asks for (perPage), and the fields under another list
 * (lessons, samples) UNBOUNDED_LIST_SIZE times; the list a page holds is not counted twice. e.g.
 * `imports(perPage: 100) { total imports { id fileName } }` costs 1 + 100 × (1 + (1 + 2)) = 501.
 */
export const costRule: ValidationRule = operationRule(
  (context) => {
    const walk: Walk = (set, type, seen, paged = false) =>
      walkSelections(context, set, type, seen, (field, def) => {
        const named = getNamedType(def.type);
        if (!field.selectionSet || !isObjectType(named)) return 1;
        // The page size is an argument of the field returning the page (imports, previewRows…); the list is a field of the page.
        const paginated = def.args.some((a) => a.name === 'perPage');
        const inner = walk(field.selectionSet, named, seen, paginated);
        const multiplier = paginated ? listSize(field, def) : isListType(getNullableType(def.type)) && !paged ? UNBOUNDED_LIST_SIZE : 1;
        return 1 + multiplier * inner;
      }, (values) => values.reduce((a, b) => a + b, 0));
    return walk;
  },
  (name, cost) => `Operation ${name} is too expensive (estimated cost ${cost}; at most ${MAX_COST} is allowed): ask for fewer fields or smaller pages.`,
  MAX_COST,
);

export const limitRules: readonly ValidationRule[] = [depthRule, costRule];

/** The page and page size of a paginated field, checked: a GraphQLError (BAD_USER_INPUT) outside 1…MAX_PAGE_SIZE. */
export function checkedPage(page: number, perPage: number, maxPage = 100_000): { page: number; perPage: number; offset: number } {
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PAGE_SIZE) {
    throw new GraphQLError(`perPage must be between 1 and ${MAX_PAGE_SIZE} (got ${perPage}).`, { extensions: { code: 'BAD_USER_INPUT', argument: 'perPage' } });
  }
  if (!Number.isInteger(page) || page < 1 || page > maxPage) {
    throw new GraphQLError(`page must be between 1 and ${maxPage} (got ${page}).`, { extensions: { code: 'BAD_USER_INPUT', argument: 'page' } });
  }
  return { page, perPage, offset: (page - 1) * perPage };
}
