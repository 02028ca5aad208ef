/** The conformance suite for the `xai` preset (OpenAI adapter + xai quirks), against the xai wire fake. */
import { compatKit } from './compat-kit.js';
import { runConformance } from './suite.js';

runConformance(compatKit('xai', 'grok-3-mini'));
