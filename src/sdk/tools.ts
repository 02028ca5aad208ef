/**
 * Tools for runTools: a name, a description, a JSON Schema for the arguments and a `run`
 * function. Arguments are validated with Ajv before `run` is called; each tool's schema is
 * compiled once (cached per tool object). Problems become the tool's result, for the model to fix.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FunctionTool, JsonSchema, Message } from '../schema/types.js';

const require = createRequire(import.meta.url);

export interface ToolContext {
  /** The id of the call being run. */
  toolCallId: string;
  /** 0-based step of the loop. */
  step: number;
  /** runTools' signal: aborts when the run is cancelled. */
  signal: AbortSignal | undefined;
  /** The history up to and including the assistant message that made the call. */
  messages: readonly Message[];
}

export interface Tool<Args = any> {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object (draft-07 or 2020-12). Default: any object. */
  parameters?: JsonSchema;
  /** strict: true is passed through to the model's tool definition. */
  strict?: boolean;
  /** Returns the result: a string is sent as is, anything else as JSON. */
  run(args: Args, ctx: ToolContext): unknown | Promise<unknown>;
}

/** The tool as the model sees it in `tools`. */
export function toolDefinition(t: Tool): FunctionTool {
  const fn: FunctionTool['function'] = { name: t.name, parameters: t.parameters ?? { type: 'object', properties: {} } };
  if (t.description !== undefined) fn.description = t.description;
  if (t.strict !== undefined) fn.strict = t.strict;
  return { type: 'function', function: fn };
}

type AjvLike = { compile(schema: object): ValidateFunction };
let draft07: AjvLike | undefined;
let draft2020: AjvLike | undefined;

function ajvFor(schema: JsonSchema): AjvLike {
  const is2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  const make = (path: string): AjvLike => {
    const mod = require(path);
    const Ctor = mod.default ?? mod;
    const ajv = new Ctor({ strict: false, allErrors: true });
    require('ajv-formats')(ajv);
    return ajv;
  };
  if (is2020) return (draft2020 ??= make('ajv/dist/2020'));
  return (draft07 ??= make('ajv'));
}

const compiled = new WeakMap<Tool, ValidateFunction>();

/** Compiles (once) the tool's schema; throws with the tool's name when the schema itself is invalid. */
export function validatorOf(t: Tool): ValidateFunction {
  let v = compiled.get(t);
  if (v === undefined) {
    const schema = t.parameters ?? { type: 'object' };
    try {
      v = ajvFor(schema).compile(schema);
    } catch (e) {
      throw new TypeError(`tool "${t.name}": invalid parameters schema: ${(e as Error).message}`);
    }
    compiled.set(t, v);
  }
  return v;
}

/** `search_terms must be array; (root) must have required property 'x'` */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath.slice(1).replace(/\//g, '.')} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

export type ParsedArguments = { ok: true; args: unknown } | { ok: false; error: string };

/** Parses and validates a call's arguments string against the tool's schema. */
export function checkArguments(t: Tool, raw: string): ParsedArguments {
  let args: unknown;
  try {
    args = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: `the arguments are not valid JSON (${(e as Error).message}); send a JSON object matching the tool's parameters` };
  }
  const validate = validatorOf(t);
  if (!validate(args)) return { ok: false, error: `invalid arguments for tool ${t.name}: ${describeErrors(validate.errors)}` };
  return { ok: true, args };
}
