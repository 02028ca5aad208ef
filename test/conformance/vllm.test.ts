/** The conformance suite for the `vllm` preset (OpenAI adapter + vllm quirks), against the vllm wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('vllm', 'Qwen/Qwen3-8B'));
