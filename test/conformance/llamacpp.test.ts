/** The conformance suite for the `llamacpp` preset (OpenAI adapter + llamacpp quirks), against the llamacpp wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('llamacpp', 'qwen3-8b'));
