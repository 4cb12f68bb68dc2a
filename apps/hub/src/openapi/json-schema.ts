import { z } from "zod";

/** Which side of a zod schema to describe: what a caller may send, or what the hub emits. */
export type Io = "input" | "output";

type JsonSchema = Record<string, unknown>;

/**
 * Collects the zod schemas an OpenAPI document refers to and turns them into
 * `#/components/schemas` with zod's own converter, so the document is generated from the very
 * schemas that validate requests.
 *
 * Requests are described with `io: "input"`: the protocol's schemas are lenient (a number where
 * the standard says String, `" C893…"` with spaces) and transform to a canonical form; the input
 * side says what a caller may send. Responses use `io: "output"`, what the hub emits.
 */
export class SchemaCatalog {
  readonly #names = new Map<Io, Map<z.ZodType, string>>([
    ["input", new Map()],
    ["output", new Map()],
  ]);
  readonly #taken = new Map<string, Io>();

  /** Registers a schema and returns the `$ref` to it; a schema seen before keeps its first name. */
  ref(schema: z.ZodType, name: string, io: Io): { $ref: string } {
    const names = this.#names.get(io) ?? new Map<z.ZodType, string>();
    let given = names.get(schema);
    if (given === undefined) {
      const owner = this.#taken.get(name);
      if (owner !== undefined) throw new Error(`OpenAPI schema name ${name} is used twice (${owner}, ${io})`);
      names.set(schema, name);
      this.#taken.set(name, io);
      given = name;
    }
    return { $ref: `#/components/schemas/${given}` };
  }

  /** Every registered schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), keyed by name. */
  components(): Record<string, JsonSchema> {
    const out: Record<string, JsonSchema> = {};
    for (const [io, names] of this.#names) {
      if (names.size === 0) continue;
      const registry = z.registry<{ id: string }>();
      for (const [schema, id] of names) registry.add(schema, { id });
      const converted = z.toJSONSchema(registry, {
        io,
        target: "draft-2020-12",
        unrepresentable: "any",
        uri: (id) => `#/components/schemas/${id}`,
        override: io === "output" ? canonicalTransforms : undefined,
      });
      for (const [id, schema] of Object.entries(converted.schemas)) {
        const clean = withoutIds(schema as JsonSchema);
        out[id] = io === "input" ? defaultsInWords(clean) : clean;
      }
    }
    return out;
  }
}

/** One schema inline (query parameters), same conventions as the components. */
export function inlineSchema(schema: z.ZodType, io: Io): JsonSchema {
  const clean = withoutIds(
    z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema,
  );
  return io === "input" ? defaultsInWords(clean) : clean;
}

/**
 * What a caller may leave out says its default in words, not as `default`: generators such as
 * openapi-typescript (defaultNonNullable, on by default) make a property with a `default`
 * required, so a register body without `adapter` would not compile although the hub takes it.
 */
function defaultsInWords(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "default") continue;
    // Under `properties` the keys are field names (a field may be called "default").
    out[key] =
      key === "properties" && typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([name, v]) => [name, deep(v)]))
        : deep(value);
  }
  if ("default" in node) {
    const said = `Default when omitted: ${JSON.stringify(node.default)}.`;
    out.description = typeof node.description === "string" ? `${node.description} ${said}` : said;
  }
  return out;
}

function deep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deep);
  if (typeof value === "object" && value !== null) return defaultsInWords(value as JsonSchema);
  return value;
}

/**
 * A transform's output has no JSON Schema of its own. Every transform in the protocol's schemas
 * canonicalises to a string (liberal in, canonical out: numbers, booleans and padded IDs come out
 * as trimmed strings, docs/design.md §3.2), so the output side of a transform is a string.
 */
function canonicalTransforms(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void {
  if (ctx.zodSchema._zod.def.type === "transform" && Object.keys(ctx.jsonSchema).length === 0) {
    ctx.jsonSchema.type = "string";
  }
}

/** `$schema` belongs to the document (jsonSchemaDialect), and `$id`s with fragments are not valid. */
function withoutIds(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
