/** The conformance suite for the `fireworks` preset (OpenAI adapter + fireworks quirks), against the fireworks wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('fireworks', 'accounts/fireworks/models/gpt-oss-120b'));
