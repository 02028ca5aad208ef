/** The conformance suite for the `openrouter` preset (OpenAI adapter + openrouter quirks), against the openrouter wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('openrouter', 'anthropic/claude-sonnet-4.5'));
