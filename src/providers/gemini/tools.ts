/**
 * tools → one `tools[{functionDeclarations}]` entry with Gemini-subset schemas; tool_choice →
 * `toolConfig.functionCallingConfig` (none/auto/required/named → NONE/AUTO/ANY/ANY+allowed names).
 * Declarations stay in the request under NONE: the history may hold calls to them.
 */
import type { NormalizedToolChoice } from '../../schema/canonical.js';
import { badRequest } from '../../schema/errors.js';
import type { FunctionTool } from '../../schema/types.js';
import { SchemaError, toGeminiSchema } from './schema.js';
import type { GeminiFunctionDeclaration, GeminiRequestBody, GeminiToolConfig } from './types.js';

/** Gemini function names must start with a letter or an underscore. */
const GEMINI_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

export function buildTools(tools: FunctionTool[] | undefined, choice: NormalizedToolChoice | undefined): Pick<GeminiRequestBody, 'tools' | 'toolConfig'> {
  if (tools === undefined || tools.length === 0) return {};
  const functionDeclarations = tools.map(declaration);
  const out: Pick<GeminiRequestBody, 'tools' | 'toolConfig'> = { tools: [{ functionDeclarations }] };
  const toolConfig = callingConfig(choice);
  if (toolConfig !== undefined) out.toolConfig = toolConfig;
  return out;
}

function declaration(tool: FunctionTool, i: number): GeminiFunctionDeclaration {
  const f = tool.function;
  if (!GEMINI_NAME.test(f.name)) throw badRequest(`tools[${i}].function.name: Gemini function names must start with a letter or an underscore (got "${f.name}")`);
  const decl: GeminiFunctionDeclaration = { name: f.name };
  if (f.description) decl.description = f.description;
  const parameters = translateSchema(f.parameters, `tools[${i}].function.parameters`);
  if (parameters !== undefined) decl.parameters = parameters;
  return decl;
}

/** A client schema in Gemini's subset, or a 400 that names the keyword and where it is. */
export function translateSchema(schema: Record<string, unknown> | null | undefined, path: string) {
  if (schema == null) return undefined;
  try {
    return toGeminiSchema(schema);
  } catch (e) {
    if (e instanceof SchemaError) throw badRequest(`${path}: ${e.message}`, { keyword: e.keyword, at: e.at });
    throw e;
  }
}

function callingConfig(choice: NormalizedToolChoice | undefined): GeminiToolConfig | undefined {
  switch (choice?.type) {
    case undefined: return undefined;
    case 'none': return { functionCallingConfig: { mode: 'NONE' } };
    case 'auto': return { functionCallingConfig: { mode: 'AUTO' } };
    case 'required': return { functionCallingConfig: { mode: 'ANY' } };
    case 'function': return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}
