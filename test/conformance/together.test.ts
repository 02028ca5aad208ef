/** The conformance suite for the `together` preset (OpenAI adapter + together quirks), against the together wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('together', 'openai/gpt-oss-120b'));
