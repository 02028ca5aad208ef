/**
 * JSON Schema (what OpenAI-shape clients send: zod-to-json-schema, Pydantic, hand-written) →
 * Gemini's `Schema`, an OpenAPI 3.0 subset (`@google/genai` `Schema`): no `$ref`, no
 * `additionalProperties`, no `const`, string enums, `nullable` instead of `type:[T,"null"]`.
 *
 * What can be translated is translated (refs inlined, `const` → one-value enum, `oneOf` → `anyOf`,
 * null branches → `nullable`, single-branch or object `allOf` merged); assertions Gemini lacks that
 * only narrow the values (`exclusiveMinimum`, `multipleOf`, `uniqueItems`, unsupported `format`s,
 * `additionalProperties`…) and annotations (`default`, `examples`, `$schema`…) are dropped; what
 * would change the meaning (`not`, `if`/`then`/`else`, tuples, recursive `$ref`) is a
 * `SchemaError` naming the keyword and where it is.
 */
export type GeminiType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'NULL';

export interface GeminiSchema {
  type?: GeminiType;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  propertyOrdering?: string[];
  items?: GeminiSchema;
  anyOf?: GeminiSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minProperties?: number;
  maxProperties?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  example?: unknown;
}

export class SchemaError extends Error {
  constructor(
    readonly keyword: string,
    /** JSON-pointer-like location inside the schema (`properties.address.not`). */
    readonly at: string,
    detail: string,
  ) {
    super(`Gemini cannot express "${keyword}" (at ${at === '' ? 'the root' : at}): ${detail}`);
    this.name = 'SchemaError';
  }
}

type Json = Record<string, unknown>;

const TYPES: Record<string, GeminiType> = {
  string: 'STRING', number: 'NUMBER', integer: 'INTEGER', boolean: 'BOOLEAN', array: 'ARRAY', object: 'OBJECT', null: 'NULL',
};

/** Keywords copied as they are (numbers and strings Gemini's Schema has under the same name). */
const COPIED = ['title', 'description', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties', 'minimum', 'maximum', 'pattern', 'example'] as const;

/** Keywords that change what the schema means and have no Gemini equivalent. */
const UNTRANSLATABLE: Record<string, string> = {
  not: 'negated schemas have no OpenAPI-subset equivalent',
  if: 'conditional schemas have no OpenAPI-subset equivalent',
  then: 'conditional schemas have no OpenAPI-subset equivalent',
  else: 'conditional schemas have no OpenAPI-subset equivalent',
  dependentSchemas: 'dependent schemas have no OpenAPI-subset equivalent',
  dependencies: 'dependent schemas have no OpenAPI-subset equivalent',
  prefixItems: 'tuple arrays have no OpenAPI-subset equivalent',
  $dynamicRef: 'dynamic references cannot be inlined',
  $recursiveRef: 'recursive references cannot be inlined',
};

/** Formats Gemini accepts per type; other formats are dropped (the value is still a string/number). */
const FORMATS: Partial<Record<GeminiType, readonly string[]>> = {
  STRING: ['date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Translates a tool's `parameters` (or a response_format schema). Returns undefined for an object
 * schema without properties: Gemini rejects an OBJECT with empty `properties`, and a function
 * without `parameters` is how it spells "no arguments".
 */
export function toGeminiSchema(schema: Json): GeminiSchema | undefined {
  const out = new Translator(schema).node(schema, '', []);
  if (out.type === 'OBJECT' && out.properties === undefined && out.anyOf === undefined) return undefined;
  return out;
}

class Translator {
  constructor(private readonly root: Json) {}

  node(input: unknown, at: string, refs: readonly string[]): GeminiSchema {
    if (input === true || (isObj(input) && Object.keys(input).length === 0)) return {};
    if (input === false) throw new SchemaError('false', at, 'a schema that matches nothing cannot be sent');
    if (!isObj(input)) throw new SchemaError('type', at, 'a schema must be an object');
    for (const k of Object.keys(input)) if (k in UNTRANSLATABLE) throw new SchemaError(k, join(at, k), UNTRANSLATABLE[k]!);

    if (typeof input.$ref === 'string') return this.ref(input, at, refs);
    if (input.$ref !== undefined) throw new SchemaError('$ref', join(at, '$ref'), 'must be a string');
    if (Array.isArray(input.allOf)) return this.allOf(input, at, refs);
    if (Array.isArray(input.anyOf) || Array.isArray(input.oneOf)) return this.anyOf(input, at, refs);
    if (Array.isArray(input.type)) return this.typeList(input, at, refs);
    return this.plain(input, at, refs);
  }

  /** `{$ref, ...siblings}`: the target, inlined, with the siblings (a field's description) on top. */
  private ref(input: Json, at: string, refs: readonly string[]): GeminiSchema {
    const ref = input.$ref as string;
    if (refs.includes(ref)) throw new SchemaError('$ref', join(at, '$ref'), `"${ref}" is recursive; a recursive schema cannot be inlined`);
    const target = this.resolve(ref, join(at, '$ref'));
    if (!isObj(target) && typeof target !== 'boolean') throw new SchemaError('$ref', join(at, '$ref'), `"${ref}" does not point at a schema`);
    const { $ref: _r, ...siblings } = input;
    if (typeof target === 'boolean') return this.node(Object.keys(siblings).length === 0 ? target : siblings, at, [...refs, ref]);
    return this.node({ ...target, ...siblings }, at, [...refs, ref]);
  }

  private resolve(ref: string, at: string): unknown {
    if (!ref.startsWith('#')) throw new SchemaError('$ref', at, `"${ref}" points outside the schema; only local references ("#/$defs/…") can be inlined`);
    let cur: unknown = this.root;
    const path = ref.slice(1).split('/').filter((s) => s !== '');
    for (const raw of path) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      cur = isObj(cur) ? cur[key] : Array.isArray(cur) ? cur[Number(key)] : undefined;
      if (cur === undefined) throw new SchemaError('$ref', at, `"${ref}" does not resolve to anything in the schema`);
    }
    return cur;
  }

  /** allOf of one schema is that schema; allOf of objects merges their properties. */
  private allOf(input: Json, at: string, refs: readonly string[]): GeminiSchema {
    const { allOf, ...rest } = input;
    const list = allOf as unknown[];
    // the common Pydantic shape {allOf:[{$ref}], description}: the member with the field's annotations on top
    if (list.length === 1 && isObj(list[0])) return this.node({ ...list[0], ...rest }, at, refs);
    const members = list.map((m, i) => this.node(m, join(at, `allOf.${i}`), refs));
    let merged = Object.keys(rest).length === 0 ? {} : this.node(rest, at, refs);
    for (let i = 0; i < members.length; i++) merged = mergeAll(merged, members[i]!, join(at, `allOf.${i}`));
    return merged;
  }

  /** anyOf / oneOf: null branches become `nullable`; one remaining branch is inlined. */
  private anyOf(input: Json, at: string, refs: readonly string[]): GeminiSchema {
    if (Array.isArray(input.anyOf) && Array.isArray(input.oneOf)) throw new SchemaError('oneOf', join(at, 'oneOf'), 'cannot be combined with anyOf');
    const key = Array.isArray(input.anyOf) ? 'anyOf' : 'oneOf';
    const { anyOf: _a, oneOf: _o, ...rest } = input;
    const branches = input[key] as unknown[];
    let nullable = false;
    const kept: GeminiSchema[] = [];
    branches.forEach((b, i) => {
      if (isNullSchema(b)) nullable = true;
      else kept.push(this.node(b, join(at, `${key}.${i}`), refs));
    });
    const outer = Object.keys(rest).length === 0 ? {} : this.node(rest, at, refs);
    let out: GeminiSchema;
    if (kept.length === 0) out = { ...outer, type: 'NULL' };
    else if (kept.length === 1) out = { ...kept[0]!, ...annotations(outer), ...(outer.type === undefined ? {} : { type: outer.type }) };
    else out = { ...annotations(outer), anyOf: kept };
    if (nullable) out.nullable = true;
    return out;
  }

  /** `type: ["string", "null"]` → STRING + nullable; several types → anyOf, one branch per type. */
  private typeList(input: Json, at: string, refs: readonly string[]): GeminiSchema {
    const types = input.type as unknown[];
    const nonNull = types.filter((t) => t !== 'null');
    const nullable = nonNull.length < types.length;
    let out: GeminiSchema;
    if (nonNull.length === 0) out = this.plain({ ...input, type: 'null' }, at, refs);
    else if (nonNull.length === 1) out = this.plain({ ...input, type: nonNull[0] }, at, refs);
    else {
      const { title, description, ...body } = input;
      out = { ...annotations(this.plain({ title, description }, at, refs)), anyOf: nonNull.map((t) => this.plain({ ...body, type: t }, at, refs)) };
    }
    if (nullable) out.nullable = true;
    return out;
  }

  private plain(input: Json, at: string, refs: readonly string[]): GeminiSchema {
    const out: GeminiSchema = {};
    let values: unknown[] | undefined;
    if ('const' in input) values = [input.const];
    else if (Array.isArray(input.enum)) values = input.enum;
    const type = this.type(input, at, values);
    if (type !== undefined) out.type = type;
    for (const k of COPIED) if (input[k] !== undefined) (out as Json)[k] = input[k];
    if (input.nullable === true) out.nullable = true;
    if (typeof input.format === 'string' && type !== undefined && FORMATS[type]?.includes(input.format)) out.format = input.format;
    if (values !== undefined) applyEnum(out, values, join(at, 'const' in input ? 'const' : 'enum'));

    if (type === 'OBJECT' && isObj(input.properties)) {
      const props: Record<string, GeminiSchema> = {};
      for (const [name, sub] of Object.entries(input.properties)) props[name] = this.node(sub, join(at, `properties.${name}`), refs);
      if (Object.keys(props).length > 0) {
        out.properties = props;
        if (Array.isArray(input.required)) {
          const required = input.required.filter((r): r is string => typeof r === 'string' && r in props);
          if (required.length > 0) out.required = [...new Set(required)];
        }
      }
    }
    if (type === 'ARRAY' && input.items !== undefined) {
      if (Array.isArray(input.items)) throw new SchemaError('items', join(at, 'items'), 'tuple arrays (items as a list) have no OpenAPI-subset equivalent');
      out.items = this.node(input.items, join(at, 'items'), refs);
    }
    return out;
  }

  private type(input: Json, at: string, values: unknown[] | undefined): GeminiType | undefined {
    const t = input.type;
    if (typeof t === 'string') {
      const mapped = TYPES[t] ?? TYPES[t.toLowerCase()];
      if (mapped === undefined) throw new SchemaError('type', join(at, 'type'), `unknown type "${t}"`);
      return mapped;
    }
    if (t !== undefined) throw new SchemaError('type', join(at, 'type'), 'must be a string or a list of strings');
    if (isObj(input.properties)) return 'OBJECT';
    if (input.items !== undefined) return 'ARRAY';
    if (values !== undefined) {
      const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
      if (kinds.size === 1) {
        const [k] = kinds;
        if (k === 'string') return 'STRING';
        if (k === 'boolean') return 'BOOLEAN';
        if (k === 'number') return values.every((v) => v === null || Number.isInteger(v)) ? 'INTEGER' : 'NUMBER';
      }
    }
    return undefined;
  }
}

/**
 * Gemini enums are strings. A string enum stays; null becomes nullable; a numeric enum cannot be
 * a Gemini enum without turning the values into strings, so it is kept as the numeric type with
 * the allowed values written into the description.
 */
function applyEnum(out: GeminiSchema, values: unknown[], at: string): void {
  const keyword = at.endsWith('const') ? 'const' : 'enum';
  if (values.some((v) => v === null)) out.nullable = true;
  const rest = values.filter((v) => v !== null);
  if (rest.length === 0) {
    out.type ??= 'NULL';
    return;
  }
  const kinds = new Set(rest.map((v) => typeof v));
  if (kinds.size > 1) throw new SchemaError(keyword, at, `values mix ${[...kinds].join(' and ')}; Gemini enums hold one type`);
  const [kind] = kinds;
  if (kind === 'boolean') return; // a boolean is already one of its values
  if (kind === 'string') {
    if (out.type !== undefined && out.type !== 'STRING') throw new SchemaError(keyword, at, `string values on a ${out.type} schema`);
    out.type = 'STRING';
    out.enum = rest as string[];
    return;
  }
  if (kind === 'number') {
    const allowed = `Allowed values: ${rest.join(', ')}.`;
    out.description = out.description === undefined || out.description === '' ? allowed : `${out.description} ${allowed}`;
    return;
  }
  throw new SchemaError(keyword, at, `values must be strings or numbers, not ${kind}s`);
}

function isNullSchema(s: unknown): boolean {
  if (!isObj(s)) return false;
  if (s.type === 'null') return true;
  if ('const' in s && s.const === null) return true;
  return Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null;
}

function annotations(s: GeminiSchema): GeminiSchema {
  const out: GeminiSchema = {};
  if (s.title !== undefined) out.title = s.title;
  if (s.description !== undefined) out.description = s.description;
  if (s.nullable) out.nullable = true;
  return out;
}

/** Merges one allOf member into the accumulated schema: object properties union, same type. */
function mergeAll(a: GeminiSchema, b: GeminiSchema, at: string): GeminiSchema {
  if (a.type !== undefined && b.type !== undefined && a.type !== b.type)
    throw new SchemaError('allOf', at, `members of different types (${a.type}, ${b.type}) cannot be merged`);
  if (a.anyOf !== undefined || b.anyOf !== undefined) {
    if (Object.keys(a).length === 0) return b;
    if (Object.keys(b).length === 0) return a;
    throw new SchemaError('allOf', at, 'members with anyOf cannot be merged');
  }
  const out: GeminiSchema = { ...b, ...a };
  if (a.properties !== undefined || b.properties !== undefined) {
    const props: Record<string, GeminiSchema> = { ...a.properties };
    for (const [k, v] of Object.entries(b.properties ?? {})) {
      if (k in props && JSON.stringify(props[k]) !== JSON.stringify(v))
        throw new SchemaError('allOf', `${at}.properties.${k}`, `property "${k}" is defined differently in two members`);
      props[k] = v;
    }
    out.properties = props;
    out.type = 'OBJECT';
  }
  if (a.required !== undefined || b.required !== undefined) out.required = [...new Set([...(a.required ?? []), ...(b.required ?? [])])];
  return out;
}

const join = (at: string, k: string) => (at === '' ? k : `${at}.${k}`);
