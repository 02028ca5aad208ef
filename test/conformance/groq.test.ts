/** The conformance suite for the `groq` preset (OpenAI adapter + groq quirks), against the groq wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('groq', 'llama-3.3-70b-versatile'));
